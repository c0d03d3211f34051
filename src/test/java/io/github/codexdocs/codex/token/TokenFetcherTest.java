package io.github.codexdocs.codex.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.http.HttpClients;
import io.github.codexdocs.codex.http.HttpSettings;
import io.github.codexdocs.codex.http.Proxy;
import io.github.codexdocs.codex.testworld.ConnectProxy;
import io.github.codexdocs.codex.testworld.GitHubTokenRegistry;
import io.github.codexdocs.codex.testworld.OidcIssuer;
import io.github.codexdocs.codex.testworld.VaultEmulator;
import io.github.codexdocs.codex.testworld.VaultEmulator.Endpoint;
import io.github.codexdocs.codex.testworld.VaultEmulator.Fault;
import io.github.codexdocs.codex.token.TokenFailure.Step;
import java.io.IOException;
import com.sun.net.httpserver.HttpServer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The token fetch against the loopback OIDC issuer and Vault emulator, over real HTTP. */
class TokenFetcherTest {
    private static final String ROLE = VaultRole.fromWorkflowRef(OidcIssuer.DEFAULT_WORKFLOW_REF).orElseThrow();

    private final GitHubTokenRegistry tokens = new GitHubTokenRegistry();
    private OidcIssuer issuer;
    private VaultEmulator vault;
    private final List<AutoCloseable> closing = new ArrayList<>();

    @TempDir
    Path dir;

    @BeforeEach
    void start() {
        issuer = OidcIssuer.start();
        vault = VaultEmulator.start(issuer, tokens);
        vault.registerRole(ROLE, OidcIssuer.DEFAULT_WORKFLOW_REF);
        closing.add(vault);
        closing.add(issuer);
    }

