package io.github.codexdocs.codex.docsbuilder;

import io.github.codexdocs.codex.BuildLog;
import io.github.codexdocs.codex.CodexException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Forks docs-builder, relays its output line by line as it arrives, and stops it together with every process it
 * started when it runs past its time limit, when the waiting thread is interrupted or when Maven itself is stopped
 * (Ctrl+C, a cancelled CI job).
 */
public final class DocsBuilderRunner {
    private static final Duration GRACE = Duration.ofSeconds(3);

    private final BuildLog log;
    private final List<String> secrets;

    public DocsBuilderRunner(BuildLog log) {
        this(log, List.of());
    }

    /**
     * @param secrets values replaced by {@code ***} in every line docs-builder prints, should it or a tool it runs
     *                ever print one (the runner masks them in GitHub Actions, but not in a log written to a file)
     */
    public DocsBuilderRunner(BuildLog log, List<String> secrets) {
        this.log = log;
        this.secrets = secrets.stream().filter(secret -> !secret.isEmpty()).toList();
    }

    /**
     * The exit code, the closing summary when docs-builder printed one, and whether it reported that it could not
     * fetch the codex link index.
     */
    public record Result(int exitCode, Optional<BuildSummary> summary, boolean linkIndexFetchFailed) {
    }

    private static final String INTERRUPTED =
            "The build was interrupted; docs-builder and its child processes were stopped.";

    /** What docs-builder prints when the link index fetch fails. */
    static final String LINK_INDEX_FETCH_FAILED = "Failed to fetch link index registry";

    /**
     * @param timeout how long docs-builder may run; zero or negative for no limit
     */
    public Result run(Path executable, List<String> arguments, Path workingDirectory, Map<String, String> environment,
                      Duration timeout) {
        return run(executable, arguments, workingDirectory, environment, timeout, () -> { });
    }

    /**
     * @param timeout       how long docs-builder may run; zero or negative for no limit
     * @param cleanupOnExit what to do, once docs-builder and its child processes have been stopped, when Maven itself
     *                      is stopped while docs-builder runs (the caller's own cleanup after this method does not run
     *                      then); it may run at the same time as that cleanup, so it must be thread-safe
     */
    public Result run(Path executable, List<String> arguments, Path workingDirectory, Map<String, String> environment,
                      Duration timeout, Runnable cleanupOnExit) {
        List<String> command = new ArrayList<>();
        command.add(executable.toString());
        command.addAll(arguments);
        if (!Files.isDirectory(workingDirectory)) {
            throw new CodexException("docs-builder's working directory " + workingDirectory + " does not exist; set"
                    + " <workingDirectory> (codex.workingDirectory) to an existing folder.");
        }
        log.info("Running " + CommandLines.display(command));

        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(workingDirectory.toFile())
                .redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.PIPE);
        builder.environment().clear();
        builder.environment().putAll(environment);

        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new CodexException("Could not start docs-builder " + executable + " (" + e.getMessage()
                    + "); check that it is an executable for this platform.");
        }
        AtomicBoolean mavenStopping = new AtomicBoolean();
        Thread stopOnExit = new Thread(() -> {
            mavenStopping.set(true);
            stopTree(process);
            cleanupOnExit.run();
        }, "codex-stop-docs-builder");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            closeQuietly(process);
            AtomicReference<BuildSummary> summary = new AtomicReference<>();
            AtomicBoolean linkIndexFailed = new AtomicBoolean();
            Thread relay = new Thread(() -> relay(process, summary, linkIndexFailed), "codex-docs-builder-output");
            relay.setDaemon(true);
            relay.start();
            boolean finished = timeout.isZero() || timeout.isNegative()
                    ? waitFor(process)
                    : process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                stopTree(process);
                relay.join(GRACE.toMillis());
                throw new CodexException("docs-builder did not finish within " + timeout.toSeconds()
                        + " seconds and was stopped together with its child processes; raise <timeout> (codex.timeout)"
                        + " or set it to 0 for no limit.");
            }
            // Output may still be in the pipe; a grandchild that inherited it must not hold the build forever.
            relay.join(GRACE.toMillis());
            if (mavenStopping.get()) { // docs-builder's exit code (143 after SIGTERM) says nothing about the docs
                throw new CodexException(INTERRUPTED);
            }
            return new Result(process.exitValue(), Optional.ofNullable(summary.get()), linkIndexFailed.get());
        } catch (InterruptedException e) {
            stopTree(process);
            Thread.currentThread().interrupt();
            throw new CodexException(INTERRUPTED);
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(stopOnExit);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    /** docs-builder reads nothing from standard input; closing it makes a prompt fail instead of hang. */
    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException ignored) {
            // the process has already gone
        }
    }

    private static boolean waitFor(Process process) throws InterruptedException {
        process.waitFor();
        return true;
    }

    private void relay(Process process, AtomicReference<BuildSummary> summary, AtomicBoolean linkIndexFailed) {
        try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String raw;
            while ((raw = reader.readLine()) != null) {
                OutputLine line = OutputLine.classify(redact(raw));
                if (line.text().contains(LINK_INDEX_FETCH_FAILED)) {
                    linkIndexFailed.set(true);
                }
                switch (line.kind()) {
                    case WORKFLOW_COMMAND -> log.raw(line.text());
                    case WARNING -> log.warn(line.text());
                    case ERROR -> log.error(line.text());
                    default -> {
                        BuildSummary.parse(line.text()).ifPresent(summary::set);
                        log.info(line.text());
                    }
                }
            }
        } catch (IOException e) {
            log.debug("Stopped reading docs-builder's output: " + e.getMessage());
        }
    }

    private String redact(String line) {
        String redacted = line;
        for (String secret : secrets) {
            if (redacted.contains(secret)) {
                redacted = redacted.replace(secret, "***");
            }
        }
        return redacted;
    }

    /** Stops the process and all its descendants: politely first, then forcibly after a grace period. */
    static void stopTree(Process process) {
        List<ProcessHandle> tree = new ArrayList<>();
        process.descendants().forEach(tree::add);
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + GRACE.toNanos();
        for (ProcessHandle handle : tree) {
            long left = deadline - System.nanoTime();
            try {
                handle.onExit().get(Math.max(left, 0), TimeUnit.NANOSECONDS);
            } catch (Exception stillRunning) {
                handle.descendants().forEach(ProcessHandle::destroyForcibly);
                handle.destroyForcibly();
            }
        }
    }
}
