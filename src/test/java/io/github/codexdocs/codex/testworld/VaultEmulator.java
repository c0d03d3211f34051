package io.github.codexdocs.codex.testworld;

import com.fasterxml.jackson.core.type.TypeReference;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.RSAPublicKeySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Emulates the parts of the Vault HTTP API the plugin uses (JWT auth login, reading a GitHub installation token
 * from the GitHub secrets engine, revoke-self), with Vault's error shapes and injectable faults.
 *
 * <p>Login verifies the JWT for real (RS256) against the {@link OidcIssuer}'s JWKS, fetched over HTTP and cached by
 * {@code kid} as Vault's {@code jwks_url} key set is (an unknown {@code kid} fetches the set again), then {@code iss},
 * {@code exp}/{@code nbf}/{@code iat} with Vault's default leeways, {@code aud} against the role's bound audience
 * and the role's bound claims. Error messages never echo the request.
 */
public final class VaultEmulator extends LoopbackServer {

    /** The endpoints faults can be aimed at and requests are counted by. */
    public enum Endpoint { LOGIN, READ, REVOKE_SELF, ANY }

    /**
     * Something that goes wrong with one upcoming request (the first one it {@linkplain #on applies to}).
     * Immutable: {@link #retryAfter} and {@link #on} return a new fault.
     */
    public record Fault(Kind kind, int status, int retryAfterSeconds, Duration delay, Endpoint endpoint) {

        public enum Kind { STATUS, DELAY, DROP, HTML, MALFORMED_JSON }

        /** A Vault error reply: {@code {"errors":["<a plausible message for the status>"]}}. */
        public static Fault status(int code) {
            return new Fault(Kind.STATUS, code, -1, Duration.ZERO, Endpoint.ANY);
        }

        /** Sleeps, then answers normally. */
        public static Fault delay(Duration delay) {
            return new Fault(Kind.DELAY, 0, -1, delay, Endpoint.ANY);
        }

        /**
         * Closes the connection without any reply. One drop hits one request: java.net.http (and Apache
         * HttpClient's default retry strategy) silently retry an idempotent GET once, so queue two drops for a
         * read to surface as an {@code IOException}; a login POST is not retried.
         */
        public static Fault drop() {
            return new Fault(Kind.DROP, 0, -1, Duration.ZERO, Endpoint.ANY);
        }

        /** 200 with an HTML page (a proxy's login page, say). */
        public static Fault html() {
            return new Fault(Kind.HTML, 200, -1, Duration.ZERO, Endpoint.ANY);
        }

        /** 200 with {@code {"auth": } and nothing more. */
        public static Fault malformedJson() {
            return new Fault(Kind.MALFORMED_JSON, 200, -1, Duration.ZERO, Endpoint.ANY);
        }

        /** Adds {@code Retry-After: <seconds>} to the reply. */
        public Fault retryAfter(int seconds) {
            return new Fault(kind, status, seconds, delay, endpoint);
        }

        /** Applies only to requests to {@code target}. */
        public Fault on(Endpoint target) {
            return new Fault(kind, status, retryAfterSeconds, delay, target);
        }

        boolean appliesTo(Endpoint target) {
            return endpoint == Endpoint.ANY || endpoint == target;
        }
    }

    /** One request as the emulator received it. {@code endpoint} is ANY for paths it does not serve. */
    public record Request(String method, String path, Endpoint endpoint, String namespace, String vaultToken) {
    }

    public static final String DEFAULT_AUDIENCE = "vault";
    /** Vault's defaults for JWT auth roles. */
    private static final Duration EXPIRATION_LEEWAY = Duration.ofSeconds(150);
    private static final Duration NOT_BEFORE_LEEWAY = Duration.ofSeconds(150);
    private static final Duration CLOCK_SKEW_LEEWAY = Duration.ofSeconds(60);
    private static final int CLIENT_TOKEN_TTL_SECONDS = 3600;
    private static final TypeReference<Map<String, Object>> OBJECT = new TypeReference<>() {
    };

