package io.github.codexdocs.codex.testworld;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.codexdocs.codex.testworld.VaultEmulator.Endpoint;
import io.github.codexdocs.codex.testworld.VaultEmulator.Fault;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Proves the loopback emulators behave like the contracts in upstream-contracts.md, using a plain HTTP client. */
class TestWorldTest {

    private static final String ROLE = "token-policy-e51e59ad2806";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private GitHubTokenRegistry registry;
    private OidcIssuer issuer;
    private VaultEmulator vault;
    private GitHubApi github;

    @BeforeEach
    void startWorld() {
        registry = new GitHubTokenRegistry();
        issuer = OidcIssuer.start();
        vault = VaultEmulator.start(issuer, registry);
        github = GitHubApi.start(registry);
        vault.registerRole(ROLE, OidcIssuer.DEFAULT_WORKFLOW_REF);
    }

    @AfterEach
    void stopWorld() {
        github.close();
        vault.close();
        issuer.close();
    }

    // ---- OIDC issuer -----------------------------------------------------------------------------------------

    @Test
    void oidcTokenIsAGitHubShapedRs256Jwt() throws Exception {
        String jwt = fetchJwt("vault");

        Jwt parsed = Jwt.parse(jwt);
        assertTrue(parsed.verify(issuer.publicKey()));
        assertEquals("RS256", parsed.header.get("alg"));
        assertEquals("https://token.actions.githubusercontent.com", parsed.claims.get("iss"));
        assertEquals("vault", parsed.claims.get("aud"));
        assertEquals("repo:elastic/docs-example:ref:refs/heads/main", parsed.claims.get("sub"));
        assertEquals("elastic", parsed.claims.get("repository_owner"));
        assertEquals(OidcIssuer.DEFAULT_WORKFLOW_REF, parsed.claims.get("workflow_ref"));
        assertEquals(OidcIssuer.DEFAULT_WORKFLOW_REF, parsed.claims.get("job_workflow_ref"));
        assertEquals("push", parsed.claims.get("event_name"));
        long iat = ((Number) parsed.claims.get("iat")).longValue();
        assertEquals(iat + 300, ((Number) parsed.claims.get("exp")).longValue());
        assertEquals(List.of(jwt), issuer.issuedJwts());
        assertEquals(1, issuer.requestCount());

        JsonNode key = json(send(get(issuer.jwksUrl()))).path("keys").path(0);
        assertEquals(parsed.header.get("kid"), key.path("kid").asText());
        assertEquals(issuer.publicKey().getModulus(),
                new BigInteger(1, Base64.getUrlDecoder().decode(key.path("n").asText())));
    }

