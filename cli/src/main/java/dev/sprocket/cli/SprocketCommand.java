package dev.sprocket.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "sprocket",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Renders Blender scenes on every core of this machine (and, later, on many machines).",
                "",
                "Start with:  sprocket demo             (makes a small scene and renders it here)",
                "Then:        sprocket inspect shot.blend",
                "             sprocket render shot.blend --frames 1-48",
                "",
                "Data (job database, staged files) lives in SPROCKET_HOME (default ~/.sprocket).",
                "Blender is found via SPROCKET_BLENDER, else `blender` on PATH."},
        subcommands = {InspectCommand.class, RenderCommand.class, DemoCommand.class, CommandLine.HelpCommand.class})
final class SprocketCommand {
}
