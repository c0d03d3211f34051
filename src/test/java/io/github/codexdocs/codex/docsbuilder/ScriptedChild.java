package io.github.codexdocs.codex.docsbuilder;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A child process for {@link DocsBuilderRunnerTest}, portable across platforms. Its arguments are steps:
 * {@code print:<text>}, {@code sleep:<ms>}, {@code spawn:<pid file>} (starts a long-sleeping copy of itself and
 * writes that child's pid), {@code pid:<file>} (writes its own pid), {@code env:<name>} (prints a variable),
 * {@code lines:<n>}, {@code exit:<code>}.
 */
public final class ScriptedChild {
    public static void main(String[] args) throws Exception {
        for (String step : args) {
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
                default -> throw new IllegalArgumentException(step);
            }
        }
    }

    /** The command that runs this class with the current JVM. */
    static List<String> javaCommand() {
        return List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), ScriptedChild.class.getName());
    }
}
