package dev.sprocket.cli;

import picocli.CommandLine;

/** Entry point of the `sprocket` command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    public static int run(String... args) {
        // --verbose turns on our own INFO logging; must be set before the first logger is created.
        if (java.util.Arrays.asList(args).contains("--verbose") || java.util.Arrays.asList(args).contains("-v")) {
            System.setProperty("sprocket.log.level", "INFO");
        }
        CommandLine cli = new CommandLine(new SprocketCommand());
        cli.setExecutionExceptionHandler(new ErrorHandler());
        cli.setCaseInsensitiveEnumValuesAllowed(true);
        return cli.execute(args);
    }
}
