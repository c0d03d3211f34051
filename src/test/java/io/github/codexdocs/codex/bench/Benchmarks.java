package io.github.codexdocs.codex.bench;

import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.docsbuilder.install.Platform;
import io.github.codexdocs.codex.http.HttpClients;
import io.github.codexdocs.codex.http.HttpSettings;
import io.github.codexdocs.codex.it.Scenario;
import io.github.codexdocs.codex.it.TokenWorld;
import io.github.codexdocs.codex.testworld.OidcIssuer;
import io.github.codexdocs.codex.testworld.ReleaseServer;
import io.github.codexdocs.codex.testworld.docsbuilder.ReleaseZips;
import io.github.codexdocs.codex.testworld.docsbuilder.StandInLauncher;
import io.github.codexdocs.codex.token.TokenFetcher;
import io.github.codexdocs.codex.token.TokenSettings;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * The benchmark of issue 7: how much the plugin adds to docs-builder's own time, on the docs-builder stand-in and
 * the loopback peers of the test world. Run it with {@code ./mvnw -B -Pbenchmark verify -DskipTests}; it prints one
 * table and writes it as Markdown to {@code target/benchmark-results.md}.
 *
 * <p>Timings that are compared are taken interleaved (A, B, A, B, …, after one untimed warm-up of each) and compared
 * pair by pair: the ratio reported is the median of the per-pair ratios. Nothing here asserts a time; a target only
 * gets a verdict. The harness fails (exit code 1) only when a build does not do what it should.
 *
 * <p>System properties: {@code benchmark.pairs} (overhead pairs, default 5), {@code benchmark.relayRounds} (output
 * relay rounds, default 3), {@code benchmark.relayLines} (default 1,000,000), {@code benchmark.fetches} (in-process
 * token fetches, default 200), {@code benchmark.unreachablePairs} (builds with Vault unreachable, against builds
 * with Vault up, default 2 per budget), {@code benchmark.modulePairs} (multi-module pairs, default 3); {@code benchmark.only}
 * runs only some parts: a comma-separated list of {@code overhead, token, relay, install, modules}.
 */
public final class Benchmarks {
    private static final int PAIRS = Integer.getInteger("benchmark.pairs", 5);
    private static final int RELAY_ROUNDS = Integer.getInteger("benchmark.relayRounds", 3);
    private static final int RELAY_LINES = Integer.getInteger("benchmark.relayLines", 1_000_000);
    private static final int FETCHES = Integer.getInteger("benchmark.fetches", 200);
    private static final int MODULE_PAIRS = Integer.getInteger("benchmark.modulePairs", 3);
    /** About the size of a real docs-builder release archive. */
    private static final int RELEASE_SIZE_BYTES = 40 * 1024 * 1024;
    private static final int UNREACHABLE_ROUNDS = Integer.getInteger("benchmark.unreachablePairs", 2);
    private static final int MODULES = 10;
    private static final double OVERHEAD_TARGET = 1.05;
    private static final int DEFAULT_RETRY_BUDGET = 20;
    private static final String FILLER = "Processing filler line";
    private static final Pattern GAVE_UP = Pattern.compile("gave up after (\\d+ attempts in [0-9.]+ s)");
    private static final Pattern HEAP_AFTER_GC = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    /** One way of running the same work; returns its wall time in seconds. */
    private interface Variant {
        double seconds() throws Exception;
    }

    /** One part of the benchmark. */
    private interface Section {
        void run() throws Exception;
    }

    private final Report report = new Report();
    private final Path launcher;
    private final Path bin;
    private final String execPluginVersion = System.getProperty("benchmark.execPluginVersion", "3.7.0");
    private boolean failed;

    private Benchmarks() {
        bin = Path.of(System.getProperty("codex.it.work", "target/benchmark"), "bin").toAbsolutePath();
        launcher = StandInLauncher.install(bin);
    }

