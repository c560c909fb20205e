package dev.sprocket.cli;

import dev.sprocket.api.Dto;
import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.client.RemoteStager;
import dev.sprocket.core.domain.BlendInfo;
import dev.sprocket.core.domain.Job;
import dev.sprocket.core.submit.JobPlan;
import dev.sprocket.core.submit.SubmissionCheck;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.Callable;

@Command(name = "submit", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Sends a .blend to the farm as a job, and prints its id.",
                "",
                "Checks the file exactly as `render` does (and refuses the same things, before",
                "anything is sent), hashes the .blend and every file it needs, asks the",
                "coordinator which of them it lacks, and uploads only those: re-submitting an",
                "unchanged project sends no file at all. A short summary goes to stderr; the",
                "job id is the last line of stdout, for scripts. The coordinator comes from",
                "--coordinator or SPROCKET_COORDINATOR, the token from SPROCKET_TOKEN."},
        footer = {"", "Examples:",
                "  export SPROCKET_COORDINATOR=http://render-box:7070 SPROCKET_TOKEN=…",
                "  sprocket submit shot.blend --frames 1-240 --motion-blur on",
                "  job=$(sprocket submit shot.blend --priority 10 --name 'shot 12 final') && sprocket watch $job",
                "  sprocket submit shot.blend --frames 1-48 --samples 64 --resolution-percent 50 --chunk 4"})
final class SubmitCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE", description = "The .blend file to render on the farm.")
    Path file;

    @Mixin RenderOptions render;

    @Option(names = "--priority", paramLabel = "N", defaultValue = "0",
            description = "Higher runs first (default ${DEFAULT-VALUE}); change it later with `sprocket priority`.")
    int priority;

    @Option(names = "--name", paramLabel = "NAME", description = "A name for the job (default: the file name without .blend).")
    String name;

    @Mixin RemoteOptions remote;

    @Mixin CommonOptions common;

    @Override public Integer call() throws Exception {
        return execute(System.out, System.err);
    }

    int execute(PrintStream out, PrintStream err) throws Exception {
        var request = render.toRequest();
        try (CoordinatorClient client = remote.connect()) {
            Path blend = file.toAbsolutePath().normalize();
            err.println("Inspecting " + blend.getFileName() + " …");
            BlendInfo info = Farm.inspect(blend, common.verbose);
            JobPlan plan = SubmissionCheck.check(blend, request, info);
            plan.notes().forEach(n -> err.println("note: " + n));

            String stem = blend.getFileName().toString().replaceFirst("\\.blend\\d*$", "");
            String jobName = name != null && !name.isBlank() ? name.strip() : stem;
            RemoteStager.Result staged = new RemoteStager(client).stage(blend, info, new RemoteStager.Listener() {
                @Override public void hashed(String path, long bytes) {
                    if (common.verbose) err.println("  hashed    " + path + " (" + RenderRun.bytes(bytes) + ")");
                }

                @Override public void uploading(String path, long bytes) {
                    if (common.verbose) err.println("  uploading " + path + " (" + RenderRun.bytes(bytes) + ")");
                }
            });
            Job job = client.submit(new Dto.JobSubmission(jobName, staged.manifestKey(), plan.scene().name(),
                    plan.frames().text(), plan.chunk(), priority, plan.settings()));
            int tasks = plan.frames().chunks(plan.chunk()).size();
            String had = staged.filesUploaded() == 0 ? "the coordinator had them all"
                    : staged.filesUploaded() == staged.files() ? "all new to the coordinator" : "the coordinator had the rest";
            err.printf("Uploaded %d of %d file(s) (%s of %s; %s)%n", staged.filesUploaded(), staged.files(),
                    RenderRun.bytes(staged.bytesUploaded()), RenderRun.bytes(staged.totalBytes()), had);
            err.printf("Submitted job %s '%s' to %s: %d frame(s) in %d task(s), priority %d%n", job.id(), job.name(),
                    client.baseUrl(), plan.frames().size(), tasks, job.priority());
            err.println("Follow it with: sprocket watch " + job.id());
            out.println(job.id());
            return 0;
        }
    }
}
