package dev.sprocket.coordinator.http;

import dev.sprocket.core.domain.TaskId;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A blob key as the API accepts it, sorted by kind (see {@link dev.sprocket.core.port.BlobKeys}). Anything else is
 * refused before it reaches a store, with a message that says what a key looks like.
 */
sealed interface BlobKey {
    /** Longer keys are either a bug or an attack; real ones are well under 200 characters. */
    int MAX_LENGTH = 1024;

    String key();

    /** {@code inputs/ab/<sha256>}: content-addressed, immutable, verified on upload. */
    record Input(String key, String sha256) implements BlobKey {}

    /** {@code jobs/<job>/manifest}: the staged project of a job. */
    record Manifest(String key, String jobId) implements BlobKey {}

    /** {@code jobs/<job>/tasks/<index>/<token>/<name…>}: what one attempt produced (outputs, log). */
    record AttemptFile(String key, TaskId task, long token, String name) implements BlobKey {
        /** The directory of every file of this attempt. */
        static String prefix(TaskId task, long token) {
            return "jobs/" + task.jobId() + "/tasks/" + task.index() + "/" + token + "/";
        }
    }

    Pattern INPUT = Pattern.compile("inputs/([0-9a-f]{2})/([0-9a-f]{64})");
    Pattern MANIFEST = Pattern.compile("jobs/([^/]+)/manifest");
    Pattern ATTEMPT = Pattern.compile("jobs/([^/]+)/tasks/(0|[1-9][0-9]{0,8})/(0|[1-9][0-9]{0,17})/(.+)");

    /** @throws IllegalArgumentException (400) naming the key and what is wrong with it */
    static BlobKey parse(String key) {
        checkSafe(key);
        Matcher m = INPUT.matcher(key);
        if (m.matches()) {
            if (!m.group(2).startsWith(m.group(1))) throw invalid(key, "the directory must be the first two hex digits of the sha256");
            return new Input(key, m.group(2));
        }
        m = MANIFEST.matcher(key);
        if (m.matches()) return new Manifest(key, m.group(1));
        m = ATTEMPT.matcher(key);
        if (m.matches()) {
            return new AttemptFile(key, new TaskId(m.group(1), Integer.parseInt(m.group(2))), Long.parseLong(m.group(3)), m.group(4));
        }
        throw invalid(key, "expected inputs/<ab>/<sha256>, jobs/<job>/manifest or jobs/<job>/tasks/<index>/<token>/<name>");
    }

    /** Rules every key obeys whatever its kind: nothing that could name a file outside the store. */
    private static void checkSafe(String key) {
        if (key == null || key.isEmpty()) throw new IllegalArgumentException("blob key is empty");
        if (key.length() > MAX_LENGTH) throw invalid(key.substring(0, 64) + "…", "it is longer than " + MAX_LENGTH + " characters");
        if (key.startsWith("/")) throw invalid(key, "it is absolute");
        if (key.indexOf('\\') >= 0) throw invalid(key, "it contains a backslash; separate segments with '/'");
        if (key.indexOf(':') >= 0) throw invalid(key, "it contains ':'");
        if (key.chars().anyMatch(c -> c < ' ' || c == 0x7f)) throw invalid(key, "it contains a control character");
        for (String segment : key.split("/", -1)) {
            if (segment.isEmpty()) throw invalid(key, "it has an empty segment");
            if (segment.equals(".") || segment.equals("..")) throw invalid(key, "it has a '" + segment + "' segment");
            if (segment.startsWith(".")) throw invalid(key, "a segment starts with '.' (reserved for files in progress)");
        }
    }

    private static IllegalArgumentException invalid(String key, String why) {
        return new IllegalArgumentException("invalid blob key '" + key + "': " + why);
    }
}