    public static void main(String[] args) throws IOException {
        // The emulators are JDK HttpServers, which leave Nagle's algorithm on (sun.net.httpserver.nodelay=false):
        // a reply written in two parts then waits for the client's delayed ACK, some 40 ms per request on a reused
        // connection. Vault (Go's net/http) and GitHub set TCP_NODELAY, so the benchmark does too, before any
        // emulator starts (docs/performance.md has both figures).
        System.setProperty("sun.net.httpserver.nodelay", System.getProperty("benchmark.nodelay", "true"));
        Benchmarks benchmarks = new Benchmarks();
        benchmarks.section("Overhead", "overhead", benchmarks::overhead);
        benchmarks.section("Token", "token", benchmarks::token);
        benchmarks.section("Output relay", "relay", benchmarks::relay);
        benchmarks.section("Install cache", "install", benchmarks::installCache);
        benchmarks.section("Multi-module", "modules", benchmarks::multiModule);

        String table = benchmarks.report.markdown();
        Path results = Path.of(System.getProperty("benchmark.results", "target/benchmark-results.md"));
        benchmarks.report.write(results);
        System.out.println();
        System.out.println(table);
        System.out.println("Written to " + results.toAbsolutePath());
        System.exit(benchmarks.failed ? 1 : 0);
    }

    private void section(String name, String key, Section section) {
        String only = System.getProperty("benchmark.only", "").trim();
        if (!only.isEmpty() && !List.of(only.split("\\s*,\\s*")).contains(key)) {
            return;
        }
        System.out.println("[benchmark] == " + name);
        try {
            section.run();
        } catch (Exception | AssertionError e) {
            failed = true;
            String message = String.valueOf(e.getMessage());
            report.row(name, "failed: " + message.lines().findFirst().orElse(message), "", "error");
            e.printStackTrace();
        }
    }

    // ------------------------------------------------------------------------------------------------ 1. overhead

    /** {@code mvn codex:build} against {@code mvn exec:exec} running the same stand-in with the same arguments. */
    private void overhead() throws Exception {
        Scenario project = project();
        Samples codexGoal = new Samples();
        Samples execGoal = new Samples();
        List<Samples> times = interleave(PAIRS, true,
                () -> overheadBuild(project, "codex:build", codexGoal),
                () -> overheadBuild(project, "exec:exec", execGoal));
        double ratio = times.get(0).medianRatioTo(times.get(1));
        report.row("Overhead: `mvn codex:build`, median of " + PAIRS, seconds(times.get(0).median())
                + " " + times.get(0).all("%.2f"));
        report.row("Overhead: `mvn exec:exec`, same stand-in, median of " + PAIRS, seconds(times.get(1).median())
                + " " + times.get(1).all("%.2f"));
        report.row("Overhead: codex:build / exec:exec, median of per-pair ratios", ratio(ratio),
                "≤ " + OVERHEAD_TARGET, ratio <= OVERHEAD_TARGET);
        Samples codex = codexGoal.withoutFirst();
        Samples exec = execGoal.withoutFirst();
        report.row("Overhead: time in the goal (its header line to BUILD SUCCESS), codex:build − exec:exec, median of"
                        + " per-pair differences", seconds(codex.medianDifferenceTo(exec)) + " (codex:build "
                        + seconds(codex.median()) + ", exec:exec " + seconds(exec.median()) + ")");
    }

    /** One build of the overhead comparison; adds the time spent in the goal itself to {@code inGoal}. */
    private static double overheadBuild(Scenario project, String goal, Samples inGoal) {
        Scenario.Build build = project.run(goal).succeeded().logContains("Errors / ");
        inGoal.add(build.secondsUntil("BUILD SUCCESS") - build.secondsUntil("--- " + goal.split(":")[0] + ":"));
        return seconds(build);
    }

    // --------------------------------------------------------------------------------------------------- 2. token

