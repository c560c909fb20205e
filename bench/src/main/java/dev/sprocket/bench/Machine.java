package dev.sprocket.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A one-line description of the machine a benchmark ran on. */
final class Machine {
    private Machine() {}

    static String describe() {
        String cpu = "unknown CPU";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse(cpu);
        } catch (IOException ignored) {
            // not Linux: keep the generic name
        }
        long memGiB = Runtime.getRuntime().maxMemory() > 0 ? totalMemoryGiB() : 0;
        return String.format("%s, %d cores, %d GiB RAM, %s %s, Java %s", cpu, Runtime.getRuntime().availableProcessors(),
                memGiB, System.getProperty("os.name"), System.getProperty("os.version"), System.getProperty("java.version"));
    }

    private static long totalMemoryGiB() {
        try {
            return Files.readAllLines(Path.of("/proc/meminfo")).stream().filter(l -> l.startsWith("MemTotal"))
                    .findFirst().map(l -> Long.parseLong(l.replaceAll("\\D", "")) / (1024 * 1024)).orElse(0L);
        } catch (IOException e) {
            return 0;
        }
    }
}
