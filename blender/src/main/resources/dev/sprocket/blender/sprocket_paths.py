# Every external path a loaded .blend uses, as Blender itself resolves it. Shared by inspect.py (to list
# dependencies) and session.py (to remap staged paths), so that both agree on what a "path as written" is.
#
# Rule for "needed" (a missing needed file makes the render wrong, so inspection reports it as missing):
#   - images, UDIM sets, image/volume/cache sequences, fonts, volumes, movie clips, mesh caches, external multires
#     and libraries are needed when something uses them (users beyond a fake user) and they are not packed;
#   - a point cache (particles, cloth, soft body, dynamic paint) is needed only when it is BAKED to disk: Blender
#     then reads the frames and never re-simulates, so without the files the simulation is simply absent.
#     An unbaked disk cache is re-simulated when its files are missing, so its files are optional;
#   - a fluid cache is needed when any of its parts is baked (has_cache_baked_*), an ocean cache when the
#     modifier is set to read it (is_cached);
#   - sounds never change rendered images;
#   - sequencer strips are needed when the scene renders through the sequencer and the strip is not muted.
# Optional references are listed only when their files exist (so staging copies them); an optional reference
# whose files do not exist is left out instead of being reported as missing.
import os
import re

import bpy


def main_blend():
    return os.path.normpath(bpy.data.filepath)


def library_abs(lib):
    # Blender keeps an indirect library's filepath relative to the MAIN file (it rewrites it on load), so
    # abspath without a library base resolves every library correctly.
    return os.path.normpath(bpy.path.abspath(lib.filepath))


def owner_path(lib):
    return library_abs(lib) if lib is not None else main_blend()


def abs_of(raw, lib):
    if not raw:
        return ""
    return os.path.normpath(bpy.path.abspath(raw, library=lib))


def used(idb):
    return idb.users > (1 if idb.use_fake_user else 0)


def is_packed(idb):
    pf = getattr(idb, "packed_file", None)
    if pf is not None:
        return True
    pfs = getattr(idb, "packed_files", None)
    return pfs is not None and len(pfs) > 0


class Ref:
    """One path in the file. setter(new_path) rewrites it (for remaps); None when it cannot be rewritten."""

    def __init__(self, kind, raw, lib, needed, setter, files=None, absolute=None, written=None):
        self.kind = kind
        self.raw = raw
        self.lib = lib
        self.needed = needed
        self.setter = setter
        self.absolute = absolute if absolute is not None else abs_of(raw, lib)
        self.written = written if written is not None else raw
        self._files = files  # callable returning (files, present) or None for a plain file

    def resolve(self):
        if self._files is not None:
            return self._files(self.absolute)
        exists = os.path.isfile(self.absolute)
        return ([self.absolute] if exists else []), exists


# ---------- file sets ----------

def listdir(folder):
    try:
        return sorted(os.listdir(folder))
    except OSError:
        return []


def sequence_files(absolute):
    """All frames of a numbered sequence: same name around the last run of digits (Blender's rule)."""
    folder, name = os.path.split(absolute)
    m = re.match(r"^(.*?)(\d+)(\D*)$", name)
    if not m:
        exists = os.path.isfile(absolute)
        return ([absolute] if exists else []), exists
    head, tail = m.group(1), m.group(3)
    pattern = re.compile("^" + re.escape(head) + r"\d+" + re.escape(tail) + "$")
    found = [os.path.join(folder, f) for f in listdir(folder) if pattern.match(f)]
    return found, len(found) > 0


def tiled_files(image):
    def resolve(absolute):
        folder, name = os.path.split(absolute)
        declared = []
        for tile in image.tiles:
            n = tile.number
            u, v = (n - 1001) % 10 + 1, (n - 1001) // 10 + 1
            declared.append(os.path.join(folder, name.replace("<UDIM>", str(n)).replace("<UVTILE>", "u%d_v%d" % (u, v))))
        # Tiles on disk that the image does not list yet are loaded by Blender on reload, so copy them too.
        pattern = re.compile("^" + re.escape(name).replace(re.escape("<UDIM>"), r"\d{4}")
                             .replace(re.escape("<UVTILE>"), r"u\d+_v\d+") + "$")
        found = set(f for f in declared if os.path.isfile(f))
        found.update(os.path.join(folder, f) for f in listdir(folder) if pattern.match(f))
        return sorted(found), all(os.path.isfile(f) for f in declared)
    return resolve