    private void token() throws Exception {
        fetchLatency();
        Counts requests = new Counts();
        Samples noToken = new Samples();
        Samples fetch = new Samples();
        Samples afterFetch = new Samples();
        List<Samples> untilStart = interleave(PAIRS, true,
                () -> {
                    Scenario.Build build = project().run("codex:build");
                    noToken.add(untilDocsBuilder(build) - build.secondsUntil("--- codex:"));
                    return untilDocsBuilder(build);
                },
                () -> tokenBuild(requests, fetch, afterFetch));
        report.row("Token: time from `mvn` until docs-builder starts, outside GitHub Actions (no token), median of "
                + PAIRS, seconds(untilStart.get(0).median()) + " " + untilStart.get(0).all("%.2f"));
        report.row("Token: the same in a GitHub Actions job fetching the token, median of " + PAIRS,
                seconds(untilStart.get(1).median()) + " " + untilStart.get(1).all("%.2f"));
        report.row("Token: what the token step adds before docs-builder starts, median of per-pair differences",
                seconds(untilStart.get(1).medianDifferenceTo(untilStart.get(0))));
        report.row("Token: in the goal until docs-builder starts, medians: no token / with a token: fetch (goal"
                        + " start to the token) + the rest (link index clone prepared, docs-builder forked)",
                seconds(noToken.withoutFirst().median()) + " / " + seconds(fetch.withoutFirst().median()) + " + "
                        + seconds(afterFetch.withoutFirst().median()));
        report.row("Token: HTTP requests per build (OIDC + Vault + GitHub), cached token", requests + " in each of "
                + (PAIRS + 1) + " builds", "3", requests.allEqual(3));
        try (TokenWorld world = new TokenWorld()) {
            world.vault.cached(TokenWorld.ROLE, false);
            world.job(project()).property("codex.skipTokenRevoke", "false").run("codex:build").succeeded()
                    .logContains("Revoked the GitHub token.");
            report.row("Token: HTTP requests per build, leased token, skipTokenRevoke=false", requests(world),
                    "4", requestCount(world) == 4);
        }
        for (int budget : List.of(DEFAULT_RETRY_BUDGET, 5)) {
            vaultUnreachable(budget, requests);
        }
    }

    /**
     * A build in a GitHub Actions job that fetches the token; the time until docs-builder starts. Adds the time from
     * the goal's start until the token is obtained to {@code fetch}, and from then until docs-builder starts to
     * {@code afterFetch}.
     */
    private double tokenBuild(Counts requests, Samples fetch, Samples afterFetch) throws Exception {
        try (TokenWorld world = new TokenWorld()) {
            Scenario.Build build = world.job(project()).run("codex:build");
            double seconds = untilDocsBuilder(build);
            double obtained = build.secondsUntil("Obtained a GitHub token from Vault");
            fetch.add(obtained - build.secondsUntil("--- codex:"));
            afterFetch.add(seconds - obtained);
            requests.add(requestCount(world));
            return seconds;
        }
    }

    /** From the start of Maven until the plugin logs that it starts docs-builder. */
    private static double untilDocsBuilder(Scenario.Build build) {
        return build.succeeded().secondsUntil("[INFO] Running ");
    }

    /** The whole fetch as the plugin does it (role, HTTP client, OIDC, login, read), in this JVM, many times. */
    private void fetchLatency() throws Exception {
        try (TokenWorld world = new TokenWorld()) {
            GitHubActions actions = new GitHubActions(Map.of("GITHUB_ACTIONS", "true",
                    "GITHUB_WORKFLOW_REF", OidcIssuer.DEFAULT_WORKFLOW_REF,
                    "ACTIONS_ID_TOKEN_REQUEST_URL", world.issuer.requestUrl(),
                    "ACTIONS_ID_TOKEN_REQUEST_TOKEN", world.issuer.requestToken()));
            TokenSettings settings = new TokenSettings(world.vault.address(), null, null, "vault",
                    "github-oidc", "github/token/{role}", null, Duration.ofSeconds(DEFAULT_RETRY_BUDGET));
            HttpSettings http = new HttpSettings(List.of(), Duration.ofSeconds(10), Duration.ofSeconds(10), null);
            double first = fetch(actions, settings, http);
            Samples fetches = new Samples();
            for (int i = 0; i < FETCHES; i++) {
                fetches.add(fetch(actions, settings, http));
            }
            double perFetch = (world.issuer.requestCount() + world.vault.requestCount()) / (double) (FETCHES + 1);
            report.row("Token: first fetch in this JVM (class loading included), in-process", millis(first));
            report.row("Token: fetch latency on loopback, " + FETCHES + " fetches in-process, median / p95",
                    millis(fetches.median()) + " / " + millis(fetches.percentile(95)));
            report.row("Token: HTTP requests per in-process fetch (OIDC + Vault)",
                    String.format(Locale.ROOT, "%.2f", perFetch), "3", perFetch == 3);
        }
    }

