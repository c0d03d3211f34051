package io.github.codexdocs.codex.testworld;

import com.sun.net.httpserver.HttpExchange;

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
 * A private git host on loopback: git's smart-HTTP protocol served by the real {@code git http-backend} CGI
 * (one process per request) from the bare repositories under a root folder, behind GitHub-like authentication.
 *
 * <p>A bare repository at {@code <root>/elastic/codex-link-index.git} is served at
 * {@code <baseUrl>elastic/codex-link-index.git}. The server also works as a plain-HTTP forward proxy target:
 * a request line with an absolute URI ({@code GET http://github.com/elastic/codex-link-index.git/info/refs?...})
 * is served the same way, whatever the host; see {@link #gitEnvironmentFor} for how that lets git keep the
 * {@code https://oauth2:<token>@github.com/...} credentials while talking to this server.
 *
 * <p>Authentication, like GitHub for a private repository: every request needs HTTP Basic credentials whose
 * password is a token that {@link GitHubTokenRegistry#isValid} accepts; the user name may be anything (docs-builder
 * uses {@code oauth2}) and is recorded. Anything else gets {@code 401} with {@code WWW-Authenticate: Basic
 * realm="GitHub"}. Note that git (libcurl) first sends every request without credentials and only answers the
 * challenge, so even a successful fetch leaves one rejected, credential-less request per connection.
 *
 * <p>What git prints (git 2.39, {@code GIT_TERMINAL_PROMPT=0}):
 * <ul>
 *   <li>no credentials in the URL: {@code fatal: could not read Username for 'http://github.com': terminal
 *       prompts disabled} (the URL is the one git talks to after rewriting);</li>
 *   <li>credentials with an unknown, expired or revoked token (git relays the text/plain body of the 401):
 *       <pre>
 * remote: Invalid username or token. Password authentication is not supported for Git operations.
 * fatal: Authentication failed for 'http://github.com/elastic/codex-link-index.git/'</pre></li>
 * </ul>
 * Passwords are only ever compared, never stored or printed.
 */
public final class GitSmartHttpServer implements AutoCloseable {

    /** The body of the 401 reply, GitHub's wording. */
    static final String UNAUTHORIZED_MESSAGE =
            "Invalid username or token. Password authentication is not supported for Git operations.\n";

    /** The HTTP side; {@link LoopbackServer#baseUrl} has no trailing slash, so it is wrapped, not extended. */
    private final class Http extends LoopbackServer {
        Http() {
            super(bindHttp(), "git-http");
        }

        @Override
        void handle(HttpExchange exchange) throws IOException {
            GitSmartHttpServer.this.handle(exchange);
        }
    }

    private final Http http;
    private final Path root;
    private final GitHubTokenRegistry tokens;
    private final String backend;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger authenticated = new AtomicInteger();
    private final List<String> rejectedReasons = Collections.synchronizedList(new ArrayList<>());
    private final List<String> usersSeen = Collections.synchronizedList(new ArrayList<>());
    private final List<String> requestLog = Collections.synchronizedList(new ArrayList<>());
    private final List<String> backendErrors = Collections.synchronizedList(new ArrayList<>());

    private GitSmartHttpServer(Path root, GitHubTokenRegistry tokens, String backend) {
        this.http = new Http();
        this.root = root;
        this.tokens = tokens;
        this.backend = backend;
    }

    /** Serves the bare repositories below {@code repositoriesRoot}, accepting the valid tokens of {@code tokens}. */
    public static GitSmartHttpServer start(Path repositoriesRoot, GitHubTokenRegistry tokens) {
        GitSmartHttpServer server = new GitSmartHttpServer(repositoriesRoot.toAbsolutePath(), tokens, httpBackend());
        server.http.startServing();
        return server;
    }

    /** {@code http://127.0.0.1:<port>/}, with the trailing slash. */
    public String baseUrl() {
        return http.baseUrl() + "/";
    }

    /** {@code http://127.0.0.1:<port>}, for {@code http.proxy}. */
    public String proxyUrl() {
        return http.baseUrl();
    }

    @Override
    public void close() {
        http.close();
    }

    /** All requests received. */
    public int requestCount() {
        return requests.get();
    }

    /** Requests that carried acceptable credentials (and were handed to {@code git http-backend}). */
    public int authenticatedRequestCount() {
        return authenticated.get();
    }

    /** Why each rejected request was rejected ({@code no credentials}, {@code invalid token for user 'oauth2'}...). */
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
     * Every request as {@code METHOD <request target> | header: value | ...}, the request target as sent (an
     * absolute URI when the client used this server as a proxy), with the {@code Authorization} and
     * {@code Proxy-Authorization} values replaced by {@code ***}.
     */
    public List<String> requestLog() {
        synchronized (requestLog) {
            return new ArrayList<>(requestLog);
        }
    }

    /** Whether {@code secret} appeared anywhere in a request other than inside the Authorization header. */
    public boolean sawOutsideAuthorization(String secret) {
        return requestLog().stream().anyMatch(line -> line.contains(secret));
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
     * Environment variables for a git process (or a docs-builder that runs git) so that its GitHub URLs reach
     * {@code server}, whatever token they carry. Writes {@code <home>/.gitconfig} and returns {@code HOME},
     * {@code GIT_CONFIG_GLOBAL}, {@code GIT_CONFIG_NOSYSTEM=1}, no prompting and a failing {@code ssh}.
     *
     * <p>How: {@code url.http://github.com/.insteadOf=https://github.com/} and
     * {@code url.http://oauth2:.insteadOf=https://oauth2:} rewrite the two HTTPS forms to plain HTTP (the whole
     * prefix is replaced by the base, so each base must repeat what its prefix matched), so {@code https://oauth2:<T>@github.com/elastic/codex-link-index.git}
     * becomes {@code http://oauth2:<T>@github.com/elastic/codex-link-index.git} (host and credentials intact),
     * and {@code http.proxy} sends every plain-HTTP request to the server as a forward proxy: libcurl writes
     * {@code GET http://github.com/elastic/codex-link-index.git/info/refs?service=git-upload-pack} and, after the
     * 401 challenge, {@code Authorization: Basic base64(oauth2:<T>)}. The token is never in the request line.
     * The SSH URL {@code git@github.com:...} runs {@code GIT_SSH_COMMAND}, which fails at once with
     * {@link #SSH_DISABLED_MESSAGE} (exit 255, as ssh does).
     *
     * <p>An {@code insteadOf} straight to {@code http://127.0.0.1:<port>/} cannot keep the token: the prefix
     * {@code https://oauth2:} leaves {@code <T>@github.com/...} behind it, and a prefix including the token would
     * require knowing the token before docs-builder receives it.
     */
    public static Map<String, String> gitEnvironmentFor(GitSmartHttpServer server, Path home) {
        try {
            Files.createDirectories(home);
            Path global = home.resolve(".gitconfig");
            String config = "# written by GitSmartHttpServer.gitEnvironmentFor\n"
                    + "[url \"http://github.com/\"]\n"
                    + "\tinsteadOf = https://github.com/\n"
                    + "[url \"http://oauth2:\"]\n"
                    + "\tinsteadOf = https://oauth2:\n"
                    + "[http]\n"
                    + "\tproxy = " + server.proxyUrl() + "\n"
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
            env.put("GIT_SSH_VARIANT", "ssh");
            env.put("GIT_SSH_COMMAND", "sh -c 'echo \"" + SSH_DISABLED_MESSAGE + "\" >&2; exit 255'");
            // libcurl honours no_proxy even with an explicit proxy; make sure github.com is never exempted
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