def dir_files(recursive, predicate=lambda name: True):
    def resolve(absolute):
        found = []
        if recursive:
            for root, _dirs, names in os.walk(absolute):
                found += [os.path.join(root, n) for n in names if predicate(n)]
        else:
            found = [os.path.join(absolute, n) for n in listdir(absolute)
                     if predicate(n) and os.path.isfile(os.path.join(absolute, n))]
        return sorted(found), len(found) > 0
    return resolve


# ---------- point caches ----------

def point_cache_ref(pc, owner_id, kind="cache"):
    """Where Blender's ptcache_path()/ptcache_filename() read a disk cache (blenkernel/intern/pointcache.c)."""
    if not pc.use_disk_cache:
        return None  # memory cache: saved inside the .blend
    lib = owner_id.library
    blend = library_abs(lib) if (lib is not None and pc.use_library_path) else main_blend()
    if pc.use_external:
        raw = pc.filepath
        folder = os.path.normpath(bpy.path.abspath(raw, start=os.path.dirname(blend)))
        setter = lambda new, pc=pc: setattr(pc, "filepath", new)
    else:
        # The implicit folder next to the .blend; pc.filepath is ignored for non-external caches.
        stem = os.path.basename(blend)
        stem = stem[:-6] if len(stem) > 6 else stem  # Blender cuts 6 chars (".blend") blindly
        raw = "//blendcache_" + stem + "/"
        folder = os.path.join(os.path.dirname(blend), "blendcache_" + stem)
        setter = None  # staging keeps the layout next to the .blend; nothing to rewrite
    if pc.name == "" and not pc.use_external:
        prefix = "".join("%02X" % b for b in owner_id.name.encode("utf-8"))
    else:
        prefix = pc.name
    index = "" if (pc.use_external and pc.index < 0) else "_%02d" % pc.index
    pattern = re.compile("^" + re.escape(prefix) + r"_\d{6}" + re.escape(index) + r"\.(bphys|vdb)$")
    return Ref(kind, raw, lib, pc.is_baked, setter, dir_files(False, pattern.match), absolute=folder)


def object_refs(ob):
    lib = ob.library
    for m in ob.modifiers:
        if m.type == "MULTIRES" and m.is_external:
            yield Ref("multires", m.filepath, lib, True, lambda new, m=m: setattr(m, "filepath", new))
        elif m.type == "OCEAN":
            yield Ref("ocean", m.filepath, lib, m.is_cached, lambda new, m=m: setattr(m, "filepath", new),
                      dir_files(False, lambda n: n.lower().endswith(".exr")))
        elif m.type == "FLUID" and m.fluid_type == "DOMAIN":
            d = m.domain_settings
            yield Ref("fluid", d.cache_directory, lib, d.has_cache_baked_any,
                      lambda new, d=d: setattr(d, "cache_directory", new), dir_files(True))
        elif m.type in ("CLOTH", "SOFT_BODY"):
            ref = point_cache_ref(m.point_cache, ob)
            if ref:
                yield ref
        elif m.type == "DYNAMIC_PAINT" and m.canvas_settings is not None:
            for surface in m.canvas_settings.canvas_surfaces:
                ref = point_cache_ref(surface.point_cache, ob)
                if ref:
                    yield ref
    for psys in ob.particle_systems:
        ref = point_cache_ref(psys.point_cache, ob)
        if ref:
            yield ref


# ---------- everything ----------

def library_refs():
    for lib in bpy.data.libraries:
        if is_packed(lib):
            continue
        absolute = library_abs(lib)
        written = lib.filepath
        if lib.parent is not None and written.startswith("//"):
            # Show the path as the parent library writes it (Blender rewrote it relative to the main file).
            parent_dir = os.path.dirname(library_abs(lib.parent))
            written = "//" + os.path.relpath(absolute, parent_dir)
        yield Ref("library", lib.filepath, lib.parent, True,
                  lambda new, lib=lib: setattr(lib, "filepath", new), absolute=absolute, written=written)


def image_refs():
    for img in bpy.data.images:
        if img.source not in ("FILE", "SEQUENCE", "MOVIE", "TILED") or not img.filepath or is_packed(img):
            continue
        setter = lambda new, img=img: setattr(img, "filepath", new)
        if img.source == "TILED":
            yield Ref("udim", img.filepath, img.library, used(img), setter, tiled_files(img))
        elif img.source == "SEQUENCE":
            yield Ref("sequence", img.filepath, img.library, used(img), setter, sequence_files)
        else:
            yield Ref("movie" if img.source == "MOVIE" else "image", img.filepath, img.library, used(img), setter)


