package dev.sprocket.cli;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an action on SIGTERM or SIGINT instead of letting the JVM exit at once, so a long-running command (a worker)
 * can wind down and return its own exit code. Uses {@code sun.misc.Signal} (module jdk.unsupported) through
 * reflection; where that is unavailable, returns false and the JVM's default handling (shutdown hooks) applies.
 */
final class Shutdown {
    private Shutdown() {}

    /** The action runs once, on the first signal; a second signal ends the JVM the usual way. */
    static boolean onSignal(Runnable action) {
        AtomicBoolean fired = new AtomicBoolean();
        try {
            Class<?> signal = Class.forName("sun.misc.Signal");
            Class<?> handler = Class.forName("sun.misc.SignalHandler");
            Object dfl = handler.getField("SIG_DFL").get(null);
            Method handle = signal.getMethod("handle", signal, handler);
            for (String name : new String[]{"TERM", "INT"}) {
                Object sig = signal.getConstructor(String.class).newInstance(name);
                InvocationHandler h = (proxy, method, args) -> {
                    if (method.getName().equals("handle")) {
                        if (fired.compareAndSet(false, true)) {
                            Thread t = new Thread(action, "sprocket-signal-" + name);
                            t.setDaemon(true);
                            t.start();
                        } else {
                            handle.invoke(null, sig, dfl); // second signal: default behaviour from now on
                            Runtime.getRuntime().exit(128 + (name.equals("TERM") ? 15 : 2));
                        }
                        return null;
                    }
                    return switch (method.getName()) {
                        case "hashCode" -> System.identityHashCode(proxy);
                        case "equals" -> proxy == args[0];
                        default -> "sprocket signal handler";
                    };
                };
                handle.invoke(null, sig, Proxy.newProxyInstance(Shutdown.class.getClassLoader(), new Class<?>[]{handler}, h));
            }
            return true;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return false;
        }
    }
}