    private static double fetch(GitHubActions actions, TokenSettings settings, HttpSettings http) throws Exception {
        long start = System.nanoTime();
        String role = TokenFetcher.role(settings, actions);
        try (CloseableHttpClient client = HttpClients.create(http)) {
            new TokenFetcher(client, settings).fetch(actions, role);
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Vault on a closed port, failOnTokenError=false: docs-builder must still start, within the retry budget of the
     * time it starts with Vault up (interleaved with such builds, compared pair by pair).
     */
    private void vaultUnreachable(int budget, Counts requests) throws Exception {
        String[] gaveUp = {"?"};
        List<Samples> untilStart = interleave(UNREACHABLE_ROUNDS, false,
                () -> tokenBuild(requests, new Samples(), new Samples()),
                () -> {
                    try (TokenWorld world = new TokenWorld()) {
                        Scenario scenario = world.job(project(), "http://127.0.0.1:" + closedPort());
                        if (budget != DEFAULT_RETRY_BUDGET) {
                            scenario.property("codex.tokenRetryBudget", Integer.toString(budget));
                        }
                        Scenario.Build build = scenario.run("codex:build").logContains("runs without a token");
                        Matcher matcher = GAVE_UP.matcher(build.log());
                        gaveUp[0] = matcher.find() ? matcher.group(1) : "?";
                        return untilDocsBuilder(build);
                    }
                });
        double added = untilStart.get(1).medianDifferenceTo(untilStart.get(0));
        report.row("Token: Vault unreachable, tokenRetryBudget " + budget + " s"
                        + (budget == DEFAULT_RETRY_BUDGET ? " (default)" : "")
                        + ": added before docs-builder starts, median of " + UNREACHABLE_ROUNDS + " pairs",
                seconds(added) + " (docs-builder started " + seconds(untilStart.get(1).median())
                        + " after `mvn`; the plugin: gave up after " + gaveUp[0] + ")",
                "≤ " + budget + " s (the action: ~45–50 s)", added <= budget);
    }

    private static int closedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static int requestCount(TokenWorld world) {
        return world.issuer.requestCount() + world.vault.requestCount() + world.github.revokeRequestCount();
    }

    private static String requests(TokenWorld world) {
        return requestCount(world) + " (OIDC " + world.issuer.requestCount() + ", Vault " + world.vault.requestCount()
                + ", GitHub " + world.github.revokeRequestCount() + ")";
    }

    // -------------------------------------------------------------------------------------------- 3. output relay

    /** The stand-in printing a million lines: through codex:build, through exec:exec, and alone into /dev/null. */
    private void relay() throws Exception {
        Scenario project = project().env("STANDIN_PRINT_LINES", Integer.toString(RELAY_LINES))
                .keepOnlyLines(line -> !line.contains(FILLER));
        List<Samples> times = interleave(RELAY_ROUNDS, false,
                () -> relayed(project.run("codex:build")),
                () -> relayed(project.run("exec:exec")),
                () -> standInAlone(project));
        String what = String.format(Locale.ROOT, "%,d lines (%d MB)", RELAY_LINES, RELAY_LINES / 10_000);
        report.row("Output relay, " + what + ": `mvn codex:build`, median of " + RELAY_ROUNDS,
                seconds(times.get(0).median()) + " " + times.get(0).all("%.2f"));
        report.row("Output relay: `mvn exec:exec`, median", seconds(times.get(1).median()) + " "
                + times.get(1).all("%.2f"));
        report.row("Output relay: the stand-in alone into /dev/null, median", seconds(times.get(2).median()) + " "
                + times.get(2).all("%.2f"));
        report.row("Output relay: codex:build / exec:exec, median of per-round ratios",
                ratio(times.get(0).medianRatioTo(times.get(1))));
        report.row("Output relay: codex:build / stand-in alone, median of per-round ratios",
                ratio(times.get(0).medianRatioTo(times.get(2))));
        smallHeap();
    }

    private static double relayed(Scenario.Build build) {
        return relayed(build, RELAY_LINES);
    }

    private static double relayed(Scenario.Build build, int lines) {
        build.succeeded().logContains("Errors / ");
        if (build.lines() < lines) {
            throw new AssertionError("only " + build.lines() + " lines reached the log:\n" + build.log());
        }
        return seconds(build);
    }

    private double standInAlone(Scenario project) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(launcher.toString(), "--output",
                project.directory().resolve("target/docs/html").toString())
                .directory(project.directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD);
        builder.environment().clear();
        builder.environment().putAll(project.environment());
        long start = System.nanoTime();
        int exit = builder.start().waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (exit != 0) {
            throw new AssertionError("the stand-in alone exited with " + exit);
        }
        return seconds;
    }

    /** What Maven's GC log says: the heap left after each GC, in MiB. */
    private record HeapAfterGc(int gcs, int max, int last, double seconds) {
        @Override
        public String toString() {
            return String.format(Locale.ROOT, "max %d MiB, last %d MiB over %d GCs (build %s)", max, last, gcs,
                    Benchmarks.seconds(seconds));
        }
    }

    /**
     * The same codex:build with Maven under -Xmx64m: it succeeds, and the heap left after GC with a million lines is
     * that with a hundred times fewer (a few MiB of slack for what is not yet collected).
     */
    private void smallHeap() throws IOException {
        HeapAfterGc small = heapAfterGc(RELAY_LINES / 100);
        HeapAfterGc large = heapAfterGc(RELAY_LINES);
        report.row(String.format(Locale.ROOT, "Output relay under MAVEN_OPTS=-Xmx64m, %,d lines (for comparison)",
                RELAY_LINES / 100), "succeeded; heap after GC " + small);
        report.row(String.format(Locale.ROOT, "Output relay under MAVEN_OPTS=-Xmx64m, %,d lines", RELAY_LINES),
                "succeeded; heap after GC " + large, "succeeds; max heap after GC within 8 MiB of the small run's",
                large.max() <= small.max() + 8);
    }

    /** Runs codex:build under -Xmx64m with the stand-in printing {@code lines}, logging Maven's GCs. */
    private HeapAfterGc heapAfterGc(int lines) throws IOException {
        Scenario project = project().env("STANDIN_PRINT_LINES", Integer.toString(lines))
                .keepOnlyLines(line -> !line.contains(FILLER));
        Path gcLog = project.directory().resolve("maven-gc.log");
        project.mavenOpts("-Xmx64m -Xlog:gc:file=" + gcLog);
        double seconds = relayed(project.run("codex:build"), lines);
        int gcs = 0;
        int max = 0;
        int last = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = HEAP_AFTER_GC.matcher(line);
            if (m.find()) {
                gcs++;
                last = Integer.parseInt(m.group(2));
                max = Math.max(max, last);
            }
        }
        return new HeapAfterGc(gcs, max, last, seconds);
    }