def datablock_refs():
    for f in bpy.data.fonts:
        if f.filepath and f.filepath != "<builtin>" and not is_packed(f):
            yield Ref("font", f.filepath, f.library, used(f), lambda new, f=f: setattr(f, "filepath", new))
    for s in bpy.data.sounds:
        if s.filepath and not is_packed(s):
            yield Ref("sound", s.filepath, s.library, False, lambda new, s=s: setattr(s, "filepath", new))
    for c in bpy.data.cache_files:
        if c.filepath:
            yield Ref("cache_file", c.filepath, c.library, used(c), lambda new, c=c: setattr(c, "filepath", new),
                      sequence_files if c.is_sequence else None)
    for v in bpy.data.volumes:
        if v.filepath and not is_packed(v):
            yield Ref("volume", v.filepath, v.library, used(v), lambda new, v=v: setattr(v, "filepath", new),
                      sequence_files if v.is_sequence else None)
    for c in bpy.data.movieclips:
        if c.filepath:
            yield Ref("movie", c.filepath, c.library, used(c), lambda new, c=c: setattr(c, "filepath", new),
                      sequence_files if c.source == "SEQUENCE" else None)


def sequencer_refs():
    for scene in bpy.data.scenes:
        ed = scene.sequence_editor
        if ed is None:
            continue
        needed_scene = scene.render.use_sequencer
        for strip in ed.sequences_all:
            needed = needed_scene and not strip.mute
            if strip.type == "IMAGE":
                files = [e.filename for e in strip.elements]

                def resolve(absolute, files=files):
                    paths = [os.path.join(absolute, f) for f in files]
                    return [p for p in paths if os.path.isfile(p)], all(os.path.isfile(p) for p in paths)
                yield Ref("sequence", strip.directory, scene.library, needed,
                          lambda new, s=strip: setattr(s, "directory", new), resolve)
            elif strip.type == "MOVIE":
                yield Ref("movie", strip.filepath, scene.library, needed,
                          lambda new, s=strip: setattr(s, "filepath", new))


def all_refs():
    refs = list(library_refs()) + list(image_refs()) + list(datablock_refs()) + list(sequencer_refs())
    for ob in bpy.data.objects:
        refs += list(object_refs(ob))
    return refs


def other_paths(known):
    """Paths Blender knows that the walk above did not classify (a safety net for staging; never 'missing')."""
    skip = set(known)
    for ob in bpy.data.objects:  # Blender lists a non-external cache's unused filepath; it is not read.
        for psys in ob.particle_systems:
            skip.add(abs_of(psys.point_cache.filepath, ob.library))
        for m in ob.modifiers:
            if hasattr(m, "point_cache"):
                skip.add(abs_of(m.point_cache.filepath, ob.library))
    for t in bpy.data.texts:  # scripts do not change pixels
        if t.filepath:
            skip.add(abs_of(t.filepath, t.library))
    for p in bpy.utils.blend_paths(absolute=True, packed=False, local=False):
        p = os.path.normpath(p)
        if p not in skip and os.path.isfile(p):
            yield p


# ---------- remapping (session) ----------

def apply_remaps(remaps):
    """Rewrites paths listed in remaps (path as written, or absolute path -> new absolute path).

    Libraries go first: reloading a library re-reads its data-blocks, which would undo remaps already
    applied to them. Returns the remap keys that matched nothing (not an error: staging may list paths
    this Blender does not load)."""
    if not remaps:
        return []
    by_abs = {os.path.normpath(k): v for k, v in remaps.items() if os.path.isabs(k)}
    matched = set()

    def lookup(ref):
        for key in (ref.raw, ref.written):
            if key in remaps:
                matched.add(key)
                return remaps[key]
        if ref.absolute in by_abs:
            matched.update(k for k in remaps if os.path.isabs(k) and os.path.normpath(k) == ref.absolute)
            return by_abs[ref.absolute]
        return None

    reload = []
    for ref in library_refs():
        new = lookup(ref)
        if new is not None:
            ref.setter(new)
            reload.append(new)
    for lib in bpy.data.libraries:
        if lib.filepath in reload:
            lib.reload()
    refs = list(image_refs()) + list(datablock_refs()) + list(sequencer_refs())
    for ob in bpy.data.objects:
        refs += list(object_refs(ob))
    for ref in refs:
        new = lookup(ref)
        if new is not None and ref.setter is not None:
            ref.setter(new)
    return sorted(k for k in remaps if k not in matched)
