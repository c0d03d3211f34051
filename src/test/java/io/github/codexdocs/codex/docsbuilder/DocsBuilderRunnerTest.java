package io.github.codexdocs.codex.docsbuilder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.CodexException;
import io.github.codexdocs.codex.RecordingLog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

class DocsBuilderRunnerTest {
    @TempDir
    Path dir;

    private final RecordingLog log = new RecordingLog();

    private DocsBuilderRunner.Result run(Duration timeout, String... steps) {
        List<String> command = ScriptedChild.javaCommand();
        List<String> args = new ArrayList<>(command.subList(1, command.size()));
        args.addAll(List.of(steps));
        return new DocsBuilderRunner(log).run(Path.of(command.get(0)), args, dir,
                Map.of("PATH", System.getenv().getOrDefault("PATH", ""), "ONLY_THIS", "yes"), timeout);
    }

    @Test
    void linesAreClassifiedAndTheSummaryKept() {
        DocsBuilderRunner.Result result = run(Duration.ZERO,
                "print:\u001b[32minfo \u001b[0m::Cat:: hello",
                "print:\u001b[33mwarn \u001b[0m::Cat:: careful",
                "print:\u001b[31merror\u001b[0m::Cat:: broken",
                "print:::error file=a.md,line=1::broken",
                "print:\t1 Errors / 1 Warnings / 0 Hints",
                "exit:1");
        assertEquals(1, result.exitCode());
        assertEquals(Optional.of(new BuildSummary(1, 1, 0)), result.summary());
        assertTrue(log.lines.get(0).startsWith("INFO Running " + Path.of(System.getProperty("java.home"), "bin", "java")));
        assertEquals(List.of("INFO ::Cat:: hello", "WARN ::Cat:: careful", "ERROR ::Cat:: broken",
                "RAW ::error file=a.md,line=1::broken", "INFO \t1 Errors / 1 Warnings / 0 Hints"),
                log.lines.subList(1, log.lines.size()));
    }

    @Test
    void secretsInTheOutputAreHidden() {
        List<String> command = ScriptedChild.javaCommand();
        List<String> args = new ArrayList<>(command.subList(1, command.size()));
        args.addAll(List.of("print:fetching https://oauth2:ghs_secret123@github.com/x.git",
                "print:::warning::header eC1hY2Nlc3M6Z2hz", "exit:0"));
        new DocsBuilderRunner(log, List.of("ghs_secret123", "eC1hY2Nlc3M6Z2hz", "")).run(Path.of(command.get(0)), args,
                dir, Map.of(), Duration.ZERO);
        assertEquals(List.of("INFO fetching https://oauth2:***@github.com/x.git", "RAW ::warning::header ***"),
                log.lines.subList(1, log.lines.size()));
    }

    @Test
    void theChildGetsExactlyTheGivenEnvironment() {
        run(Duration.ZERO, "env:ONLY_THIS", "env:HOME");
        assertTrue(log.lines.contains("INFO ONLY_THIS=yes"));
        assertTrue(log.lines.contains("INFO HOME=null"));
    }

    @Test
    void outputArrivesBeforeTheChildEnds() {
        run(Duration.ZERO, "print:before", "sleep:1500", "print:after");
        long before = log.times.get(log.lines.indexOf("INFO before"));
        long after = log.times.get(log.lines.indexOf("INFO after"));
        assertTrue(after - before >= 1_000_000_000L, "the first line waited for the second");
    }

    @Test
    void manyLinesAreAllRelayed() {
        DocsBuilderRunner.Result result = run(Duration.ZERO, "lines:20000", "exit:0");
        assertEquals(0, result.exitCode());
        assertEquals(20001, log.lines.size());
    }