    @AfterEach
    void stop() throws Exception {
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private Map<String, String> job() {
        return issuer.jobEnvironment();
    }

    private TokenSettings settings(String address, String role, Duration budget) {
        return new TokenSettings(address, null, role, "vault", "github-oidc", "github/token/{role}", null, budget);
    }

    private GitHubToken fetch(Map<String, String> env, TokenSettings settings, Path ca) throws TokenFailure, IOException {
        return fetch(env, settings, ca, List.of());
    }

    private GitHubToken fetch(Map<String, String> env, TokenSettings settings, Path ca, List<Proxy> proxies)
            throws TokenFailure, IOException {
        HttpSettings http = new HttpSettings(proxies, Duration.ofSeconds(2), Duration.ofSeconds(2), ca);
        GitHubActions actions = new GitHubActions(env);
        try (CloseableHttpClient client = HttpClients.create(http)) {
            return new TokenFetcher(client, settings).fetch(actions, TokenFetcher.role(settings, actions));
        }
    }

    private GitHubToken fetch() throws TokenFailure, IOException {
        return fetch(job(), settings(vault.address(), null, Duration.ofSeconds(20)), null);
    }

    private TokenFailure failure(Map<String, String> env, TokenSettings settings) {
        TokenFailure failure = assertThrows(TokenFailure.class, () -> fetch(env, settings, null));
        assertNoSecretIn(failure.getMessage());
        return failure;
    }

    private TokenFailure failure() {
        return failure(job(), settings(vault.address(), null, Duration.ofSeconds(20)));
    }

    private void assertNoSecretIn(String text) {
        List<String> secrets = new ArrayList<>(issuer.issuedJwts());
        secrets.addAll(vault.clientTokens());
        secrets.addAll(tokens.minted());
        secrets.add(issuer.requestToken());
        for (String secret : secrets) {
            assertFalse(text.contains(secret), "a secret leaked into: " + text);
        }
    }

    @Test
    void threeRequestsGiveACachedToken() throws Exception {
        GitHubToken token = fetch();
        assertTrue(tokens.isValid(token.value()));
        assertFalse(token.isLeased());
        assertEquals(1, issuer.requestCount());
        assertEquals(2, vault.requestCount());
        assertEquals(List.of("vault"), issuer.audiences());
        assertEquals("GitHubToken[***, cached]", token.toString());
    }

    @Test
    void aLeasedTokenKeepsItsLease() throws Exception {
        vault.cached(ROLE, false);
        GitHubToken token = fetch();
        assertTrue(token.isLeased());
        assertTrue(token.leaseId().startsWith("github/token/" + ROLE + "/"), token.leaseId());
        assertEquals("GitHubToken[***, leased]", token.toString());
    }

    @Test
    void anExplicitRoleAndNamespaceAreUsed() throws Exception {
        vault.registerRole("token-policy-docs", OidcIssuer.DEFAULT_WORKFLOW_REF);
        vault.requireNamespace("admin/ci");
        TokenSettings settings = new TokenSettings(vault.address(), null, "token-policy-docs", "vault",
                "github-oidc", "github/token/{role}", "admin/ci", Duration.ofSeconds(5));
        GitHubToken token = fetch(job(), settings, null);
        assertTrue(tokens.isValid(token.value()));
        assertEquals(List.of("admin/ci", "admin/ci"), vault.receivedNamespaces());
    }

    @Test
    void withoutIdTokenPermissionNothingIsRequested() {
        Map<String, String> env = job();
        env.remove("ACTIONS_ID_TOKEN_REQUEST_URL");
        TokenFailure failure = failure(env, settings(vault.address(), null, Duration.ofSeconds(20)));
        assertEquals(Step.OIDC, failure.step());
        assertEquals("No GitHub token: requesting the GitHub Actions OIDC token failed: ACTIONS_ID_TOKEN_REQUEST_URL is"
                + " not set, so this job may not request an OIDC token; add `permissions: id-token: write` to the job"
                + " (or the workflow).", failure.getMessage());
        env = job();
        env.remove("ACTIONS_ID_TOKEN_REQUEST_TOKEN");
        assertTrue(failure(env, settings(vault.address(), null, Duration.ofSeconds(20))).getMessage()
                .contains("ACTIONS_ID_TOKEN_REQUEST_TOKEN is not set"));
        assertEquals(0, issuer.requestCount() + vault.requestCount());
    }

    @Test
    void anEmptyWorkflowRefIsATokenErrorNotAHashedEmptyString() {
        Map<String, String> env = job();
        env.put("GITHUB_WORKFLOW_REF", "");
        TokenFailure failure = failure(env, settings(vault.address(), null, Duration.ofSeconds(20)));
        assertEquals(Step.ROLE, failure.step());
        assertTrue(failure.getMessage().contains("set <vaultRole> (codex.vaultRole)"));
        assertEquals(0, issuer.requestCount());
    }

    @Test
    void anUnregisteredRoleFailsAtOnceWithTheFix() {
        Map<String, String> env = job();
        env.put("GITHUB_WORKFLOW_REF", "elastic/docs-example/.github/workflows/other.yml@refs/heads/main");
        issuer.claim("workflow_ref", env.get("GITHUB_WORKFLOW_REF"));
        TokenFailure failure = failure(env, settings(vault.address(), null, Duration.ofSeconds(20)));
        String role = VaultRole.fromWorkflowRef(env.get("GITHUB_WORKFLOW_REF")).orElseThrow();
        assertEquals("No GitHub token: logging in to Vault failed: Vault has no role '" + role + "' (HTTP 400: role \""
                + role + "\" could not be found); register the token policy for this workflow, or set <vaultRole>"
                + " (codex.vaultRole) to a registered role.", failure.getMessage());
        assertEquals(1, vault.requestCount());
    }

    @Test
    void aRoleBoundToAnotherWorkflowIsRejected() {
        vault.registerRole(ROLE, "elastic/docs-example/.github/workflows/release.yml@refs/heads/main");
        TokenFailure failure = failure();
        assertEquals(Step.LOGIN, failure.step());
        assertTrue(failure.getMessage().contains("Vault rejected the login for role '" + ROLE + "' (HTTP 400: error"
                + " validating claims"), failure.getMessage());
        assertEquals(1, vault.requestCount());
    }

    @Test
    void unavailableTwiceThenSuccess() throws Exception {
        vault.enqueueFault(Fault.status(503).on(Endpoint.LOGIN));
        vault.enqueueFault(Fault.status(503).on(Endpoint.LOGIN));
        assertTrue(tokens.isValid(fetch().value()));
        assertEquals(3, vault.requestCount(Endpoint.LOGIN));
        assertEquals(1, vault.requestCount(Endpoint.READ));
    }

    @Test
    void everyTransientFaultIsRetried() throws Exception {
        vault.enqueueFault(Fault.status(412).on(Endpoint.READ));
        vault.enqueueFault(Fault.status(500).on(Endpoint.READ));
        vault.enqueueFault(Fault.drop().on(Endpoint.LOGIN));
        assertTrue(tokens.isValid(fetch().value()));
        assertEquals(2, vault.requestCount(Endpoint.LOGIN));
        assertEquals(3, vault.requestCount(Endpoint.READ));
    }

    @Test
    void retryAfterOfATooManyRequestsIsHonoured() throws Exception {
        vault.enqueueFault(Fault.status(429).retryAfter(1).on(Endpoint.LOGIN));
        long started = System.nanoTime();
        fetch();
        assertTrue(System.nanoTime() - started >= 1_000_000_000L, "did not wait for Retry-After");
    }

    @Test
    void aSlowReplyTimesOutAndIsRetried() throws Exception {
        vault.enqueueFault(Fault.delay(Duration.ofSeconds(4)).on(Endpoint.LOGIN));
        assertTrue(tokens.isValid(fetch().value()));
        assertEquals(2, vault.requestCount(Endpoint.LOGIN));
    }

    @Test
    void deniedReadsAndMissingPathsFailAtOnce() {
        vault.enqueueFault(Fault.status(403).on(Endpoint.READ));
        TokenFailure denied = failure();
        assertEquals(Step.READ, denied.step());
        assertTrue(denied.getMessage().contains("Vault denied access to github/token/" + ROLE + " (HTTP 403"),
                denied.getMessage());
        vault.enqueueFault(Fault.status(404).on(Endpoint.LOGIN));
        TokenFailure missing = failure();
        assertTrue(missing.getMessage().contains("Vault has nothing at auth/github-oidc/login (HTTP 404"),
                missing.getMessage());
        assertTrue(missing.getMessage().contains("check <vaultAuthMount> (codex.vaultAuthMount)"));
    }

    @Test
    void anHtmlPageOrBrokenJsonIsNotVault() {
        vault.enqueueFault(Fault.html().on(Endpoint.LOGIN));
        assertTrue(failure().getMessage().contains("Vault's reply was not the JSON Vault sends; check that"
                + " <vaultAddress> (codex.vaultAddress) points at Vault itself"));
        vault.enqueueFault(Fault.malformedJson().on(Endpoint.READ));
        assertTrue(failure().getMessage().contains("Vault's reply was not the JSON Vault sends"));
        assertEquals(2, vault.requestCount(Endpoint.LOGIN), "a reply that is not Vault's was retried");
        assertEquals(1, vault.requestCount(Endpoint.READ), "a reply that is not Vault's was retried");
    }

    @Test
    void anUnreachableVaultGivesUpWithinTheBudget() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long started = System.nanoTime();
        TokenFailure failure = failure(job(), settings("http://127.0.0.1:" + closedPort, null, Duration.ofSeconds(3)));
        assertTrue(System.nanoTime() - started < 4_000_000_000L, "the retries exceeded the budget");
        assertTrue(failure.getMessage().startsWith("No GitHub token: logging in to Vault failed: Vault at"
                + " http://127.0.0.1:" + closedPort + " could not be reached: the connection was refused (gave up after "), failure.getMessage());
        assertTrue(failure.getMessage().endsWith("; check <vaultAddress> (codex.vaultAddress) or <vaultInstance>"
                + " (codex.vaultInstance), and the proxy settings in settings.xml."), failure.getMessage());
    }

