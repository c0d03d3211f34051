package io.github.codexdocs.codex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.testworld.docsbuilder.StandInLauncher;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.apache.maven.shared.invoker.DefaultInvocationRequest;
import org.apache.maven.shared.invoker.DefaultInvoker;
import org.apache.maven.shared.invoker.InvocationRequest;
import org.apache.maven.shared.invoker.InvocationOutputHandler;
import org.apache.maven.shared.invoker.InvocationResult;
import org.apache.maven.shared.invoker.MavenInvocationException;

/**
 * One integration-test scenario: a copy of {@code src/it/<name>} (plus the shared docset in {@code src/it/_docset}
 * when the scenario has no {@code docs/} of its own), built by a real Maven through maven-invoker with an
 * environment the test controls entirely: every GitHub Actions, runner and Vault variable of the machine running
 * the tests is removed, so the scenarios behave the same inside a real Actions job. The benchmarks
 * ({@code io.github.codexdocs.codex.bench}) drive their Maven builds through it too.
 */
public final class Scenario {
    private static final AtomicInteger RUNS = new AtomicInteger();
    private static final Path SOURCES = Path.of(System.getProperty("codex.it.sources", "src/it"));
    private static final Path WORK = Path.of(System.getProperty("codex.it.work", "target/it"));

    private final String name;
    private final Path directory;
    private final Map<String, String> environment = new LinkedHashMap<>();
    private final List<String> properties = new ArrayList<>();
    private boolean debug;
    private String threads;
    private boolean installs;
    private boolean offline;
    private String proxiesXml = "";
    private String mavenOpts = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC";
    private Predicate<String> keptLines;
    private Consumer<String> lineListener = line -> { };

    private Scenario(String name, Path directory) {
        this.name = name;
        this.directory = directory;
    }

    private static Path standInBin;

    /** The folder holding the docs-builder stand-in's launcher, installed on first use. */
    public static synchronized Path standInBin() {
        if (standInBin == null) {
            standInBin = WORK.resolve("bin").toAbsolutePath();
            StandInLauncher.install(standInBin);
        }
        return standInBin;
    }

    /** A scenario with the docs-builder stand-in on {@code PATH}, recording its last run in {@code record.json}. */
    public static Scenario withStandIn(String name) {
        Scenario scenario = of(name).onPath(standInBin());
        return scenario.env("STANDIN_RECORD", scenario.directory().resolve("record.json").toString());
    }

    /** Copies the scenario into a fresh folder under {@code target/it} and makes it a git checkout. */
    public static Scenario of(String name) {
        Path source = SOURCES.resolve(name);
        assertTrue(Files.isDirectory(source), "no scenario folder " + source);
        return create(name, directory -> {
            copy(source, directory);
            if (!Files.isDirectory(directory.resolve("docs"))) {
                copy(SOURCES.resolve("_docset"), directory.resolve("docs"));
            }
        });
    }

    /**
     * A scenario made at run time from {@code files} (relative path to content) in a fresh folder under
     * {@code target/it}, made a git checkout; {@code @project.version@} in a {@code pom.xml} is the plugin's version.
     */
    public static Scenario generated(String name, Map<String, String> files) {
        return create(name, directory -> {
            for (Map.Entry<String, String> file : files.entrySet()) {
                write(directory.resolve(file.getKey()), file.getValue());
            }
        });
    }

    private interface Contents {
        void writeInto(Path directory) throws IOException;
    }