    private record Role(String name, String boundAudience, Map<String, String> boundClaims) {
    }

    private static final class Session {
        final String role;
        final Instant expiresAt = Instant.now().plusSeconds(CLIENT_TOKEN_TTL_SECONDS);
        final List<String> leasedGitHubTokens = new ArrayList<>();
        boolean revoked;

        Session(String role) {
            this.role = role;
        }

        boolean valid() {
            return !revoked && Instant.now().isBefore(expiresAt);
        }
    }

    private final OidcIssuer issuer;
    private final GitHubTokenRegistry tokens;
    private final Path caCertificatePem;

    private final Map<String, Role> roles = new HashMap<>();
    /** The issuer's signing keys by {@code kid}, as last fetched from its JWKS. */
    private final Map<String, PublicKey> signingKeys = new HashMap<>();
    private final Map<String, Boolean> cachedByRole = new HashMap<>();
    private final Map<String, String> cachedTokens = new HashMap<>();
    private final Map<String, Session> sessions = new LinkedHashMap<>();
    private final LinkedHashSet<String> handedOut = new LinkedHashSet<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    private final List<Request> requests = new ArrayList<>();
    private String mount = "auth/github-oidc";
    private String secretMount = "github/token";
    private String namespace;
    private Duration gitHubTokenTtl = Duration.ofHours(1);

    private VaultEmulator(HttpServer server, OidcIssuer issuer, GitHubTokenRegistry tokens, Path caCertificatePem) {
        super(server, "vault");
        this.issuer = issuer;
        this.tokens = tokens;
        this.caCertificatePem = caCertificatePem;
    }

    public static VaultEmulator start(OidcIssuer issuer, GitHubTokenRegistry tokens) {
        VaultEmulator vault = new VaultEmulator(bindHttp(), issuer, tokens, null);
        vault.startServing();
        return vault;
    }

