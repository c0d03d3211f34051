package io.github.codexdocs.codex.bench;

import com.sun.management.OperatingSystemMXBean;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** The benchmark's figures: one Markdown table, printed and written to a file, with the machine they come from. */
final class Report {
    private record Row(String measure, String result, String target, String verdict) {
    }

    private final List<Row> rows = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final String machine = machine();
    private final double loadAtStart = load();

    /** A figure without a target. */
    void row(String measure, String result) {
        row(measure, result, "", "");
    }

    void row(String measure, String result, String target, boolean met) {
        row(measure, result, target, met ? "met" : "**missed**");
    }

    synchronized void row(String measure, String result, String target, String verdict) {
        rows.add(new Row(measure, result, target, verdict));
        System.out.printf(Locale.ROOT, "[benchmark] %s: %s%s%n", measure, result,
                target.isEmpty() ? "" : " (target " + target + ": " + verdict + ")");
    }

    void note(String text) {
        notes.add(text);
        System.out.println("[benchmark] note: " + text);
    }

    String markdown() {
        StringBuilder md = new StringBuilder();
        md.append("Machine: ").append(machine).append("  \n");
        md.append(String.format(Locale.ROOT, "Load average: %.2f at the start, %.2f at the end; run finished %s%n%n",
                loadAtStart, load(), Instant.now()));
        md.append("| Measure | Result | Target | Verdict |\n");
        md.append("| --- | --- | --- | --- |\n");
        for (Row row : rows) {
            md.append("| ").append(cell(row.measure())).append(" | ").append(cell(row.result())).append(" | ")
                    .append(cell(row.target())).append(" | ").append(cell(row.verdict())).append(" |\n");
        }
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    void write(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.writeString(file, "# Benchmark results\n\n" + markdown());
    }

    private static String cell(String text) {
        return text.replace("|", "\\|").replace("\n", " ");
    }

    private static double load() {
        return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
    }

    /** Cores, memory, JDK, OS and Maven, in one line. */
    private static String machine() {
        OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
        return String.format(Locale.ROOT, "%d cores, %.1f GiB memory, JDK %s (%s %s), %s (%s %s %s), Maven %s",
                Runtime.getRuntime().availableProcessors(), os.getTotalMemorySize() / (double) (1L << 30),
                System.getProperty("java.version"), System.getProperty("java.vm.vendor"),
                System.getProperty("java.vm.name"), distribution(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("os.arch"), mavenVersion());
    }

    private static String distribution() {
        try {
            Matcher m = Pattern.compile("(?m)^PRETTY_NAME=\"?([^\"\\n]*)").matcher(Files.readString(Path.of("/etc/os-release")));
            return m.find() ? m.group(1) : System.getProperty("os.name");
        } catch (IOException | RuntimeException e) {
            return System.getProperty("os.name");
        }
    }

    private static String mavenVersion() {
        Path lib = Path.of(System.getProperty("codex.it.mavenHome", ""), "lib");
        try (Stream<Path> jars = Files.list(lib)) {
            return jars.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("maven-core-.*\\.jar"))
                    .map(n -> n.substring("maven-core-".length(), n.length() - ".jar".length()))
                    .findFirst().orElse("unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
