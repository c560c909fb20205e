package dev.sprocket.blender;

import java.util.List;

/** Blender processes started by this JVM (tests check that none is left behind, and kill one to simulate a crash). */
final class BlenderProcesses {
    private BlenderProcesses() {}

    static List<ProcessHandle> children() {
        return ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.contains("blender")).orElse(false)).toList();
    }

    /** The live Blender whose command line mentions {@code text} (e.g. the .blend path). */
    static ProcessHandle running(String text) {
        return children().stream()
                .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains(text)).orElse(false))
                .findFirst().orElseThrow(() -> new AssertionError("no Blender running for " + text));
    }
}