    /**
     * Serves TLS with a self-signed certificate for {@code 127.0.0.1} and {@code localhost}, made by the JDK's
     * {@code keytool} in {@code workDir} (its PEM written as {@code keytool -exportcert -rfc} would); clients
     * trust {@link #caCertificatePem()}.
     */
    public static VaultEmulator startHttps(OidcIssuer issuer, GitHubTokenRegistry tokens, Path workDir) {
        SelfSignedTls tls = SelfSignedTls.generate(workDir, "vault", "CN=127.0.0.1", "ip:127.0.0.1,dns:localhost");
        try {
            HttpsServer server = HttpsServer.create(loopback(), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(tls.serverContext()));
            VaultEmulator vault = new VaultEmulator(server, issuer, tokens, tls.certificatePem());
            vault.startServing();
            return vault;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>} or {@code https://...}, the value of {@code VAULT_ADDR}. */
    public String address() {
        return baseUrl();
    }

    /** The self-signed certificate of an HTTPS emulator, as PEM. */
    public Path caCertificatePem() {
        if (caCertificatePem == null) {
            throw new IllegalStateException("not an HTTPS emulator: use startHttps");
        }
        return caCertificatePem;
    }

    /** An SSL context that trusts exactly {@link #caCertificatePem()}, for clients in tests. */
    public SSLContext clientSslContext() {
        return SelfSignedTls.trusting(caCertificatePem());
    }

    // ---- configuration -------------------------------------------------------------------------------------

    /** Where JWT auth is mounted, default {@code auth/github-oidc}. */
    public synchronized void mount(String path) {
        this.mount = trimSlashes(path);
    }

    /** The secrets path prefix, default {@code github/token}: tokens are read at {@code <prefix>/<role>}. */
    public synchronized void secretMount(String prefix) {
        this.secretMount = trimSlashes(prefix);
    }

    /** Binds role {@code role} to JWTs whose {@code workflow_ref} is exactly {@code boundWorkflowRef}. */
    public void registerRole(String role, String boundWorkflowRef) {
        registerRole(role, Map.of("workflow_ref", boundWorkflowRef));
    }

    /** A role with bound audience {@value #DEFAULT_AUDIENCE} and these exact-match bound claims. */
    public void registerRole(String role, Map<String, String> boundClaims) {
        registerRole(role, DEFAULT_AUDIENCE, boundClaims);
    }

    public synchronized void registerRole(String role, String boundAudience, Map<String, String> boundClaims) {
        roles.put(role, new Role(role, boundAudience, Map.copyOf(boundClaims)));
    }

    /** Cached (default): the same GitHub token on every read, lease_id "". Leased: a fresh token and lease. */
    public synchronized void cached(String role, boolean cached) {
        cachedByRole.put(role, cached);
    }

    /** Lifetime of the GitHub tokens minted from now on (default one hour). */
    public synchronized void gitHubTokenTtl(Duration ttl) {
        this.gitHubTokenTtl = ttl;
    }

    /** From now on every request must carry {@code X-Vault-Namespace: ns}; null lifts the requirement. */
    public synchronized void requireNamespace(String ns) {
        this.namespace = ns == null ? null : trimSlashes(ns);
    }

    /** Queues a fault for an upcoming request; faults are used in the order they were queued. */
    public synchronized void enqueueFault(Fault fault) {
        faults.add(Objects.requireNonNull(fault));
    }

    // ---- observations --------------------------------------------------------------------------------------

    public synchronized int requestCount() {
        return requests.size();
    }

    /** Requests to {@code endpoint}; {@code ANY} counts all requests. */
    public synchronized int requestCount(Endpoint endpoint) {
        return (int) requests.stream()
                .filter(r -> endpoint == Endpoint.ANY || r.endpoint() == endpoint)
                .count();
    }

    public synchronized List<Request> requests() {
        return new ArrayList<>(requests);
    }

    /** The {@code X-Vault-Namespace} header of each request, "" where absent, oldest first. */
    public synchronized List<String> receivedNamespaces() {
        return requests.stream().map(r -> r.namespace() == null ? "" : r.namespace()).toList();
    }

    /** Client tokens issued by logins, oldest first. */
    public synchronized List<String> clientTokens() {
        return new ArrayList<>(sessions.keySet());
    }

    /** GitHub tokens handed out by reads, each once, oldest first. */
    public synchronized List<String> githubTokens() {
        return new ArrayList<>(handedOut);
    }

    // ---- serving -------------------------------------------------------------------------------------------

    @Override
    void handle(HttpExchange exchange) throws IOException {
        Fault fault;
        Endpoint endpoint;
        synchronized (this) {
            endpoint = classify(exchange.getRequestURI().getPath());
            requests.add(new Request(exchange.getRequestMethod(), exchange.getRequestURI().getPath(), endpoint,
                    Exchanges.header(exchange, "X-Vault-Namespace"), Exchanges.header(exchange, "X-Vault-Token")));
            fault = takeFault(endpoint);
        }
        if (fault != null && applyFault(exchange, fault)) {
            return;
        }
        Reply reply;
        synchronized (this) {
            reply = answer(exchange, endpoint);
        }
        reply.send(exchange);
    }

    private Fault takeFault(Endpoint endpoint) {
        for (Iterator<Fault> it = faults.iterator(); it.hasNext(); ) {
            Fault fault = it.next();
            if (fault.appliesTo(endpoint)) {
                it.remove();
                return fault;
            }
        }
        return null;
    }

    /** Applies the fault; true when it answered (or dropped) the request. */
    private boolean applyFault(HttpExchange exchange, Fault fault) throws IOException {
        switch (fault.kind()) {
            case DELAY -> {
                try {
                    Thread.sleep(fault.delay().toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    exchange.close();
                    return true;
                }
                return false;
            }
            case DROP -> exchange.close(); // no headers sent: HttpServer closes the connection
            case HTML -> Exchanges.send(exchange, 200, "text/html",
                    "<!DOCTYPE html><html><head><title>Sign in</title></head><body><h1>Sign in</h1></body></html>");
            case MALFORMED_JSON -> Exchanges.send(exchange, 200, "application/json", "{\"auth\": ");
            case STATUS -> {
                if (fault.retryAfterSeconds() >= 0) {
                    exchange.getResponseHeaders().set("Retry-After", String.valueOf(fault.retryAfterSeconds()));
                }
                Reply.error(fault.status(), defaultMessage(fault.status(), exchange.getRequestURI().getPath()))
                        .send(exchange);
            }
        }
        return true;
    }

    private static String defaultMessage(int status, String path) {
        return switch (status) {
            case 400 -> "invalid request";
            case 403 -> "permission denied";
            case 404 -> null;
            case 412 -> "required index state not present";
            case 429 -> "request path \"" + route(path) + "\": rate limit quota exceeded";
            case 500 -> "internal error";
            case 503 -> "Vault is sealed";
            default -> "error " + status;
        };
    }

    private Endpoint classify(String path) {
        if (path.equals("/v1/" + mount + "/login")) {
            return Endpoint.LOGIN;
        }
        if (path.equals("/v1/auth/token/revoke-self")) {
            return Endpoint.REVOKE_SELF;
        }
        String secretPrefix = "/v1/" + secretMount + "/";
        if (path.startsWith(secretPrefix) && path.length() > secretPrefix.length()
                && path.indexOf('/', secretPrefix.length()) < 0) {
            return Endpoint.READ;
        }
        return Endpoint.ANY;
    }

    private Reply answer(HttpExchange exchange, Endpoint endpoint) throws IOException {
        String method = exchange.getRequestMethod();
        boolean write = method.equals("POST") || method.equals("PUT");
        String token = Exchanges.header(exchange, "X-Vault-Token");
        String ns = Exchanges.header(exchange, "X-Vault-Namespace");
        boolean inNamespace = namespace == null || (ns != null && namespace.equals(trimSlashes(ns)));
        String route = route(exchange.getRequestURI().getPath());

        switch (endpoint) {
            case LOGIN -> {
                if (!inNamespace) {
                    return Reply.error(404, "no handler for route \"" + route + "\". route entry not found.");
                }
                return write ? login(Exchanges.body(exchange)) : Reply.error(405, "unsupported operation");
            }
            case READ -> {
                if (!inNamespace) {
                    return Reply.error(403, "permission denied");
                }
                return method.equals("GET") ? read(token, route.substring(secretMount.length() + 1))
                        : Reply.error(405, "unsupported operation");
            }
            case REVOKE_SELF -> {
                if (!inNamespace) {
                    return Reply.error(403, "permission denied");
                }
                return write ? revokeSelf(token) : Reply.error(405, "unsupported operation");
            }
            default -> {
                return Reply.error(404, null);
            }
        }
    }

    private Reply login(String body) {
        Map<String, Object> request;
        try {
            request = Exchanges.JSON.readValue(body, OBJECT);
        } catch (IOException e) {
            return Reply.error(400, "failed to parse JSON input");
        }
        String roleName = request.get("role") instanceof String s ? s : "";
        String jwt = request.get("jwt") instanceof String s ? s : "";
        if (roleName.isEmpty()) {
            return Reply.error(400, "missing role");
        }
        if (jwt.isEmpty()) {
            return Reply.error(400, "missing token");
        }
        Role role = roles.get(roleName);
        if (role == null) {
            return Reply.error(400, "role \"" + roleName + "\" could not be found");
        }
        String problem = validateToken(jwt, role);
        if (problem != null) {
            return Reply.error(400, problem);
        }

        String clientToken = "hvs." + Randoms.alphanumeric(24);
        sessions.put(clientToken, new Session(roleName));
        Map<String, Object> auth = new LinkedHashMap<>();
        auth.put("client_token", clientToken);
        auth.put("accessor", Randoms.alphanumeric(24));
        auth.put("policies", List.of("default", roleName));
        auth.put("token_policies", List.of("default", roleName));
        auth.put("metadata", Map.of("role", roleName));
        auth.put("lease_duration", CLIENT_TOKEN_TTL_SECONDS);
        auth.put("renewable", true);
        auth.put("entity_id", UUID.randomUUID().toString());
        auth.put("token_type", "service");
        auth.put("orphan", true);
        auth.put("num_uses", 0);
        Map<String, Object> reply = envelope("", 0, false);
        reply.put("auth", auth);
        return Reply.ok(reply);
    }

    /**
     * The keys that may have signed a JWT with this {@code kid} (all of them when it has none), fetching the issuer's
     * JWKS when the {@code kid} is not among the cached keys, as go-oidc's remote key set does for Vault.
     */
    private List<PublicKey> signingKeys(Object kid) {
        if (!(kid instanceof String id)) {
            if (signingKeys.isEmpty()) {
                refreshSigningKeys();
            }
            return new ArrayList<>(signingKeys.values());
        }
        if (!signingKeys.containsKey(id)) {
            refreshSigningKeys();
        }
        return signingKeys.containsKey(id) ? List.of(signingKeys.get(id)) : List.of();
    }

    private void refreshSigningKeys() {
        signingKeys.clear();
        try {
            HttpResponse<String> reply = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(issuer.jwksUrl())).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (reply.statusCode() != 200) {
                return;
            }
            KeyFactory rsa = KeyFactory.getInstance("RSA");
            Base64.Decoder base64Url = Base64.getUrlDecoder();
            for (var key : Exchanges.JSON.readTree(reply.body()).path("keys")) {
                if ("RSA".equals(key.path("kty").asText()) && key.hasNonNull("kid")) {
                    signingKeys.put(key.get("kid").asText(), rsa.generatePublic(new RSAPublicKeySpec(
                            new BigInteger(1, base64Url.decode(key.path("n").asText())),
                            new BigInteger(1, base64Url.decode(key.path("e").asText())))));
                }
            }
        } catch (IOException | GeneralSecurityException | IllegalArgumentException e) {
            signingKeys.clear(); // no keys: every signature fails to verify, as in Vault when jwks_url is unreachable
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Null when the JWT is acceptable for the role, else Vault's error message. Never echoes the token. */
    private String validateToken(String jwt, Role role) {
        Jwt parsed;
        try {
            parsed = Jwt.parse(jwt);
        } catch (IllegalArgumentException e) {
            return "error validating token: error parsing token";
        }
        if (!"RS256".equals(parsed.header.get("alg"))) {
            return "error validating token: unsupported signing algorithm";
        }
        if (signingKeys(parsed.header.get("kid")).stream().noneMatch(parsed::verify)) {
            return "error validating token: failed to verify id token signature";
        }
        Map<String, Object> claims = parsed.claims;
        if (!issuer.issuer().equals(claims.get("iss"))) {
            return "error validating token: invalid issuer (iss) claim";
        }
        long now = Instant.now().getEpochSecond();
        if (!(claims.get("exp") instanceof Number exp)
                || exp.longValue() + EXPIRATION_LEEWAY.getSeconds() + CLOCK_SKEW_LEEWAY.getSeconds() < now) {
            return "error validating token: invalid expiration time (exp) claim: token is expired";
        }
        if (claims.get("nbf") instanceof Number nbf
                && nbf.longValue() - NOT_BEFORE_LEEWAY.getSeconds() - CLOCK_SKEW_LEEWAY.getSeconds() > now) {
            return "error validating token: invalid not before (nbf) claim: token not yet valid";
        }
        if (claims.get("iat") instanceof Number iat && iat.longValue() - CLOCK_SKEW_LEEWAY.getSeconds() > now) {
            return "error validating token: invalid issued at (iat) claim: token issued in the future";
        }
        if (!audienceMatches(claims.get("aud"), role.boundAudience())) {
            return "error validating token: invalid audience (aud) claim: "
                    + "audience claim does not match any expected audience";
        }
        for (Map.Entry<String, String> bound : role.boundClaims().entrySet()) {
            Object actual = claims.get(bound.getKey());
            if (actual == null) {
                return "error validating claims: claim \"" + bound.getKey() + "\" is missing";
            }
            if (!bound.getValue().equals(String.valueOf(actual))) {
                return "error validating claims: claim \"" + bound.getKey()
                        + "\" does not match any associated bound claim values";
            }
        }
        return null;
    }

    private static boolean audienceMatches(Object aud, String bound) {
        if (aud instanceof List<?> list) {
            return list.contains(bound);
        }
        return bound.equals(aud);
    }

    private Reply read(String token, String role) {
        Session session = token == null ? null : sessions.get(token);
        if (session == null || !session.valid() || !session.role.equals(role)) {
            return Reply.error(403, "permission denied");
        }
        boolean cached = cachedByRole.getOrDefault(role, true);
        String gitHubToken = cached ? cachedTokens.get(role) : null;
        if (gitHubToken == null || !tokens.isValid(gitHubToken)) {
            gitHubToken = tokens.mint(gitHubTokenTtl);
            if (cached) {
                cachedTokens.put(role, gitHubToken);
            } else {
                session.leasedGitHubTokens.add(gitHubToken);
            }
        }
        handedOut.add(gitHubToken);

        Map<String, Object> data = new LinkedHashMap<>();
        data.put("token", gitHubToken);
        data.put("expires_at", tokens.expiresAt(gitHubToken).orElseThrow().toString());
        data.put("permissions", Map.of("contents", "read"));
        data.put("repository_selection", "selected");
        data.put("repositories", List.of("codex-link-index"));
        data.put("installation_id", 123);
        String leaseId = cached ? "" : secretMount + "/" + role + "/" + Randoms.alphanumeric(24);
        Map<String, Object> reply = envelope(leaseId, 3599, false);
        reply.put("data", data);
        return Reply.ok(reply);
    }

    /** Revokes the client token and, as Vault does with a token's leases, the GitHub tokens leased through it. */
    private Reply revokeSelf(String token) {
        Session session = token == null ? null : sessions.get(token);
        if (session == null || !session.valid()) {
            return Reply.error(403, "permission denied");
        }
        session.revoked = true;
        session.leasedGitHubTokens.forEach(tokens::revoke);
        return Reply.noContent();
    }

    private static Map<String, Object> envelope(String leaseId, int leaseDuration, boolean renewable) {
        Map<String, Object> reply = new LinkedHashMap<>();
        reply.put("request_id", UUID.randomUUID().toString());
        reply.put("lease_id", leaseId);
        reply.put("renewable", renewable);
        reply.put("lease_duration", leaseDuration);
        reply.put("data", null);
        reply.put("wrap_info", null);
        reply.put("warnings", null);
        reply.put("auth", null);
        return reply;
    }

    /** The path without its {@code /v1/} prefix, as Vault names routes in its messages. */
    private static String route(String path) {
        return path.startsWith("/v1/") ? path.substring("/v1/".length()) : trimSlashes(path);
    }

    private static String trimSlashes(String path) {
        return path.replaceAll("^/+|/+$", "");
    }

    /** A reply decided under the lock and sent outside it. */
    private record Reply(int status, Object body) {

        static Reply ok(Object body) {
            return new Reply(200, body);
        }

        static Reply noContent() {
            return new Reply(204, null);
        }

        /** Vault's error shape; a null message gives {@code {"errors":[]}}. */
        static Reply error(int status, String message) {
            return new Reply(status, Map.of("errors", message == null ? List.of() : List.of(message)));
        }

        void send(HttpExchange exchange) throws IOException {
            if (body == null) {
                Exchanges.empty(exchange, status);
            } else {
                Exchanges.json(exchange, status, body);
            }
        }
    }
}
