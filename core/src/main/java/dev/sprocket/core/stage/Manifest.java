package dev.sprocket.core.stage;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The staged project of a job: every file with its relative path and hash, which one is the main .blend, and how
 * absolute paths written in the .blend map onto the staged layout (so a worker anywhere can resolve them).
 * Serialised as a small line format so that core needs no JSON library.
 */
public record Manifest(String mainBlend, List<ManifestEntry> entries, Map<String, String> remaps) {
    private static final String HEADER = "sprocket-manifest 1";

    public Manifest {
        entries = List.copyOf(entries);
        remaps = Map.copyOf(remaps);
        for (ManifestEntry e : entries) checkRelative(e.path());
        checkRelative(mainBlend);
        remaps.values().forEach(Manifest::checkRelative);
    }

    /** Refuses paths that would escape the job directory when materialised. */
    static void checkRelative(String p) {
        if (p.isEmpty() || p.startsWith("/") || p.contains("\\") || p.matches("^[A-Za-z]:.*")
                || List.of(p.split("/")).stream().anyMatch(s -> s.equals("..") || s.equals(".") || s.isEmpty())) {
            throw new IllegalArgumentException("manifest path must be relative and inside the job: '" + p + "'");
        }
    }

    public long totalBytes() {
        return entries.stream().mapToLong(ManifestEntry::size).sum();
    }

    public String encode() {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        sb.append("main\t").append(enc(mainBlend)).append('\n');
        for (ManifestEntry e : entries) {
            sb.append("file\t").append(e.sha256()).append('\t').append(e.size()).append('\t').append(enc(e.path())).append('\n');
        }
        new java.util.TreeMap<>(remaps).forEach((from, to) ->
                sb.append("remap\t").append(enc(from)).append('\t').append(enc(to)).append('\n'));
        return sb.toString();
    }

    public static Manifest decode(String text) {
        String[] lines = text.split("\n");
        if (lines.length == 0 || !lines[0].equals(HEADER)) {
            throw new IllegalArgumentException("not a sprocket manifest (first line: '" + (lines.length > 0 ? lines[0] : "") + "')");
        }
        String main = null;
        List<ManifestEntry> entries = new ArrayList<>();
        Map<String, String> remaps = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].isEmpty()) continue;
            String[] f = lines[i].split("\t");
            switch (f[0]) {
                case "main" -> main = dec(f[1]);
                case "file" -> entries.add(new ManifestEntry(dec(f[3]), f[1], Long.parseLong(f[2])));
                case "remap" -> remaps.put(dec(f[1]), dec(f[2]));
                default -> throw new IllegalArgumentException("manifest line " + (i + 1) + ": unknown record '" + f[0] + "'");
            }
        }
        if (main == null) throw new IllegalArgumentException("manifest names no main .blend");
        return new Manifest(main, entries, remaps);
    }

    private static String enc(String s) { return URLEncoder.encode(s, StandardCharsets.UTF_8); }
    private static String dec(String s) { return URLDecoder.decode(s, StandardCharsets.UTF_8); }
}
