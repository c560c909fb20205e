package dev.sprocket.core.domain;

import java.util.List;

/**
 * An external file (or set of files) a .blend needs to render.
 *
 * @param kind      image, udim, sequence, library, cache, font, sound, volume, multires, movie, ...
 * @param path      the path as written in the .blend (may be {@code //relative} or absolute)
 * @param absolute  where it resolves on this machine
 * @param files     the concrete files found (one for a plain file; every tile/frame for sets; every file of a cache dir)
 * @param present   whether everything it needs exists
 * @param owner     the .blend that references it (the main file or a linked library), as an absolute path
 */
public record Dependency(String kind, String path, String absolute, List<String> files, boolean present, String owner) {
}
