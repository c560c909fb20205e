package dev.sprocket.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** docs/benchmarks.md holds one section per benchmark between markers; each run replaces only its own section. */
final class BenchmarksDoc {
    private BenchmarksDoc() {}

    static void replaceSection(Path doc, String id, String content) throws IOException {
        String begin = "<!-- bench:" + id + ":begin -->";
        String end = "<!-- bench:" + id + ":end -->";
        String text = Files.exists(doc) ? Files.readString(doc) : "# Benchmarks\n\nFigures written by `bench/run`. Each section says when and where it was measured.\n";
        String block = begin + "\n" + content.strip() + "\n" + end;
        int b = text.indexOf(begin);
        int e = text.indexOf(end);
        text = b >= 0 && e > b ? text.substring(0, b) + block + text.substring(e + end.length()) : text.stripTrailing() + "\n\n" + block + "\n";
        Path tmp = doc.resolveSibling(doc.getFileName() + ".tmp");
        Files.createDirectories(doc.getParent());
        Files.writeString(tmp, text);
        Files.move(tmp, doc, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