    @Test
    void oidcRejectsAWrongBearerAndDefaultsTheAudienceToTheOwner() throws Exception {
        HttpResponse<String> wrong = send(get(issuer.requestUrl() + "&audience=vault")
                .header("Authorization", "Bearer not-the-request-token"));
        assertEquals(401, wrong.statusCode());

        HttpResponse<String> noAudience = send(get(issuer.requestUrl())
                .header("Authorization", "Bearer " + issuer.requestToken()));
        assertEquals(200, noAudience.statusCode());
        assertEquals("application/json", noAudience.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        String jwt = json(noAudience).path("value").asText();
        assertEquals("https://github.com/elastic", Jwt.parse(jwt).claims.get("aud"));
    }

    @Test
    void oidcFailuresAndClaimOverridesApplyToTheNextRequests() throws Exception {
        issuer.failNext(2, 500);
        issuer.claim("workflow_ref", "elastic/other/.github/workflows/x.yml@refs/heads/main");
        issuer.claim("event_name", null);

        assertEquals(500, send(oidcRequest("vault")).statusCode());
        assertEquals(500, send(oidcRequest("vault")).statusCode());
        Jwt parsed = Jwt.parse(fetchJwt("vault"));
        assertEquals("elastic/other/.github/workflows/x.yml@refs/heads/main", parsed.claims.get("workflow_ref"));
        assertFalse(parsed.claims.containsKey("event_name"));
        assertEquals(3, issuer.requestCount());
    }

    // ---- Vault login -----------------------------------------------------------------------------------------

    @Test
    void happyPathFromOidcThroughLoginToTheGitHubToken() throws Exception {
        HttpResponse<String> login = login(ROLE, fetchJwt("vault"));
        assertEquals(200, login.statusCode());
        JsonNode auth = json(login).path("auth");
        String clientToken = auth.path("client_token").asText();
        assertTrue(clientToken.matches("hvs\\.[A-Za-z0-9]{24,}"), clientToken);
        assertEquals(3600, auth.path("lease_duration").asInt());
        assertTrue(auth.path("renewable").asBoolean());
        assertTrue(auth.path("policies").toString().contains(ROLE));

        HttpResponse<String> read = read(ROLE, clientToken);
        assertEquals(200, read.statusCode());
        JsonNode body = json(read);
        assertEquals("", body.path("lease_id").asText());
        assertEquals(3599, body.path("lease_duration").asInt());
        assertFalse(body.path("renewable").asBoolean());
        JsonNode data = body.path("data");
        String token = data.path("token").asText();
        assertTrue(token.matches("ghs_[A-Za-z0-9]{36}"), token);
        assertTrue(registry.isValid(token));
        assertTrue(Instant.parse(data.path("expires_at").asText()).isAfter(Instant.now().plusSeconds(3500)));
        assertEquals("read", data.path("permissions").path("contents").asText());
        assertEquals("selected", data.path("repository_selection").asText());
        assertEquals("codex-link-index", data.path("repositories").path(0).asText());
        assertEquals(123, data.path("installation_id").asInt());

        assertEquals(List.of(clientToken), vault.clientTokens());
        assertEquals(List.of(token), vault.githubTokens());
        assertEquals(1, vault.requestCount(Endpoint.LOGIN));
        assertEquals(1, vault.requestCount(Endpoint.READ));
        assertEquals(2, vault.requestCount());
    }

    @Test
    void unknownRoleGivesVaultsExactError() throws Exception {
        HttpResponse<String> login = login("x", fetchJwt("vault"));
        assertEquals(400, login.statusCode());
        assertEquals("{\"errors\":[\"role \\\"x\\\" could not be found\"]}", login.body());
    }

    @Test
    void tamperedOrForeignSignaturesAreRejectedWithoutEchoingTheJwt() throws Exception {
        String jwt = fetchJwt("vault");
        String[] parts = jwt.split("\\.");
        Map<String, Object> claims = new LinkedHashMap<>(Jwt.parse(jwt).claims);
        claims.put("repository", "elastic/elsewhere");
        String tampered = parts[0] + "." + Jwt.base64Url(Exchanges.JSON.writeValueAsBytes(claims)) + "." + parts[2];

        HttpResponse<String> login = login(ROLE, tampered);
        assertEquals(400, login.statusCode());
        assertEquals("error validating token: failed to verify id token signature", firstError(login));
        assertFalse(login.body().contains(parts[1]));

        try (OidcIssuer stranger = OidcIssuer.start()) {
            String foreign = json(send(get(stranger.requestUrl() + "&audience=vault")
                    .header("Authorization", "Bearer " + stranger.requestToken()))).path("value").asText();
            assertEquals(400, login(ROLE, foreign).statusCode());
        }
        assertEquals(400, login(ROLE, "not-a-jwt").statusCode());
        assertTrue(vault.clientTokens().isEmpty());
    }

    @Test
    void loginChecksSignaturesAgainstTheIssuersPublishedKeysByKid() throws Exception {
        String jwt = fetchJwt("vault");
        assertEquals(200, login(ROLE, jwt).statusCode());
        assertEquals(200, login(ROLE, fetchJwt("vault")).statusCode());
        assertEquals(1, issuer.jwksRequestCount(), "the key set is fetched once, then cached");

        Jwt parsed = Jwt.parse(jwt);
        KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
        generator.initialize(2048);
        PrivateKey impostor = generator.generateKeyPair().getPrivate();
        HttpResponse<String> sameKid = login(ROLE, Jwt.sign(parsed.header, parsed.claims, impostor));
        assertEquals("error validating token: failed to verify id token signature", firstError(sameKid));
        assertEquals(1, issuer.jwksRequestCount(), "a known kid is verified with the cached key");

        Map<String, Object> rotated = new LinkedHashMap<>(parsed.header);
        rotated.put("kid", "a-key-the-issuer-never-published");
        HttpResponse<String> unknownKid = login(ROLE, Jwt.sign(rotated, parsed.claims, impostor));
        assertEquals("error validating token: failed to verify id token signature", firstError(unknownKid));
        assertEquals(2, issuer.jwksRequestCount(), "an unknown kid fetches the key set again");
    }

    @Test
    void expiredJwtIsRejectedBeyondVaultsLeeway() throws Exception {
        issuer.ttl(Duration.ofMinutes(-5));
        HttpResponse<String> expired = login(ROLE, fetchJwt("vault"));
        assertEquals(400, expired.statusCode());
        assertTrue(firstError(expired).startsWith("error validating token: "), expired.body());
        assertTrue(firstError(expired).contains("token is expired"), expired.body());

        issuer.ttl(Duration.ofSeconds(-30)); // within Vault's default expiration leeway
        assertEquals(200, login(ROLE, fetchJwt("vault")).statusCode());
    }

    @Test
    void roleBoundToAnotherWorkflowRefOrAudienceIsRejected() throws Exception {
        vault.registerRole("token-policy-other", "elastic/other/.github/workflows/docs.yml@refs/heads/main");
        HttpResponse<String> claims = login("token-policy-other", fetchJwt("vault"));
        assertEquals(400, claims.statusCode());
        assertEquals("error validating claims: claim \"workflow_ref\" does not match any associated bound claim values",
                firstError(claims));

        HttpResponse<String> audience = login(ROLE, fetchJwt("sts.amazonaws.com"));
        assertEquals(400, audience.statusCode());
        assertTrue(firstError(audience).startsWith("error validating token: invalid audience (aud) claim"));
    }

    // ---- Vault secrets and tokens ----------------------------------------------------------------------------

    @Test
    void cachedRoleReusesOneTokenUntilItIsInvalidAndLeasedRoleMintsPerRead() throws Exception {
        String clientToken = loginToken(ROLE);
        String first = tokenOf(read(ROLE, clientToken));
        JsonNode second = json(read(ROLE, clientToken));
        assertEquals(first, second.path("data").path("token").asText());
        assertEquals("", second.path("lease_id").asText());

        registry.expire(first);
        String third = tokenOf(read(ROLE, clientToken));
        assertNotEquals(first, third);

        vault.cached(ROLE, false);
        JsonNode leasedA = json(read(ROLE, clientToken));
        JsonNode leasedB = json(read(ROLE, clientToken));
        assertTrue(leasedA.path("lease_id").asText().startsWith("github/token/" + ROLE + "/"));
        assertNotEquals(leasedA.path("lease_id").asText(), leasedB.path("lease_id").asText());
        assertNotEquals(leasedA.path("data").path("token").asText(), leasedB.path("data").path("token").asText());
        assertEquals(4, vault.githubTokens().size());
    }

    @Test
    void revokeSelfEndsTheClientTokenAndItsLeases() throws Exception {
        vault.cached(ROLE, false);
        String clientToken = loginToken(ROLE);
        String leased = tokenOf(read(ROLE, clientToken));

        HttpResponse<String> revoke = send(post(vault.address() + "/v1/auth/token/revoke-self", "")
                .header("X-Vault-Token", clientToken));
        assertEquals(204, revoke.statusCode());

        HttpResponse<String> after = read(ROLE, clientToken);
        assertEquals(403, after.statusCode());
        assertEquals("{\"errors\":[\"permission denied\"]}", after.body());
        assertFalse(registry.isValid(leased));
        assertEquals(1, vault.requestCount(Endpoint.REVOKE_SELF));
    }

    @Test
    void readNeedsATokenFromALoginToThatRole() throws Exception {
        vault.registerRole("token-policy-other", OidcIssuer.DEFAULT_WORKFLOW_REF);
        String otherToken = loginToken("token-policy-other");
        assertEquals(403, read(ROLE, otherToken).statusCode());
        assertEquals(403, send(get(vault.address() + "/v1/github/token/" + ROLE)).statusCode());
        assertEquals(403, read(ROLE, "hvs.made-up").statusCode());

        vault.secretMount("secrets/gh");
        assertEquals(200, send(get(vault.address() + "/v1/secrets/gh/token-policy-other")
                .header("X-Vault-Token", otherToken)).statusCode());
    }

    @Test
    void namespaceIsRequiredOnceConfiguredAndUnknownPathsAre404() throws Exception {
        vault.requireNamespace("ci");
        String body = loginBody(ROLE, fetchJwt("vault"));
        assertEquals(404, send(post(vault.address() + "/v1/auth/github-oidc/login", body)).statusCode());
        HttpResponse<String> inNamespace = send(post(vault.address() + "/v1/auth/github-oidc/login", body)
                .header("X-Vault-Namespace", "ci"));
        assertEquals(200, inNamespace.statusCode());
        String clientToken = json(inNamespace).path("auth").path("client_token").asText();
        assertEquals(403, read(ROLE, clientToken).statusCode());
        assertEquals(List.of("", "ci", ""), vault.receivedNamespaces());

        HttpResponse<String> unknown = send(get(vault.address() + "/v1/secret/data/nothing"));
        assertEquals(404, unknown.statusCode());
        assertEquals("{\"errors\":[]}", unknown.body());

        vault.mount("auth/jwt");
        vault.requireNamespace(null);
        assertEquals(200, send(post(vault.address() + "/v1/auth/jwt/login", body)).statusCode());
    }

    // ---- Vault faults ----------------------------------------------------------------------------------------

    @Test
    void statusFaultsAnswerInVaultsErrorShapeInOrder() throws Exception {
        vault.enqueueFault(Fault.status(503));
        vault.enqueueFault(Fault.status(429).retryAfter(7));
        vault.enqueueFault(Fault.status(412).on(Endpoint.READ));
        String jwt = fetchJwt("vault");

        HttpResponse<String> sealed = login(ROLE, jwt);
        assertEquals(503, sealed.statusCode());
        assertEquals("Vault is sealed", firstError(sealed));
        HttpResponse<String> limited = login(ROLE, jwt);
        assertEquals(429, limited.statusCode());
        assertEquals("7", limited.headers().firstValue("Retry-After").orElse(null));
        String clientToken = json(login(ROLE, jwt)).path("auth").path("client_token").asText();
        assertEquals(412, read(ROLE, clientToken).statusCode());
        assertEquals(200, read(ROLE, clientToken).statusCode());
    }

    @Test
    void htmlAndMalformedJsonFaultsBreakTheClientsParsing() throws Exception {
        vault.enqueueFault(Fault.html());
        vault.enqueueFault(Fault.malformedJson().on(Endpoint.LOGIN));
        String jwt = fetchJwt("vault");

        HttpResponse<String> html = login(ROLE, jwt);
        assertEquals(200, html.statusCode());
        assertTrue(html.headers().firstValue("Content-Type").orElse("").startsWith("text/html"));
        assertThrows(JsonProcessingException.class, () -> json(html));

        HttpResponse<String> truncated = login(ROLE, jwt);
        assertEquals(200, truncated.statusCode());
        assertEquals("{\"auth\": ", truncated.body());
        assertThrows(JsonProcessingException.class, () -> json(truncated));
    }

    @Test
    void dropFaultIsAConnectionErrorAndDelayFaultIsSlow() throws Exception {
        String clientToken = loginToken(ROLE);
        vault.enqueueFault(Fault.drop().on(Endpoint.LOGIN));
        assertThrows(IOException.class, () -> login(ROLE, fetchJwt("vault")));

        // java.net.http retries an idempotent GET once after a dropped connection: it takes two drops to see one
        int readsBefore = vault.requestCount(Endpoint.READ);
        vault.enqueueFault(Fault.drop());
        vault.enqueueFault(Fault.drop());
        assertThrows(IOException.class, () -> read(ROLE, clientToken));
        assertEquals(readsBefore + 2, vault.requestCount(Endpoint.READ));

        vault.enqueueFault(Fault.delay(Duration.ofMillis(400)));
        long started = System.nanoTime();
        assertEquals(200, read(ROLE, clientToken).statusCode());
        assertTrue(System.nanoTime() - started >= Duration.ofMillis(400).toNanos());

        vault.enqueueFault(Fault.delay(Duration.ofSeconds(5)));
        assertThrows(HttpTimeoutException.class,
                () -> http.send(readRequest(ROLE, clientToken).timeout(Duration.ofMillis(200)).build(),
                        HttpResponse.BodyHandlers.ofString()));
    }

    // ---- GitHub API and TLS ----------------------------------------------------------------------------------

    @Test
    void gitHubRevokeInvalidatesTheTokenOnce() throws Exception {
        String token = tokenOf(read(ROLE, loginToken(ROLE)));
        String other = registry.mint(Duration.ofHours(1));

        assertEquals(204, send(revokeRequest("Bearer " + token)).statusCode());
        assertFalse(registry.isValid(token));
        HttpResponse<String> again = send(revokeRequest("Bearer " + token));
        assertEquals(401, again.statusCode());
        assertEquals("Bad credentials", json(again).path("message").asText());
        assertEquals(204, send(revokeRequest("token " + other)).statusCode());

        assertEquals(3, github.revokeRequestCount());
        assertEquals(List.of(token, other), github.revokedTokens());
    }

    @Test
    void httpsEmulatorIsReachableWhenTrustingItsCertificate(@TempDir Path work) throws Exception {
        try (VaultEmulator tls = VaultEmulator.startHttps(issuer, registry, work)) {
            tls.registerRole(ROLE, OidcIssuer.DEFAULT_WORKFLOW_REF);
            assertTrue(tls.address().startsWith("https://127.0.0.1:"));
            assertTrue(Files.readString(tls.caCertificatePem()).startsWith("-----BEGIN CERTIFICATE-----"));

            HttpRequest login = post(tls.address() + "/v1/auth/github-oidc/login",
                    loginBody(ROLE, fetchJwt("vault"))).build();
            assertThrows(IOException.class, () -> http.send(login, HttpResponse.BodyHandlers.ofString()));

            HttpClient trusting = HttpClient.newBuilder().sslContext(tls.clientSslContext()).build();
            assertEquals(200, trusting.send(login, HttpResponse.BodyHandlers.ofString()).statusCode());
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------------------

    private String fetchJwt(String audience) throws Exception {
        HttpResponse<String> response = send(oidcRequest(audience));
        assertEquals(200, response.statusCode(), response.body());
        return json(response).path("value").asText();
    }

    private HttpRequest.Builder oidcRequest(String audience) {
        return get(issuer.requestUrl() + "&audience=" + URLEncoder.encode(audience, StandardCharsets.UTF_8))
                .header("Authorization", "Bearer " + issuer.requestToken())
                .header("Accept", "application/json");
    }

    private HttpResponse<String> login(String role, String jwt) throws Exception {
        return send(post(vault.address() + "/v1/auth/github-oidc/login", loginBody(role, jwt)));
    }

    private String loginToken(String role) throws Exception {
        HttpResponse<String> login = login(role, fetchJwt("vault"));
        assertEquals(200, login.statusCode(), login.body());
        return json(login).path("auth").path("client_token").asText();
    }

    private static String loginBody(String role, String jwt) throws JsonProcessingException {
        return Exchanges.JSON.writeValueAsString(Map.of("role", role, "jwt", jwt));
    }

    private HttpResponse<String> read(String role, String clientToken) throws Exception {
        return send(readRequest(role, clientToken));
    }

    private HttpRequest.Builder readRequest(String role, String clientToken) {
        return get(vault.address() + "/v1/github/token/" + role).header("X-Vault-Token", clientToken);
    }

    private HttpRequest.Builder revokeRequest(String authorization) {
        return HttpRequest.newBuilder(URI.create(github.url() + "/installation/token")).DELETE()
                .header("Authorization", authorization)
                .header("Accept", "application/vnd.github+json");
    }

    private String tokenOf(HttpResponse<String> read) throws Exception {
        assertEquals(200, read.statusCode(), read.body());
        return json(read).path("data").path("token").asText();
    }

    private static HttpRequest.Builder get(String url) {
        return HttpRequest.newBuilder(URI.create(url)).GET();
    }

    private static HttpRequest.Builder post(String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json");
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws JsonProcessingException {
        return Exchanges.JSON.readTree(response.body());
    }

    private static String firstError(HttpResponse<String> response) throws JsonProcessingException {
        return json(response).path("errors").path(0).asText();
    }
}