    // ------------------------------------------------------------------------------------------- 4. install cache

    /**
     * The first build of a version (download, check, unpack into an empty cache) against the next (cache hit), from a
     * loopback release server with GitHub's redirect hop. The archive is padded to the size of a real docs-builder
     * release, so that the first run pays for a realistic download.
     */
    private void installCache() throws Exception {
        Platform platform = Platform.of(System.getProperty("os.name"), System.getProperty("os.arch"));
        Map<String, byte[]> entries = new LinkedHashMap<>();
        Path release = Files.createTempDirectory("benchmark-release");
        try (ZipInputStream standIn = new ZipInputStream(new ByteArrayInputStream(ReleaseZips.standIn(release)))) {
            for (ZipEntry entry = standIn.getNextEntry(); entry != null; entry = standIn.getNextEntry()) {
                entries.put(entry.getName(), standIn.readAllBytes());
            }
        }
        byte[] padding = new byte[RELEASE_SIZE_BYTES];
        new Random(1).nextBytes(padding);
        entries.put("docs-builder.dbg", padding);
        byte[] zip = ReleaseZips.zip(entries);
        try (ReleaseServer server = ReleaseServer.start().publish("1.41.0", platform.assetName(), zip)) {
            Samples resolveFirst = new Samples();
            Samples resolveCached = new Samples();
            int[] requestsOnCacheHits = {0};
            int[] round = {0};
            Path[] cache = new Path[1];
            List<Samples> times = interleave(PAIRS, false,
                    () -> {
                        cache[0] = release.resolve("cache-" + round[0]++);
                        return installBuild(server, cache[0], resolveFirst);
                    },
                    () -> {
                        int before = server.requests().size();
                        double seconds = installBuild(server, cache[0], resolveCached);
                        requestsOnCacheHits[0] += server.requests().size() - before;
                        return seconds;
                    });
            report.row("Install cache: first run (download of " + zip.length / (1024 * 1024) + " MiB, unpack), median of "
                    + PAIRS, seconds(times.get(0).median()) + " " + times.get(0).all("%.2f"));
            report.row("Install cache: second run (cache hit), median of " + PAIRS, seconds(times.get(1).median())
                    + " " + times.get(1).all("%.2f"));
            report.row("Install cache: resolving docs-builder in the goal, first / cached, medians",
                    millis(resolveFirst.median()) + " / " + millis(resolveCached.median()));
            report.row("Install cache: HTTP requests of the cache hits", Integer.toString(requestsOnCacheHits[0]), "0",
                    requestsOnCacheHits[0] == 0);
        }
    }

