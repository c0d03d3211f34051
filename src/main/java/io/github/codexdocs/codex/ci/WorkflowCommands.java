package io.github.codexdocs.codex.ci;

/**
 * GitHub Actions workflow commands, escaped as the runner expects. They only work when written at the start of a
 * line of standard output.
 */
public final class WorkflowCommands {
    private WorkflowCommands() {
    }

    /** Tells the runner to hide this value in every later line of the job's log. */
    public static String addMask(String value) {
        return "::add-mask::" + escapeData(value);
    }

    public static String warning(String title, String message) {
        return "::warning title=" + escapeProperty(title) + "::" + escapeData(message);
    }

    public static String error(String title, String message) {
        return "::error title=" + escapeProperty(title) + "::" + escapeData(message);
    }

    static String escapeData(String value) {
        return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A");
    }

    static String escapeProperty(String value) {
        return escapeData(value).replace(":", "%3A").replace(",", "%2C");
    }
}
