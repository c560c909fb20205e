package dev.sprocket.cli;

import dev.sprocket.api.Dto;
import dev.sprocket.blender.Blender;
import dev.sprocket.blender.BlenderRenderer;
import dev.sprocket.blender.BlenderSettings;
import dev.sprocket.client.CoordinatorClient;
import dev.sprocket.client.HttpBlobStore;
import dev.sprocket.client.HttpWorkSource;
import dev.sprocket.core.port.Renderer;
import dev.sprocket.worker.Worker;
import dev.sprocket.worker.WorkerSettings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

@Command(name = "worker", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
                "Joins this machine to a farm as a worker.",
                "",
                "Takes tasks from the coordinator, renders them with this machine's Blender",
                "(one session kept open across the frames of a job) and uploads the frames.",
                "",
                "The worker only connects out to the coordinator; it opens no port. Each input",
                "file is downloaded once per worker (kept in WORKDIR/cache). If the coordinator",
                "restarts, the worker keeps rendering and delivers its frames when it is back",
                "(for up to 10 minutes). Stop it with Ctrl-C or SIGTERM: it takes no more work,",
                "hands its current task back, exits 0. `sprocket worker drain NAME` asks a",
                "worker (from anywhere) to finish its task and exit. The coordinator comes from",
                "--coordinator or SPROCKET_COORDINATOR, the token from SPROCKET_TOKEN."},
        footer = {"", "Examples:",
                "  SPROCKET_TOKEN=… sprocket worker --coordinator http://render-box:7070",
                "  sprocket worker --coordinator http://render-box:7070 --name gpu-2 --threads 8",
                "  sprocket worker drain gpu-2"},
        subcommands = {WorkerCommand.Drain.class})
final class WorkerCommand implements Callable<Integer> {
    /** How long a stopping worker waits for its task to be handed back before it exits anyway. */
    private static final long STOP_WAIT_MILLIS = 60_000;

    @Option(names = "--name", paramLabel = "NAME", description = "This worker's name on the farm (default: the host name). Must be unique.")
    String name;

    @Option(names = "--workdir", paramLabel = "DIR", description = "Input cache and job copies (default: $SPROCKET_HOME/worker-<name>).")
    Path workdir;

    @Option(names = "--threads", paramLabel = "N", description = "Render threads (default: every core).")
    Integer threads;

    @Mixin RemoteOptions remote;
    @Mixin CommonOptions common;