    @Test
    void theOidcEndpointRefusingIsReported() {
        Map<String, String> env = job();
        env.put("ACTIONS_ID_TOKEN_REQUEST_TOKEN", "wrong");
        TokenFailure failure = failure(env, settings(vault.address(), null, Duration.ofSeconds(5)));
        assertEquals(Step.OIDC, failure.step());
        assertTrue(failure.getMessage().contains("the OIDC endpoint refused the request with HTTP 401"));
        assertEquals(1, issuer.requestCount(), "a refusal was retried");
    }

    @Test
    void aRedirectIsNotFollowedWithTheJwtOrTheVaultToken() throws Exception {
        HttpServer redirecting = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        redirecting.createContext("/", exchange -> {
            exchange.getResponseHeaders().set("Location", vault.address() + exchange.getRequestURI());
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        redirecting.start();
        try {
            TokenFailure failure = failure(job(), settings("http://127.0.0.1:" + redirecting.getAddress().getPort(),
                    null, Duration.ofSeconds(5)));
            assertTrue(failure.getMessage().contains("Vault answered HTTP 307"), failure.getMessage());
            assertEquals(0, vault.requestCount(), "the login was sent on to the redirect's target");
        } finally {
            redirecting.stop(0);
        }
    }

    @Test
    void aFailingOidcEndpointIsRetried() throws Exception {
        issuer.failNext(1, 503);
        assertTrue(tokens.isValid(fetch().value()));
        assertEquals(2, issuer.requestCount());
    }

    @Test
    void vaultOverTlsNeedsItsCertificateAuthority() throws Exception {
        VaultEmulator tls = VaultEmulator.startHttps(issuer, tokens, dir);
        closing.add(tls);
        tls.registerRole(ROLE, OidcIssuer.DEFAULT_WORKFLOW_REF);
        TokenSettings settings = settings(tls.address(), null, Duration.ofSeconds(5));
        assertTrue(tokens.isValid(fetch(job(), settings, tls.caCertificatePem()).value()));
        TokenFailure untrusted = assertThrows(TokenFailure.class, () -> fetch(job(), settings, null));
        assertTrue(untrusted.getMessage().contains("could not be reached over TLS"), untrusted.getMessage());
        assertTrue(untrusted.getMessage().endsWith("trust its certificate authority with <vaultCaCertificate>"
                + " (codex.vaultCaCertificate)."));
    }

    @Test
    void vaultOverTlsIsReachedThroughTheHttpProxyOfSettingsXml() throws Exception {
        VaultEmulator tls = VaultEmulator.startHttps(issuer, tokens, dir);
        closing.add(tls);
        tls.registerRole(ROLE, OidcIssuer.DEFAULT_WORKFLOW_REF);
        int vaultPort = java.net.URI.create(tls.address()).getPort();
        ConnectProxy proxy = ConnectProxy.start("127.0.0.1:" + vaultPort, vaultPort);
        closing.add(proxy);
        int proxyPort = java.net.URI.create(proxy.url()).getPort();
        // Only an http proxy, as most settings.xml files have: Maven uses it for https too, and so must the plugin.
        List<Proxy> proxies = List.of(new Proxy("http", "127.0.0.1", proxyPort, null, null, "localhost"));
        Map<String, String> env = job();
        env.put("ACTIONS_ID_TOKEN_REQUEST_URL", issuer.requestUrl().replace("127.0.0.1", "localhost"));

        GitHubToken token = fetch(env, settings(tls.address(), null, Duration.ofSeconds(5)), tls.caCertificatePem(),
                proxies);
        assertTrue(tokens.isValid(token.value()));
        // one tunnel, kept alive for both the login and the read; the OIDC host is in nonProxyHosts
        assertFalse(proxy.targets().isEmpty(), "Vault was reached without the proxy");
        assertTrue(proxy.targets().stream().allMatch(("127.0.0.1:" + vaultPort)::equals), proxy.targets().toString());
        assertEquals(1, tls.requestCount(Endpoint.LOGIN));
        assertEquals(1, tls.requestCount(Endpoint.READ));
        assertEquals(1, issuer.requestCount());
    }
}