    @Test
    void timeoutStopsTheChildAndItsDescendants() throws Exception {
        Path pid = dir.resolve("pid");
        Path grandchild = dir.resolve("grandchild");
        CodexException e = assertThrows(CodexException.class,
                () -> run(Duration.ofSeconds(2), "pid:" + pid, "spawn:" + grandchild, "sleep:600000"));
        assertEquals("docs-builder did not finish within 2 seconds and was stopped together with its child processes;"
                + " raise <timeout> (codex.timeout) or set it to 0 for no limit.", e.getMessage());
        for (Path file : List.of(pid, grandchild)) {
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(Files.readString(file)));
            assertFalse(process.isPresent() && process.get().isAlive(), file + " survived");
        }
    }

    @Test
    void anExecutableThatCannotStartSaysSo() {
        Path notABinary = dir.resolve("docs-builder");
        CodexException e = assertThrows(CodexException.class,
                () -> new DocsBuilderRunner(log).run(notABinary, List.of(), dir, Map.of(), Duration.ZERO));
        assertTrue(e.getMessage().startsWith("Could not start docs-builder " + notABinary), e.getMessage());
    }

    @Test
    void aMissingWorkingDirectoryIsNamed() {
        Path nowhere = dir.resolve("no-such-folder");
        CodexException e = assertThrows(CodexException.class, () -> new DocsBuilderRunner(log)
                .run(Path.of(ScriptedChild.javaCommand().get(0)), List.of(), nowhere, Map.of(), Duration.ZERO));
        assertEquals("docs-builder's working directory " + nowhere + " does not exist; set <workingDirectory>"
                + " (codex.workingDirectory) to an existing folder.", e.getMessage());
        assertTrue(log.lines.isEmpty(), "nothing was started");
    }

    @Test
    void anInterruptedBuildStopsTheChildAndItsDescendants() throws Exception {
        Path pid = dir.resolve("pid");
        Path grandchild = dir.resolve("grandchild");
        List<Throwable> thrown = Collections.synchronizedList(new ArrayList<>());
        Thread build = new Thread(() -> {
            try {
                run(Duration.ZERO, "pid:" + pid, "spawn:" + grandchild, "sleep:600000");
            } catch (Throwable t) {
                thrown.add(t);
            }
        });
        build.start();
        for (int i = 0; i < 300 && !(Files.exists(grandchild) && Files.size(grandchild) > 0); i++) {
            Thread.sleep(100);
        }
        assertTrue(Files.exists(grandchild) && Files.size(grandchild) > 0, "the child did not start its own child");
        build.interrupt();
        build.join(30_000);
        assertFalse(build.isAlive(), "the build thread did not stop");
        assertEquals(1, thrown.size());
        assertEquals("The build was interrupted; docs-builder and its child processes were stopped.",
                thrown.get(0).getMessage());
        for (Path file : List.of(pid, grandchild)) {
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(Files.readString(file).trim()));
            assertFalse(process.isPresent() && process.get().isAlive(), file + " survived");
        }
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void whenMavenIsStoppedTheCleanupRunsOnceTheChildTreeIsStopped() throws Exception {
        Path cleaned = dir.resolve("cleaned");
        Path grandchild = dir.resolve("grandchild");
        List<String> command = new ArrayList<>(ScriptedChild.javaCommand());
        command.addAll(List.of("runner:" + cleaned, "spawn:" + grandchild, "sleep:600000"));
        Process maven = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("maven.log").toFile()).start();
        try {
            for (int i = 0; i < 300 && !(Files.exists(grandchild) && Files.size(grandchild) > 0); i++) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(grandchild) && Files.size(grandchild) > 0, "the child did not start its own child");
            new ProcessBuilder("kill", "-INT", Long.toString(maven.pid())).start().waitFor(); // Ctrl+C
            assertTrue(maven.waitFor(30, TimeUnit.SECONDS), "the stopped JVM did not exit");
            assertTrue(Files.exists(cleaned), "the cleanup did not run:\n" + Files.readString(dir.resolve("maven.log")));
            assertEquals("alive descendants: 0", Files.readString(cleaned));
            Optional<ProcessHandle> process = ProcessHandle.of(Long.parseLong(Files.readString(grandchild).trim()));
            assertFalse(process.isPresent() && process.get().isAlive(), "the grandchild survived");
        } finally {
            maven.descendants().forEach(ProcessHandle::destroyForcibly);
            maven.destroyForcibly();
        }
    }
}