    /** One build installing docs-builder into {@code cache}; adds the time the goal took to resolve it. */
    private double installBuild(ReleaseServer server, Path cache, Samples resolve) {
        Scenario.Build build = project().installs()
                .property("codex.docsBuilderDownloadUrl", server.downloadUrl())
                .property("codex.docsBuilderCacheDirectory", cache.toString())
                .run("codex:build").succeeded();
        resolve.add(build.secondsUntil("Using docs-builder 1.41.0") - build.secondsUntil("--- codex:"));
        return seconds(build);
    }

    // --------------------------------------------------------------------------------------------- 5. multi-module

    /** Ten docsets in one reactor, in a GitHub Actions job: one token fetch in total, serial and with -T 2. */
    private void multiModule() throws Exception {
        Counts requests = new Counts();
        List<Samples> times = interleave(MODULE_PAIRS, true,
                () -> reactor(1, requests),
                () -> reactor(2, requests));
        report.row("Multi-module, " + MODULES + " docsets: `mvn site`, median of " + MODULE_PAIRS,
                seconds(times.get(0).median()) + " " + times.get(0).all("%.2f"));
        report.row("Multi-module: `mvn -T 2 site`, median of " + MODULE_PAIRS,
                seconds(times.get(1).median()) + " " + times.get(1).all("%.2f"));
        report.row("Multi-module: -T 2 / serial, median of per-pair ratios",
                ratio(times.get(1).medianRatioTo(times.get(0))));
        report.row("Multi-module: HTTP requests per build (OIDC + Vault + GitHub), serial and -T 2",
                requests + " in each of " + 2 * (MODULE_PAIRS + 1) + " builds (one fetch: 3)", "3",
                requests.allEqual(3));
    }

    private double reactor(int threads, Counts requests) {
        try (TokenWorld world = new TokenWorld()) {
            Scenario scenario = world.job(Scenario.generated("benchmark-modules", reactorFiles()))
                    .onPath(bin).mavenOpts("");
            if (threads > 1) {
                scenario.threads(threads);
            }
            Scenario.Build build = scenario.run("site").succeeded();
            for (int i = 1; i <= MODULES; i++) {
                Path links = build.directory().resolve(module(i) + "/target/docs/html/links.json");
                if (!Files.isRegularFile(links)) {
                    throw new AssertionError("no " + links + ":\n" + build.log());
                }
            }
            requests.add(requestCount(world));
            return seconds(build);
        }
    }

