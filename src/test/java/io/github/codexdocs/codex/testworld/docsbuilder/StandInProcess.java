package io.github.codexdocs.codex.testworld.docsbuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the stand-in launcher as a test of the stand-in would: a clean environment, output captured in files. */
public final class StandInProcess {
    private StandInProcess() {
    }

    /** How a run ended. */
    public static final class Result {
        public final int exit;
        public final String stdout;
        public final String stderr;

        Result(int exit, String stdout, String stderr) {
            this.exit = exit;
            this.stdout = stdout;
            this.stderr = stderr;
        }

        @Override
        public String toString() {
            return "exit " + exit + "\n--- stdout\n" + stdout + "--- stderr\n" + stderr;
        }
    }

    /**
     * The launcher in {@code cwd} with only {@code PATH} (and Windows' basics) of this JVM's environment, the data
     * folder under {@code tmp}, then {@code env}.
     */
    public static ProcessBuilder builder(Path launcher, Path cwd, Path tmp, Map<String, String> env, String... args) {
        List<String> command = new ArrayList<>();
        if (StandInLauncher.windows()) {
            command.addAll(List.of("cmd.exe", "/c"));
        }
        command.add(launcher.toString());
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(cwd.toFile());
        Map<String, String> environment = builder.environment();
        environment.clear();
        for (String keep : List.of("PATH", "SystemRoot", "TEMP", "TMP", "LANG")) {
            if (System.getenv(keep) != null) {
                environment.put(keep, System.getenv(keep));
            }
        }
        environment.put("XDG_DATA_HOME", tmp.resolve("data").toString());
        environment.put("LOCALAPPDATA", tmp.resolve("data").toString());
        environment.putAll(env);
        return builder;
    }

    /** Starts the process with its output going to {@code stdout} and {@code stderr}, and nothing on its input. */
    public static Process start(ProcessBuilder builder, Path stdout, Path stderr) throws IOException {
        builder.redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        Process process = builder.start();
        process.getOutputStream().close();
        return process;
    }

    /** Runs it to its end (30 s at most, then it and its children are killed). */
    public static Result run(ProcessBuilder builder, Path tmp) throws IOException, InterruptedException {
        Path stdout = Files.createTempFile(tmp, "stdout", ".txt");
        Path stderr = Files.createTempFile(tmp, "stderr", ".txt");
        return finish(start(builder, stdout, stderr), stdout, stderr);
    }

    /** Waits for a started process (30 s at most, then it and its children are killed). */
    public static Result finish(Process process, Path stdout, Path stderr) throws IOException, InterruptedException {
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            throw new AssertionError("stand-in timed out: " + Files.readString(stdout));
        }
        return new Result(process.exitValue(), Files.readString(stdout), Files.readString(stderr));
    }
}
