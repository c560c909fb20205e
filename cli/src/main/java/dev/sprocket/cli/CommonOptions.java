package dev.sprocket.cli;

import picocli.CommandLine.Option;

/** Options every command takes. */
final class CommonOptions {
    @Option(names = {"-v", "--verbose"}, description = "Print detail: Blender's output, staging, full error traces.")
    boolean verbose;

    static boolean verbose(Object command) {
        try {
            var f = command.getClass().getDeclaredField("common");
            f.setAccessible(true);
            Object c = f.get(command);
            return c instanceof CommonOptions o && o.verbose;
        } catch (ReflectiveOperationException e) {
            return false;
        }
    }
}