    private static String module(int i) {
        return String.format(Locale.ROOT, "docs%02d", i);
    }

    private static Map<String, String> reactorFiles() {
        Map<String, String> files = new LinkedHashMap<>();
        StringBuilder modules = new StringBuilder();
        for (int i = 1; i <= MODULES; i++) {
            String module = module(i);
            modules.append("    <module>").append(module).append("</module>\n");
            files.put(module + "/pom.xml", "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
                    + "  <modelVersion>4.0.0</modelVersion>\n"
                    + "  <parent><groupId>io.github.codexdocs.bench</groupId><artifactId>modules</artifactId>"
                    + "<version>1.0</version></parent>\n"
                    + "  <artifactId>" + module + "</artifactId>\n  <packaging>pom</packaging>\n"
                    + "  <build><plugins><plugin><groupId>io.github.codexdocs</groupId>"
                    + "<artifactId>codex-maven-plugin</artifactId>\n"
                    + "    <executions><execution><goals><goal>build</goal></goals></execution></executions>\n"
                    + "  </plugin></plugins></build>\n</project>\n");
            files.put(module + "/docset.yml", "project: 'Docset " + i + "'\ntoc:\n  - file: index.md\n");
            files.put(module + "/index.md", "# Docset " + i + "\n\nOne of the benchmark's " + MODULES
                    + " docsets.\n");
        }
        files.put("pom.xml", "<project xmlns=\"http://maven.apache.org/POM/4.0.0\">\n"
                + "  <modelVersion>4.0.0</modelVersion>\n"
                + "  <groupId>io.github.codexdocs.bench</groupId>\n  <artifactId>modules</artifactId>\n"
                + "  <version>1.0</version>\n  <packaging>pom</packaging>\n"
                + "  <properties><maven.site.skip>true</maven.site.skip></properties>\n"
                + "  <modules>\n" + modules + "  </modules>\n"
                + "  <build><pluginManagement><plugins><plugin><groupId>io.github.codexdocs</groupId>"
                + "<artifactId>codex-maven-plugin</artifactId><version>@project.version@</version>\n"
                + "    <configuration><docsPath>${project.basedir}</docsPath></configuration>\n"
                + "  </plugin></plugins></pluginManagement></build>\n</project>\n");
        return files;
    }

    // ------------------------------------------------------------------------------------------------- helpers

    /** The benchmarks' project (src/it/benchmark), with the stand-in on PATH and Maven on its default JVM options. */
    private Scenario project() {
        return Scenario.of("benchmark").onPath(bin).mavenOpts("")
                .property("benchmark.execPluginVersion", execPluginVersion);
    }

    /**
     * Runs the variants in rounds (A, B, A, B, …), after one untimed run of each when {@code warmUp} (it resolves
     * plugins into the local repository and fills the file system's caches).
     */
    private static List<Samples> interleave(int rounds, boolean warmUp, Variant... variants) throws Exception {
        if (warmUp) {
            for (Variant variant : variants) {
                variant.seconds();
            }
        }
        List<Samples> samples = new ArrayList<>();
        for (int i = 0; i < variants.length; i++) {
            samples.add(new Samples());
        }
        for (int round = 1; round <= rounds; round++) {
            for (int i = 0; i < variants.length; i++) {
                samples.get(i).add(variants[i].seconds());
            }
            System.out.println("[benchmark]   round " + round + "/" + rounds + ": "
                    + samples.stream().map(s -> seconds(s.get(s.size() - 1))).toList());
        }
        return samples;
    }

    private static double seconds(Scenario.Build build) {
        return build.elapsedNanos() / 1e9;
    }

    private static String seconds(double seconds) {
        return String.format(Locale.ROOT, "%.2f s", seconds);
    }

    private static String millis(double seconds) {
        return String.format(Locale.ROOT, "%.1f ms", seconds * 1000);
    }

    private static String ratio(double ratio) {
        return String.format(Locale.ROOT, "%.3f", ratio);
    }
}
