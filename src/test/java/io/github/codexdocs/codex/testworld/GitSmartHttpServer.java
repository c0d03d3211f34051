package io.github.codexdocs.codex.testworld;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A private git host on loopback that git reaches as {@code https://github.com/...}, URLs unchanged: git's
 * smart-HTTP protocol served by the real {@code git http-backend} CGI (one process per request) from the bare
 * repositories under a root folder, over TLS, behind GitHub-like authentication.
 *
 * <p>A bare repository at {@code <root>/elastic/codex-link-index.git} is served at
 * {@code <baseUrl>elastic/codex-link-index.git}. In front of the HTTPS server runs a forward proxy on loopback
 * ({@link #proxyUrl}) that answers {@code CONNECT github.com:443} with {@code 200 Connection established} and
 * pipes the connection to the HTTPS server, whose certificate (SAN {@code dns:github.com}, {@code dns:localhost},
 * {@code ip:127.0.0.1}; PEM at {@link #caCertificatePem}) git trusts; {@code CONNECT} to any other target gets
 * {@code 403}. See {@link #gitEnvironmentFor}. Because git never rewrites the URL, {@code http.<url>.*} settings
 * for {@code https://github.com/} (such as {@code http.https://github.com/.extraheader}) apply as they would in
 * production.
 *
 * <p>Authentication, like GitHub for a private repository: every request needs HTTP Basic credentials (the
 * scheme name in any case, so {@code AUTHORIZATION: basic ...} from an extraheader counts) whose user name is one
 * of {@link #USERS} ({@code oauth2}, docs-builder's URL form, or {@code x-access-token}, the plugin's extraheader
 * like actions/checkout's) and whose password is a token that {@link GitHubTokenRegistry#isValid} accepts; the
 * user name is recorded. Anything else gets
 * {@code 401} with {@code WWW-Authenticate: Basic realm="GitHub"}. With credentials in the URL, git (libcurl)
 * first sends every request without them and only answers the challenge, so even a successful fetch leaves one
 * rejected, credential-less request per connection; an extraheader is sent with every request.
 *
 * <p>What git prints (git 2.39, {@code GIT_TERMINAL_PROMPT=0}):
 * <ul>
 *   <li>no credentials at all, and also an extraheader with an unknown, expired or revoked token (git knows
 *       nothing of the extraheader and asks for a user name), this single line and no {@code remote:} line:
 *       {@code fatal: could not read Username for 'https://github.com': terminal prompts disabled};</li>
 *   <li>credentials in the URL with an unknown, expired or revoked token (git relays the text/plain body of the
 *       401):
 *       <pre>
 * remote: Invalid username or token. Password authentication is not supported for Git operations.
 * fatal: Authentication failed for 'https://github.com/elastic/codex-link-index.git/'</pre></li>
 *   <li>a host other than github.com (the proxy refuses the tunnel): {@code fatal: unable to access
 *       'https://gitlab.com/elastic/codex-link-index.git/': CONNECT tunnel failed, response 403} (libcurl 7.88;
 *       older versions say {@code Received HTTP code 403 from proxy after CONNECT});</li>
 *   <li>a CA file that does not hold {@link #caCertificatePem}: {@code fatal: unable to access
 *       'https://github.com/elastic/codex-link-index.git/': server certificate verification failed. CAfile:
 *       <file> CRLfile: none} (libcurl with GnuTLS, as in Debian's git);</li>
 *   <li>the SSH URL: {@link #SSH_DISABLED_MESSAGE}, then {@code fatal: Could not read from remote repository.}
 *       and git's usual hint about access rights.</li>
 * </ul>
 * Passwords are only ever compared, never stored or printed.
 *
 * <p>{@link #hangRequests} makes every {@code info/refs} request (the first request of a fetch) wait, so that a
 * fetch blocks until its process is killed, for tests of process hygiene. Note that {@code git fetch} runs
 * {@code git remote-https}, which runs {@code git-remote-http}, the process that does the HTTP: killing only
 * {@code git fetch} leaves both blocked on the server, so the whole process tree must be killed.
 */
public final class GitSmartHttpServer implements AutoCloseable {

    /** The body of the 401 reply, GitHub's wording. */
    static final String UNAUTHORIZED_MESSAGE =
            "Invalid username or token. Password authentication is not supported for Git operations.\n";

    /** The Basic user names accepted with a valid token. */
    static final List<String> USERS = List.of("oauth2", "x-access-token");

    /** Where the proxy lets git tunnel to. */
    static final String GITHUB = "github.com:443";

    /** A long time for {@link #hangRequests}: a fetch blocked this long has been killed or the test is broken. */
    private static final long HANG_MILLIS = TimeUnit.MINUTES.toMillis(10);

    private static SelfSignedTls sharedTls;

    /** The HTTPS side; {@link LoopbackServer#baseUrl} has no trailing slash, so it is wrapped, not extended. */
    private final class Https extends LoopbackServer {
        Https(SelfSignedTls tls) {
            super(bindHttps(tls), "git-https");
        }

        @Override
        void handle(HttpExchange exchange) throws IOException {
            GitSmartHttpServer.this.handle(exchange);
        }
    }

    private final SelfSignedTls tls;
    private final Https https;
    private final ConnectProxy proxy;
    private final Path root;
    private final GitHubTokenRegistry tokens;
    private final String backend;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger authenticated = new AtomicInteger();
    private final AtomicInteger hung = new AtomicInteger();
    private final Object hangLock = new Object();
    private boolean hang;
    private boolean closed;
    private final List<String> rejectedReasons = Collections.synchronizedList(new ArrayList<>());
    private final List<String> usersSeen = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requestLog = Collections.synchronizedList(new ArrayList<>());
    private final List<String> backendErrors = Collections.synchronizedList(new ArrayList<>());

    private GitSmartHttpServer(Path root, GitHubTokenRegistry tokens, String backend) {
        this.tls = tls();
        this.https = new Https(tls);
        this.proxy = ConnectProxy.start(GITHUB, https.port());
        this.root = root;
        this.tokens = tokens;
        this.backend = backend;
    }

    /** Serves the bare repositories below {@code repositoriesRoot}, accepting the valid tokens of {@code tokens}. */
    public static GitSmartHttpServer start(Path repositoriesRoot, GitHubTokenRegistry tokens) {
        GitSmartHttpServer server = new GitSmartHttpServer(repositoriesRoot.toAbsolutePath(), tokens, httpBackend());
        server.https.startServing();
        return server;
    }

    /** One certificate for all servers of this JVM (keytool takes a second), in a temporary folder. */
    private static synchronized SelfSignedTls tls() {
        if (sharedTls == null) {
            try {
                Path dir = Files.createTempDirectory("git-host-tls");
                dir.toFile().deleteOnExit();
                dir.resolve("github-tls.p12").toFile().deleteOnExit();
                dir.resolve("github-ca.pem").toFile().deleteOnExit();
                sharedTls = SelfSignedTls.generate(dir, "github", "CN=github.com",
                        "dns:github.com,dns:localhost,ip:127.0.0.1");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return sharedTls;
    }

    private static HttpsServer bindHttps(SelfSignedTls tls) {
        try {
            HttpsServer server = HttpsServer.create(LoopbackServer.loopback(), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code https://127.0.0.1:<port>/}, with the trailing slash: the HTTPS server itself, without the proxy. */
    public String baseUrl() {
        return https.baseUrl() + "/";
    }

    /** {@code http://127.0.0.1:<port>} of the CONNECT proxy, for {@code http.proxy}. */
    public String proxyUrl() {
        return proxy.url();
    }

    /** The server's self-signed certificate as PEM, for {@code http.sslCAInfo} / {@code GIT_SSL_CAINFO}. */
    public Path caCertificatePem() {
        return tls.certificatePem();
    }

    /** An SSL context that trusts exactly {@link #caCertificatePem()}, for Java clients of {@link #baseUrl()}. */
    public SSLContext clientSslContext() {
        return tls.clientContext();
    }

    /** The targets of the requests the proxy received, in order ({@code github.com:443} for git's tunnels). */
    public List<String> connectTargets() {
        return proxy.targets();
    }

    /**
     * While on, each {@code info/refs} request waits (up to 10 minutes, or until this is turned off or the server
     * closed) before it is authenticated and answered: a fetch blocks until its process is killed.
     */
    public void hangRequests(boolean on) {
        synchronized (hangLock) {
            hang = on;
            hangLock.notifyAll();
        }
    }

    /** How many requests have started waiting because of {@link #hangRequests}. */
    public int hungRequestCount() {
        return hung.get();
    }

    @Override
    public void close() {
        synchronized (hangLock) {
            closed = true;
            hangLock.notifyAll();
        }
        proxy.close();
        https.close();
    }

    /** All requests received. */
    public int requestCount() {
        return requests.get();
    }

    /** Requests that carried acceptable credentials (and were handed to {@code git http-backend}). */
    public int authenticatedRequestCount() {
        return authenticated.get();
    }

    /**
     * Why each rejected request was rejected ({@code no credentials}, {@code unknown user 'someone'},
     * {@code invalid token for user 'oauth2'}...).
     */
    public List<String> rejectedReasons() {
        synchronized (rejectedReasons) {
            return new ArrayList<>(rejectedReasons);
        }
    }

    /** The Basic user names of all requests with credentials, valid or not, in order. */
    public List<String> usersSeen() {
        synchronized (usersSeen) {
            return new ArrayList<>(usersSeen);
        }
    }

    /**
     * Every request the HTTPS server received as {@code METHOD <request target> | header: value | ...}, the
     * request target as sent ({@code /elastic/codex-link-index.git/info/refs?service=git-upload-pack}), with the
     * {@code Authorization} and {@code Proxy-Authorization} values replaced by {@code ***}.
     */
    public List<String> requestLog() {
        synchronized (requestLog) {
            return new ArrayList<>(requestLog);
        }
    }

    /**
     * Whether {@code secret} appeared anywhere in a request (request target, any header but Authorization) or in
     * a proxy request target.
     */
    public boolean sawOutsideAuthorization(String secret) {
        return requestLog().stream().anyMatch(line -> line.contains(secret))
                || connectTargets().stream().anyMatch(target -> target.contains(secret));
    }

    /** The stderr of {@code git http-backend} runs that wrote any, and requests that failed. */
    public List<String> backendErrors() {
        synchronized (backendErrors) {
            return new ArrayList<>(backendErrors);
        }
    }

    /** What git prints when it would need ssh: the SSH URL must never reach the network in tests. */
    public static final String SSH_DISABLED_MESSAGE =
            "ssh is disabled in tests: GitSmartHttpServer serves only https://github.com/ URLs";

    /**
     * Environment variables for a git process (or a docs-builder that runs git) so that its
     * {@code https://github.com/} URLs reach {@code server}, unchanged, whatever credentials they carry. Writes
     * {@code <home>/.gitconfig}:
     * <pre>
     * [http]
     * 	proxy = http://127.0.0.1:&lt;proxy port&gt;
     * 	sslCAInfo = &lt;caCertificatePem&gt;
     * [credential]
     * 	helper =
     * [init]
     * 	defaultBranch = main
     * [advice]
     * 	detachedHead = false</pre>
     * and returns, in this order, {@code HOME=<home>}, {@code GIT_CONFIG_GLOBAL=<home>/.gitconfig},
     * {@code GIT_CONFIG_NOSYSTEM=1}, {@code GIT_TERMINAL_PROMPT=0}, {@code GIT_ASKPASS=}, {@code SSH_ASKPASS=},
     * {@code GIT_SSL_CAINFO=<caCertificatePem>} (it beats any {@code http.sslCAInfo}), {@code GIT_SSH_VARIANT=ssh},
     * {@code GIT_SSH_COMMAND=sh -c 'echo "<SSH_DISABLED_MESSAGE>" >&2; exit 255'}, {@code no_proxy=} and
     * {@code NO_PROXY=}.
     *
     * <p>git (libcurl) sends {@code CONNECT github.com:443} to the proxy, then speaks TLS with SNI
     * {@code github.com} through the tunnel, verifies the certificate against the PEM and requests
     * {@code /elastic/codex-link-index.git/info/refs?service=git-upload-pack} with {@code Host: github.com}. No
     * {@code url.*.insteadOf} is set, so git matches {@code http.https://github.com/.*} against the real URL.
     * Nothing here uses {@code GIT_CONFIG_COUNT}: callers may add {@code GIT_CONFIG_COUNT},
     * {@code GIT_CONFIG_KEY_<n>} and {@code GIT_CONFIG_VALUE_<n>} (e.g. an extraheader) on top. The empty
     * {@code no_proxy} / {@code NO_PROXY} override any inherited ones, which libcurl would honour even with an
     * explicit proxy. The SSH URL {@code git@github.com:...} runs {@code GIT_SSH_COMMAND}, which fails at once
     * with {@link #SSH_DISABLED_MESSAGE} (exit 255, as ssh does). The environment must not hold
     * {@code GIT_SSL_NO_VERIFY}: git turns verification off when it is set at all, even empty.
     */
    public static Map<String, String> gitEnvironmentFor(GitSmartHttpServer server, Path home) {
        try {
            Files.createDirectories(home);
            Path global = home.resolve(".gitconfig");
            String config = "# written by GitSmartHttpServer.gitEnvironmentFor\n"
                    + "[http]\n"
                    + "\tproxy = " + server.proxyUrl() + "\n"
                    + "\tsslCAInfo = " + server.caCertificatePem() + "\n"
                    + "[credential]\n"
                    + "\thelper =\n"
                    + "[init]\n"
                    + "\tdefaultBranch = main\n"
                    + "[advice]\n"
                    + "\tdetachedHead = false\n";
            Files.writeString(global, config, StandardCharsets.UTF_8);
            Map<String, String> env = new LinkedHashMap<>();
            env.put("HOME", home.toString());
            env.put("GIT_CONFIG_GLOBAL", global.toString());
            env.put("GIT_CONFIG_NOSYSTEM", "1");
            env.put("GIT_TERMINAL_PROMPT", "0");
            env.put("GIT_ASKPASS", "");
            env.put("SSH_ASKPASS", "");
            env.put("GIT_SSL_CAINFO", server.caCertificatePem().toString());
            env.put("GIT_SSH_VARIANT", "ssh");
            env.put("GIT_SSH_COMMAND", "sh -c 'echo \"" + SSH_DISABLED_MESSAGE + "\" >&2; exit 255'");
            env.put("no_proxy", "");
            env.put("NO_PROXY", "");
            return env;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ------------------------------------------------------------------------------------------ serving

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        log(exchange);
        if (exchange.getRequestURI().getPath().endsWith("/info/refs")) {
            waitWhileHanging();
        }
        try (InputStream ignored = exchange.getRequestBody()) {
            String user = authenticate(exchange);
            if (user == null) {
                exchange.getResponseHeaders().set("WWW-Authenticate", "Basic realm=\"GitHub\"");
                Exchanges.send(exchange, 401, "text/plain", UNAUTHORIZED_MESSAGE);
                return;
            }
            authenticated.incrementAndGet();
            runBackend(exchange, user);
        }
    }

    private void waitWhileHanging() {
        synchronized (hangLock) {
            if (!hang || closed) {
                return;
            }
            hung.incrementAndGet();
            long deadline = System.currentTimeMillis() + HANG_MILLIS;
            long left;
            while (hang && !closed && (left = deadline - System.currentTimeMillis()) > 0) {
                try {
                    hangLock.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    private void log(HttpExchange exchange) {
        StringBuilder line = new StringBuilder(exchange.getRequestMethod()).append(' ')
                .append(exchange.getRequestURI().toString());
        exchange.getRequestHeaders().forEach((name, values) -> {
            boolean secret = name.equalsIgnoreCase("Authorization") || name.equalsIgnoreCase("Proxy-Authorization");
            for (String value : values) {
                line.append(" | ").append(name).append(": ").append(secret ? "***" : value);
            }
        });
        requestLog.add(line.toString());
    }

    /** The Basic user name when the credentials are acceptable, else null (and the reason is recorded). */
    private String authenticate(HttpExchange exchange) {
        String header = Exchanges.header(exchange, "Authorization");
        if (header == null) {
            rejectedReasons.add("no credentials");
            return null;
        }
        if (!header.regionMatches(true, 0, "Basic ", 0, 6)) {
            rejectedReasons.add("not Basic authentication");
            return null;
        }
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            rejectedReasons.add("malformed Basic credentials");
            return null;
        }
        int colon = decoded.indexOf(':');
        String user = colon < 0 ? decoded : decoded.substring(0, colon);
        String password = colon < 0 ? "" : decoded.substring(colon + 1);
        usersSeen.add(user);
        if (!USERS.contains(user)) {
            rejectedReasons.add("unknown user '" + user + "'");
            return null;
        }
        if (!tokens.isValid(password)) {
            rejectedReasons.add("invalid token for user '" + user + "'");
            return null;
        }
        return user;
    }

    private void runBackend(HttpExchange exchange, String user) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(backend);
        Map<String, String> env = pb.environment();
        String path = System.getenv("PATH");
        env.clear();
        if (path != null) {
            env.put("PATH", path);
        }
        env.put("GIT_CONFIG_NOSYSTEM", "1");
        env.put("GIT_CONFIG_GLOBAL", "/dev/null");
        env.put("HOME", root.toString());
        env.put("GATEWAY_INTERFACE", "CGI/1.1");
        env.put("SERVER_PROTOCOL", "HTTP/1.1");
        env.put("SERVER_SOFTWARE", "GitSmartHttpServer");
        env.put("GIT_PROJECT_ROOT", root.toString());
        env.put("GIT_HTTP_EXPORT_ALL", "1");
        env.put("PATH_INFO", exchange.getRequestURI().getPath());
        String query = exchange.getRequestURI().getRawQuery();
        env.put("QUERY_STRING", query == null ? "" : query);
        env.put("REQUEST_METHOD", exchange.getRequestMethod());
        env.put("REMOTE_USER", user);
        env.put("REMOTE_ADDR", exchange.getRemoteAddress().getAddress().getHostAddress());
        env.put("AUTH_TYPE", "Basic");
        putHeader(env, exchange, "Content-Type", "CONTENT_TYPE");
        putHeader(env, exchange, "Content-Length", "CONTENT_LENGTH");
        putHeader(env, exchange, "Git-Protocol", "HTTP_GIT_PROTOCOL");
        putHeader(env, exchange, "Content-Encoding", "HTTP_CONTENT_ENCODING");
        putHeader(env, exchange, "Accept", "HTTP_ACCEPT");
        pb.directory(root.toFile());

        Process process = pb.start();
        ByteArrayOutputStream stderr = new ByteArrayOutputStream();
        Thread errPump = pump(process.getErrorStream(), stderr, "git-http-backend-stderr");
        Thread inPump = new Thread(() -> {
            try (InputStream in = exchange.getRequestBody(); OutputStream out = process.getOutputStream()) {
                in.transferTo(out);
            } catch (IOException e) {
                // the backend stopped reading; its exit status tells
            }
        }, "git-http-backend-stdin");
        inPump.setDaemon(true);
        inPump.start();
        try (InputStream out = process.getInputStream()) {
            int status = 200;
            String line;
            while ((line = readHeaderLine(out)) != null && !line.isEmpty()) {
                int colon = line.indexOf(':');
                if (colon < 0) {
                    continue;
                }
                String name = line.substring(0, colon).trim();
                String value = line.substring(colon + 1).trim();
                if (name.equalsIgnoreCase("Status")) {
                    status = Integer.parseInt(value.split(" ", 2)[0]);
                } else {
                    exchange.getResponseHeaders().add(name, value);
                }
            }
            boolean noBody = status == 204 || status == 304 || exchange.getRequestMethod().equals("HEAD");
            exchange.sendResponseHeaders(status, noBody ? -1 : 0);
            if (!noBody) {
                try (OutputStream body = exchange.getResponseBody()) {
                    out.transferTo(body);
                }
            }
        } finally {
            try {
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
                errPump.join(5_000);
            } catch (InterruptedException e) {
                process.destroyForcibly();
                Thread.currentThread().interrupt();
            }
            String err;
            synchronized (stderr) {
                err = stderr.toString(StandardCharsets.UTF_8);
            }
            if (!err.isBlank() || process.isAlive() || process.exitValue() != 0) {
                backendErrors.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + ": exit "
                        + (process.isAlive() ? "?" : process.exitValue()) + ": " + err.strip());
            }
        }
    }

    private static void putHeader(Map<String, String> env, HttpExchange exchange, String header, String variable) {
        String value = Exchanges.header(exchange, header);
        if (value != null) {
            env.put(variable, value);
        }
    }

    /** One CGI header line without its LF / CRLF, or null at end of stream. */
    private static String readHeaderLine(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.write(b);
        }
        if (b == -1 && line.size() == 0) {
            return null;
        }
        String s = line.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }

    private static Thread pump(InputStream in, ByteArrayOutputStream sink, String name) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(buffer)) != -1) {
                    synchronized (sink) {
                        sink.write(buffer, 0, n);
                    }
                }
            } catch (IOException ignored) {
                // process gone
            }
        }, name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** {@code $(git --exec-path)/git-http-backend}. */
    static String httpBackend() {
        try {
            Process p = new ProcessBuilder("git", "--exec-path").redirectErrorStream(true).start();
            p.getOutputStream().close();
            String execPath = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IllegalStateException("git --exec-path failed: " + execPath);
            }
            String name = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win")
                    ? "git-http-backend.exe" : "git-http-backend";
            Path backend = Path.of(execPath, name);
            if (!Files.isExecutable(backend)) {
                throw new IllegalStateException("no git http-backend at " + backend);
            }
            return backend.toString();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