    private static Scenario create(String name, Contents contents) {
        Path directory = WORK.resolve(name + "-" + RUNS.incrementAndGet()).toAbsolutePath();
        Scenario scenario = new Scenario(name, directory);
        try {
            deleteRecursively(directory);
            Files.createDirectories(directory);
            contents.writeInto(directory);
            if (!Files.exists(directory.resolve("no-git"))) {
                Files.createDirectories(directory.resolve(".git"));
            }
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path pom : (Iterable<Path>) files.filter(f -> f.endsWith("pom.xml"))::iterator) {
                    Files.writeString(pom, Files.readString(pom)
                            .replace("@project.version@", System.getProperty("codex.it.pluginVersion")));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        scenario.environment.putAll(baseEnvironment());
        scenario.environment.put("XDG_DATA_HOME", directory.resolve("data").toString());
        return scenario;
    }

    public Path directory() {
        return directory;
    }

    /** The environment the build runs in (and docs-builder, but for what the plugin adds). */
    public Map<String, String> environment() {
        return Map.copyOf(environment);
    }

    public Scenario env(String name, String value) {
        environment.put(name, value);
        return this;
    }

    public Scenario property(String name, String value) {
        properties.add("-D" + name + "=" + value);
        return this;
    }

    /** Builds the modules in parallel, like {@code -T}. */
    public Scenario threads(int count) {
        this.threads = Integer.toString(count);
        return this;
    }

    /**
     * Lets the plugin install docs-builder: without this, scenarios run with {@code -Dcodex.executable=docs-builder},
     * the stand-in on {@code PATH}.
     */
    public Scenario installs() {
        this.installs = true;
        return this;
    }

    /** Runs Maven offline ({@code -o}). */
    Scenario offline() {
        this.offline = true;
        return this;
    }

    /** Adds an active HTTP proxy to the scenario's settings.xml. */
    Scenario httpProxy(String host, int port, String nonProxyHosts) {
        return httpProxy(host, port, nonProxyHosts, null, null);
    }

    /** Adds an active HTTP proxy that wants these credentials to the scenario's settings.xml. */
    Scenario httpProxy(String host, int port, String nonProxyHosts, String username, String password) {
        proxiesXml += "<proxy><id>proxy-" + port + "</id><active>true</active><protocol>http</protocol><host>" + host
                + "</host><port>" + port + "</port>"
                + (username == null ? "" : "<username>" + username + "</username><password>" + password + "</password>")
                + (nonProxyHosts == null ? "" : "<nonProxyHosts>" + nonProxyHosts + "</nonProxyHosts>") + "</proxy>";
        return this;
    }

    public Scenario debug() {
        this.debug = true;
        return this;
    }

    /** The JVM options of the Maven that runs the build ({@code MAVEN_OPTS}); "" for the JVM's defaults. */
    public Scenario mavenOpts(String options) {
        this.mavenOpts = options;
        return this;
    }

    /**
     * For builds whose output is huge: the log keeps only the lines that {@code keep} accepts, the others are only
     * counted ({@link Build#lines()}).
     */
    public Scenario keepOnlyLines(Predicate<String> keep) {
        this.keptLines = keep;
        return this;
    }

    /**
     * Passes every line Maven prints to {@code listener} as it arrives, on the thread reading Maven's output, so that a
     * test can act while the build runs.
     */
    public Scenario onLine(Consumer<String> listener) {
        this.lineListener = listener;
        return this;
    }

    /** Adds a command-line argument for Maven, such as {@code -l file}. */
    public Scenario argument(String argument) {
        properties.add(argument);
        return this;
    }

    /** Puts the directory in front of {@code PATH}. */
    public Scenario onPath(Path binDirectory) {
        environment.put("PATH", binDirectory + File.pathSeparator + environment.getOrDefault("PATH", ""));
        return this;
    }

    /** Simulates a GitHub Actions job: sets the variables the plugin reads, for the given event. */
    public Scenario githubActions(String event, String eventPayloadJson) {
        env("GITHUB_ACTIONS", "true");
        env("CI", "true");
        env("GITHUB_EVENT_NAME", event);
        env("GITHUB_REPOSITORY", "elastic/docs-example");
        env("GITHUB_REF_NAME", "main");
        env("GITHUB_REF", "refs/heads/main");
        env("GITHUB_WORKFLOW_REF", "elastic/docs-example/.github/workflows/docs.yml@refs/heads/main");
        Path payload = directory.resolve("event.json");
        write(payload, eventPayloadJson);
        env("GITHUB_EVENT_PATH", payload.toString());
        return this;
    }

    /**
     * Starts Maven without waiting for it, as a person at a terminal would, so that a test can stop it like Ctrl+C or
     * a cancelled CI job. Its output goes to {@code build.log}.
     */
    Process start(String goal) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("codex.it.mavenHome"), "bin", "mvn").toString(), "-B",
                "-s", settingsFile().toString(),
                "-Dmaven.repo.local=" + System.getProperty("codex.it.localRepository")));
        command.addAll(properties);
        if (!installs && properties.stream().noneMatch(p -> p.startsWith("-Dcodex.executable="))) {
            command.add("-Dcodex.executable=docs-builder");
        }
        command.add(goal);
        ProcessBuilder builder = new ProcessBuilder(command).directory(directory.toFile())
                .redirectErrorStream(true).redirectOutput(directory.resolve("build.log").toFile());
        builder.environment().clear();
        builder.environment().putAll(environment);
        builder.environment().put("MAVEN_OPTS", "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC");
        return builder.start();
    }

    /**
     * The result of a build {@link #start started} that has ended: its exit code and the log it wrote to
     * {@code build.log}, without arrival times.
     */
    Build ended(Process maven) throws IOException {
        String log = Files.readString(directory.resolve("build.log"));
        return new Build(maven.exitValue(), log, List.of(), directory, log.lines().count(), 0, 0);
    }

    public Build run(String... goals) {
        StringBuilder log = new StringBuilder();
        List<Long> arrivals = new ArrayList<>();
        long[] lines = {0};
        Predicate<String> keep = keptLines == null ? line -> true : keptLines;
        Consumer<String> listener = lineListener;
        InvocationOutputHandler handler = line -> {
            synchronized (log) {
                lines[0]++;
                if (keep.test(line)) {
                    append(log, arrivals, line);
                }
            }
            listener.accept(line);
        };
        InvocationRequest request = new DefaultInvocationRequest();
        request.setBaseDirectory(directory.toFile());
        request.setPomFile(directory.resolve("pom.xml").toFile());
        request.setGoals(new ArrayList<>(List.of(goals)));
        request.setBatchMode(true);
        request.setDebug(debug);
        if (threads != null) {
            request.setThreads(threads);
        }
        request.setOffline(offline);
        request.setShellEnvironmentInherited(false);
        request.setTimeoutInSeconds(300);
        request.setOutputHandler(handler);
        request.setErrorHandler(handler);
        request.setMavenOpts(mavenOpts);
        request.addArgs(properties);
        if (!installs && properties.stream().noneMatch(p -> p.startsWith("-Dcodex.executable="))) {
            request.addArg("-Dcodex.executable=docs-builder");
        }
        environment.forEach(request::addShellEnvironment);
        request.setUserSettingsFile(proxiesXml.isEmpty() ? settingsFile().toFile() : settingsWithProxies().toFile());
        DefaultInvoker invoker = new DefaultInvoker();
        invoker.setMavenHome(new File(System.getProperty("codex.it.mavenHome")));
        invoker.setLocalRepositoryDirectory(new File(System.getProperty("codex.it.localRepository")));
        invoker.setWorkingDirectory(directory.toFile());
        try {
            long start = System.nanoTime();
            InvocationResult result = invoker.execute(request);
            long elapsed = System.nanoTime() - start;
            String text = log.toString();
            write(directory.resolve("build.log"), text);
            if (result.getExecutionException() != null) {
                throw new AssertionError("Maven could not be run for " + name, result.getExecutionException());
            }
            return new Build(result.getExitCode(), text, List.copyOf(arrivals), directory, lines[0], start, elapsed);
        } catch (MavenInvocationException e) {
            throw new AssertionError("Maven could not be run for " + name, e);
        }
    }

    /**
     * The scenarios build with their own local repository, holding the plugin under test, so that builds of other
     * checkouts cannot swap it; everything else is copied from the user's local repository, or else downloaded.
     */
    private static synchronized Path settingsFile() {
        Path file = WORK.resolve("settings.xml").toAbsolutePath();
        if (!Files.exists(file)) {
            String userRepository = Path.of(System.getProperty("codex.it.userRepository")).toUri().toString();
            String repository = "<id>user-local</id><url>" + userRepository + "</url>"
                    + "<releases><enabled>true</enabled><checksumPolicy>ignore</checksumPolicy></releases>"
                    + "<snapshots><enabled>false</enabled></snapshots>";
            write(file, "<settings><profiles><profile><id>it</id>"
                    + "<repositories><repository>" + repository + "</repository></repositories>"
                    + "<pluginRepositories><pluginRepository>" + repository + "</pluginRepository></pluginRepositories>"
                    + "</profile></profiles><activeProfiles><activeProfile>it</activeProfile></activeProfiles></settings>");
        }
        return file;
    }

    /** The shared settings with this scenario's proxies added. */
    private Path settingsWithProxies() {
        Path file = directory.resolve("settings.xml");
        try {
            write(file, Files.readString(settingsFile()).replace("<settings>", "<settings><proxies>" + proxiesXml
                    + "</proxies>"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    private static void append(StringBuilder log, List<Long> arrivals, String line) {
        log.append(line).append('\n');
        arrivals.add(System.nanoTime());
    }

    /**
     * The result of a scenario's Maven build: its exit code, its log (the kept lines) with the arrival time of each
     * line, the number of lines it printed, when Maven was started ({@link System#nanoTime()}, as the arrivals) and
     * how long it ran (nanoseconds).
     */
    public record Build(int exitCode, String log, List<Long> arrivals, Path directory, long lines,
                        long startedAtNanos, long elapsedNanos) {
        public Build succeeded() {
            assertEquals(0, exitCode, () -> "expected the build to succeed:\n" + log);
            return this;
        }

        public Build failed() {
            assertEquals(1, exitCode, () -> "expected the build to fail:\n" + log);
            return this;
        }

        public Build logContains(String text) {
            assertTrue(log.contains(text), () -> "expected the log to contain\n  " + text + "\nbut it was:\n" + log);
            return this;
        }

        /** Seconds between the arrival of the first log line containing {@code first} and the first containing {@code then}. */
        double secondsBetween(String first, String then) {
            List<String> lines = log.lines().toList();
            return (arrival(lines, then) - arrival(lines, first)) / 1e9;
        }

        /** Seconds from the start of Maven until the arrival of the first log line containing {@code text}. */
        public double secondsUntil(String text) {
            return (arrival(log.lines().toList(), text) - startedAtNanos) / 1e9;
        }

        private long arrival(List<String> lines, String text) {
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).contains(text)) {
                    return arrivals.get(i);
                }
            }
            throw new AssertionError("no log line contains " + text + ":\n" + log);
        }

        /**
         * Neither the log (but for the {@code ::add-mask::} line, which the Actions runner consumes) nor any file of
         * the scenario contains any of the secrets.
         */
        Build containsNoSecret(List<String> secrets) throws IOException {
            assertTrue(!secrets.isEmpty());
            for (String line : log.lines().toList()) {
                if (line.startsWith("::add-mask::")) {
                    continue;
                }
                for (String secret : secrets) {
                    assertTrue(!line.contains(secret), () -> "a secret is in the log line: " + line);
                }
            }
            try (Stream<Path> files = Files.walk(directory)) {
                for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                    if (file.getFileName().toString().equals("build.log")) {
                        continue; // the log, checked above line by line
                    }
                    String content = new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1);
                    for (String secret : secrets) {
                        assertTrue(!content.contains(secret), () -> "a secret is in the file " + file);
                    }
                }
            }
            return this;
        }

        public Build logLacks(String text) {
            assertTrue(!log.contains(text), () -> "expected the log not to contain\n  " + text + "\nbut it was:\n" + log);
            return this;
        }
    }

    /** The machine's environment less everything a CI job or Vault could have put there. */
    private static Map<String, String> baseEnvironment() {
        Map<String, String> base = new LinkedHashMap<>();
        System.getenv().forEach((key, value) -> {
            boolean ciSpecific = key.startsWith("GITHUB_") || key.startsWith("ACTIONS_") || key.startsWith("RUNNER_")
                    || key.startsWith("VAULT_") || key.startsWith("STANDIN_") || key.equals("CI")
                    || key.equals("MAVEN_OPTS") || key.equals("MAVEN_ARGS") || key.equals("XDG_DATA_HOME");
            if (!ciSpecific) {
                base.put(key, value);
            }
        });
        return base;
    }

    public static void write(Path file, String text) {
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(file).toString());
                if (Files.isDirectory(file)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(file, target);
                }
            }
        }
    }

    public static void deleteRecursively(Path directory) throws IOException {
        if (!Files.exists(directory)) {
            return;
        }
        try (Stream<Path> files = Files.walk(directory)) {
            for (Path file : (Iterable<Path>) files.sorted((a, b) -> b.compareTo(a))::iterator) {
                Files.delete(file);
            }
        }
    }
}
