package dev.sprocket.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

@Command(name = "sprocket",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        description = {
                "Renders Blender scenes on every core of this machine, or on a farm of machines.",
                "",
                "Start with:  sprocket demo             (makes a small scene and renders it here)",
                "Then:        sprocket inspect shot.blend",
                "             sprocket render shot.blend --frames 1-48",
                "",
                "A farm:      sprocket server                    (on one machine)",
                "             sprocket worker --coordinator URL  (on each render machine)",
                "             sprocket submit shot.blend         (then: watch, download)",
                "             Needs SPROCKET_TOKEN; SPROCKET_COORDINATOR=URL saves --coordinator.",
                "",
                "Data (job database, staged files) lives in SPROCKET_HOME (default ~/.sprocket).",
                "Blender is found via SPROCKET_BLENDER, else `blender` on PATH."},
        subcommands = {
                // this machine
                InspectCommand.class, RenderCommand.class, DemoCommand.class,
                // a farm: the coordinator and its workers
                ServerCommand.class, WorkerCommand.class, WorkersCommand.class,
                // a farm: jobs
                SubmitCommand.class, JobsCommand.class, StatusCommand.class, WatchCommand.class, WaitCommand.class,
                LogsCommand.class, DownloadCommand.class,
                JobControlCommands.Pause.class, JobControlCommands.Resume.class, JobControlCommands.Cancel.class,
                JobControlCommands.Retry.class, JobControlCommands.Priority.class,
                CommandLine.HelpCommand.class})
final class SprocketCommand {
}
