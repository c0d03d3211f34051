package io.github.codexdocs.codex.testworld;

import com.sun.net.httpserver.HttpExchange;

import java.io.IOException;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Emulates the GitHub Actions ID-token endpoint ({@code ACTIONS_ID_TOKEN_REQUEST_URL}) and its JWKS.
 *
 * <p>{@code GET /_apis/token?api-version=2.0&audience=<aud>} with {@code Authorization: Bearer <requestToken>}
 * answers {@code {"value":"<JWT>"}}, an RS256 JWT shaped like GitHub's. The signing key is a 2048-bit RSA key
 * made at start; {@code /.well-known/jwks} publishes it (the Vault emulator verifies against that) and
 * {@link #publicKey()} gives it to tests.
 */
public final class OidcIssuer extends LoopbackServer {

    public static final String ISSUER = "https://token.actions.githubusercontent.com";
    public static final String DEFAULT_REPOSITORY = "elastic/docs-example";
    public static final String DEFAULT_REF = "refs/heads/main";
    public static final String DEFAULT_WORKFLOW_REF =
            "elastic/docs-example/.github/workflows/docs.yml@refs/heads/main";

    static final String TOKEN_PATH = "/_apis/token";
    static final String JWKS_PATH = "/.well-known/jwks";

    private final KeyPair keyPair;
    private final String kid = Randoms.alphanumeric(20);
    private final String requestToken = Randoms.alphanumeric(40);

    private final Map<String, Object> overrides = new LinkedHashMap<>();
    private final List<String> issued = new ArrayList<>();
    private final List<String> audiences = new ArrayList<>();
    private Duration ttl = Duration.ofMinutes(5);
    private int requests;
    private int jwksRequests;
    private int failuresLeft;
    private int failureStatus;

    private OidcIssuer(KeyPair keyPair) {
        super(bindHttp(), "oidc-issuer");
        this.keyPair = keyPair;
    }

    public static OidcIssuer start() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            OidcIssuer issuer = new OidcIssuer(generator.generateKeyPair());
            issuer.startServing();
            return issuer;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The value of {@code ACTIONS_ID_TOKEN_REQUEST_URL}: it already has a query string. */
    public String requestUrl() {
        return baseUrl() + TOKEN_PATH + "?api-version=2.0";
    }

    /** The value of {@code ACTIONS_ID_TOKEN_REQUEST_TOKEN}. */
    public String requestToken() {
        return requestToken;
    }

    /**
     * The variables GitHub Actions sets for a job with {@code permissions: id-token: write} whose workflow is
     * {@link #DEFAULT_WORKFLOW_REF}, its OIDC requests going to this issuer; a new map, for the caller to change.
     */
    public Map<String, String> jobEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("GITHUB_ACTIONS", "true");
        env.put("GITHUB_WORKFLOW_REF", DEFAULT_WORKFLOW_REF);
        env.put("ACTIONS_ID_TOKEN_REQUEST_URL", requestUrl());
        env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", requestToken());
        return env;
    }

    public String issuer() {
        return ISSUER;
    }

    public String jwksUrl() {
        return baseUrl() + JWKS_PATH;
    }

    public RSAPublicKey publicKey() {
        return (RSAPublicKey) keyPair.getPublic();
    }

    /** Sets one claim of the tokens minted from now on; a null value removes the claim. */
    public synchronized void claim(String name, Object value) {
        overrides.put(name, value);
    }

    /** Lifetime ({@code exp - iat}) of the tokens minted from now on; zero or negative mints expired tokens. */
    public synchronized void ttl(Duration ttl) {
        this.ttl = ttl;
    }

    /** The next {@code times} token requests fail with {@code status}. */
    public synchronized void failNext(int times, int status) {
        this.failuresLeft = times;
        this.failureStatus = status;
    }

    /** Requests to the token endpoint, failed ones included. */
    public synchronized int requestCount() {
        return requests;
    }

    /** Requests for the JWKS. */
    public synchronized int jwksRequestCount() {
        return jwksRequests;
    }

    /** Every JWT handed out, oldest first. */
    public synchronized List<String> issuedJwts() {
        return new ArrayList<>(issued);
    }

    /** The {@code audience} parameter of each successful request (null where absent), oldest first. */
    public synchronized List<String> audiences() {
        return new ArrayList<>(audiences);
    }

    @Override
    void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!"GET".equals(exchange.getRequestMethod())) {
            Exchanges.json(exchange, 405, Map.of("message", "Method Not Allowed"));
        } else if (TOKEN_PATH.equals(path)) {
            token(exchange);
        } else if (JWKS_PATH.equals(path)) {
            synchronized (this) {
                jwksRequests++;
            }
            Exchanges.json(exchange, 200, Map.of("keys", List.of(jwk())));
        } else {
            Exchanges.json(exchange, 404, Map.of("message", "Not Found"));
        }
    }

    private void token(HttpExchange exchange) throws IOException {
        int status;
        Object body;
        synchronized (this) {
            requests++;
            if (failuresLeft > 0) {
                failuresLeft--;
                status = failureStatus;
                body = Map.of("message", "emulated failure " + failureStatus);
            } else if (!("Bearer " + requestToken).equals(Exchanges.header(exchange, "Authorization"))) {
                status = 401;
                body = Map.of("message", "Unauthorized");
            } else {
                String audience = Exchanges.query(exchange).get("audience");
                String jwt = mint(audience);
                issued.add(jwt);
                audiences.add(audience);
                status = 200;
                body = Map.of("value", jwt);
            }
        }
        Exchanges.json(exchange, status, body);
    }

    private String mint(String audience) {
        long now = Instant.now().getEpochSecond();
        String repository = String.valueOf(overrides.getOrDefault("repository", DEFAULT_REPOSITORY));
        String owner = repository.contains("/") ? repository.substring(0, repository.indexOf('/')) : repository;
        String ref = String.valueOf(overrides.getOrDefault("ref", DEFAULT_REF));

        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("jti", UUID.randomUUID().toString());
        claims.put("sub", "repo:" + repository + ":ref:" + ref);
        claims.put("aud", audience != null ? audience : "https://github.com/" + owner);
        claims.put("ref", ref);
        claims.put("sha", Randoms.hex(40));
        claims.put("repository", repository);
        claims.put("repository_owner", owner);
        claims.put("run_id", "1");
        claims.put("run_attempt", "1");
        claims.put("actor", "octocat");
        claims.put("workflow", "docs");
        claims.put("event_name", "push");
        claims.put("ref_type", "branch");
        claims.put("workflow_ref", DEFAULT_WORKFLOW_REF);
        claims.put("job_workflow_ref", DEFAULT_WORKFLOW_REF);
        claims.put("runner_environment", "github-hosted");
        claims.put("iss", ISSUER);
        // GitHub's own tokens: not valid before iat - 600, expire at iat + 300
        claims.put("nbf", now - 600);
        claims.put("exp", now + ttl.getSeconds());
        claims.put("iat", now);
        overrides.forEach((name, value) -> {
            if (value == null) {
                claims.remove(name);
            } else {
                claims.put(name, value);
            }
        });

        Map<String, Object> header = new LinkedHashMap<>();
        header.put("alg", "RS256");
        header.put("typ", "JWT");
        header.put("kid", kid);
        return Jwt.sign(header, claims, keyPair.getPrivate());
    }

    private Map<String, Object> jwk() {
        Map<String, Object> jwk = new LinkedHashMap<>();
        jwk.put("kty", "RSA");
        jwk.put("alg", "RS256");
        jwk.put("use", "sig");
        jwk.put("kid", kid);
        jwk.put("n", unsigned(publicKey().getModulus()));
        jwk.put("e", unsigned(publicKey().getPublicExponent()));
        return jwk;
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        if (bytes.length > 1 && bytes[0] == 0) {
            bytes = Arrays.copyOfRange(bytes, 1, bytes.length);
        }
        return Jwt.base64Url(bytes);
    }
}