    @Override public Integer call() throws Exception {
        PrintStream err = System.err;
        if (threads != null && (threads < 1 || threads > 1024)) throw new UserError("--threads must be 1-1024, got " + threads);
        String workerName = name != null ? name.strip() : hostName();
        if (!workerName.matches("[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}")) {
            throw new UserError("--name '" + workerName + "' must be 1-128 letters, digits and . _ @ : -, starting with a letter or digit");
        }
        Path dir = (workdir != null ? workdir : SprocketHome.fromEnvironment().dir().resolve("worker-" + workerName))
                .toAbsolutePath().normalize();
        CoordinatorClient client = remote.connect(); // a missing token or address is reported before anything starts
        Blender blender;
        String blenderVersion;
        try {
            blender = Farm.blender();
            blenderVersion = blender.version();
        } catch (dev.sprocket.blender.BlenderUnavailableException e) {
            client.close();
            throw new UserError(e.getMessage());
        } catch (RuntimeException e) {
            client.close();
            throw e;
        }
        int cores = Runtime.getRuntime().availableProcessors();
        HttpWorkSource source = new HttpWorkSource(client, HttpWorkSource.Settings.defaults().withRegistration(
                new Dto.RegisterRequest(Optional.of(blenderVersion), cores, Optional.of(hostName()))));
        Renderer renderer = new BlenderRenderer(blender, BlenderSettings.defaults());
        try {
            err.println("Worker " + workerName + ": joining " + client.baseUrl() + " (Blender " + blenderVersion + ", "
                    + (threads != null ? threads + " thread(s)" : cores + " core(s)") + ", work dir " + dir + ")");
            source.register(workerName); // fails here, in one line, on a wrong token; waits while the coordinator is away
            renderer.prewarm(1, threads != null ? threads : 0, false);
            WorkerSettings settings = WorkerSettings.defaults().withThreads(threads != null ? threads : 0);
            // Renew leases as often as this coordinator asks (the Worker also caps it at a third of the lease).
            var answer = source.registration();
            if (answer.isPresent() && answer.get().heartbeatMillis() > 0) {
                settings = settings.withHeartbeatEvery(Duration.ofMillis(answer.get().heartbeatMillis()));
            }
            Worker worker = new Worker(workerName, source, new HttpBlobStore(client), renderer, dir, settings);
            AtomicReference<Throwable> died = new AtomicReference<>();
            Thread thread = new Thread(worker, "worker-" + workerName);
            thread.setUncaughtExceptionHandler((t, e) -> died.set(e));
            Runnable drain = () -> {
                source.stopLeasing();
                worker.stop();
            };
            AtomicBoolean signalled = new AtomicBoolean();
            Shutdown.onSignal(() -> {
                signalled.set(true);
                err.println("Worker " + workerName + ": stopping (handing back its current task, if any) …");
                drain.run();
            });
            // Any other way the JVM is told to end (SIGHUP, System.exit elsewhere): still hand the task back.
            Thread hook = new Thread(() -> {
                drain.run();
                joinQuietly(thread, STOP_WAIT_MILLIS);
            }, "sprocket-worker-shutdown");
            Runtime.getRuntime().addShutdownHook(hook);
            err.println("Worker " + workerName + ": ready; waiting for tasks (Ctrl-C to stop)");
            thread.start();
            thread.join();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running already
            }
            source.awaitAbandoned(Duration.ofSeconds(5)); // a task that arrived as we stopped goes back before we exit
            if (died.get() != null) {
                if (died.get() instanceof Exception e) throw e;
                throw new IllegalStateException(died.get());
            }
            if (!signalled.get() && !source.drainRequested(workerName)) {
                // The worker stopped itself: Blender could not be started here (the reason was logged above).
                throw new UserError("worker " + workerName + " stopped: this machine could not run Blender (see the error above)");
            }
            err.println("Worker " + workerName + ": stopped" + (signalled.get() ? "" : " (drained by the coordinator)"));
            return 0;
        } finally {
            renderer.close();
            client.close();
        }
    }

    static String hostName() {
        String env = System.getenv("HOSTNAME");
        try {
            String h = InetAddress.getLocalHost().getHostName();
            if (h != null && !h.isBlank()) return h.replaceAll("[^A-Za-z0-9._@:-]", "-");
        } catch (java.io.IOException e) {
            // fall back to the environment
        }
        return env != null && !env.isBlank() ? env.replaceAll("[^A-Za-z0-9._@:-]", "-") : "worker";
    }

    private static void joinQuietly(Thread t, long millis) {
        try {
            t.join(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Command(name = "drain", mixinStandardHelpOptions = true,
            description = {"Asks a worker to finish the task it is on and then exit (e.g. before rebooting",
                    "its machine). It takes no new task from now on."},
            footer = {"", "Examples:", "  sprocket worker drain gpu-2", "  sprocket workers    # shows it as draining until it exits"})
    static final class Drain implements Callable<Integer> {
        @Parameters(paramLabel = "NAME", description = "The worker's name, as `sprocket workers` lists it.")
        String worker;

        @Mixin RemoteOptions remote;
        @Mixin CommonOptions common;

        @Override public Integer call() {
            try (CoordinatorClient client = remote.connect()) {
                var w = client.drain(worker);
                System.out.println("Asked worker " + w.name() + " to finish " + w.task().map(t -> "task " + t).orElse("its task")
                        + " and exit");
                return 0;
            }
        }
    }
}
