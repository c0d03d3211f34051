package io.github.codexdocs.codex.docsbuilder;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process for {@link DocsBuilderRunnerTest}, portable across platforms. Its arguments are steps:
 * {@code print:<text>}, {@code sleep:<ms>}, {@code spawn:<pid file>} (starts a long-sleeping copy of itself and
 * writes that child's pid), {@code pid:<file>} (writes its own pid), {@code env:<name>} (prints a variable),
 * {@code lines:<n>}, {@code exit:<code>}, and {@code runner:<file>}: plays Maven, running the remaining steps in a
 * child through a {@link DocsBuilderRunner} whose cleanup on exit writes {@code alive descendants: <n>} to the file.
 */
public final class ScriptedChild {
    public static void main(String[] args) throws Exception {
        for (int position = 0; position < args.length; position++) {
            String step = args[position];
            String value = step.substring(step.indexOf(':') + 1);
            switch (step.substring(0, step.indexOf(':'))) {
                case "print" -> {
                    System.out.println(value);
                    System.out.flush();
                }
                case "sleep" -> Thread.sleep(Long.parseLong(value));
                case "spawn" -> {
                    List<String> command = new ArrayList<>(javaCommand());
                    command.add("sleep:600000");
                    Process child = new ProcessBuilder(command).inheritIO().start();
                    Files.writeString(Path.of(value), Long.toString(child.pid()));
                }
                case "pid" -> Files.writeString(Path.of(value), Long.toString(ProcessHandle.current().pid()));
                case "env" -> System.out.println(value + "=" + System.getenv(value));
                case "lines" -> {
                    for (int i = 0; i < Integer.parseInt(value); i++) {
                        System.out.println("info ::Filler:: line " + i + " of generated output");
                    }
                }
                case "exit" -> System.exit(Integer.parseInt(value));
                case "runner" -> {
                    List<String> command = new ArrayList<>(javaCommand());
                    command.addAll(List.of(args).subList(position + 1, args.length));
                    new DocsBuilderRunner(new io.github.codexdocs.codex.RecordingLog()).run(Path.of(command.get(0)),
                            command.subList(1, command.size()), Path.of("").toAbsolutePath(), System.getenv(),
                            Duration.ZERO, () -> writeAliveDescendants(Path.of(value)));
                    return;
                }
                default -> throw new IllegalArgumentException(step);
            }
        }
    }

    private static void writeAliveDescendants(Path file) {
        try {
            Files.writeString(file, "alive descendants: "
                    + ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).count());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command that runs this class with the current JVM. */
    static List<String> javaCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ScriptedChild.class.getName());
    }
}
