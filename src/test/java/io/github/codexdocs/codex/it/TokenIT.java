package io.github.codexdocs.codex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.codexdocs.codex.testworld.ForwardProxy;
import io.github.codexdocs.codex.testworld.OidcIssuer;
import io.github.codexdocs.codex.testworld.VaultEmulator.Endpoint;
import io.github.codexdocs.codex.testworld.VaultEmulator.Fault;
import io.github.codexdocs.codex.token.VaultRole;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.sonatype.plexus.components.cipher.DefaultPlexusCipher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** Real Maven builds in a simulated GitHub Actions job fetching the token from the loopback OIDC issuer and Vault. */
class TokenIT {
    private static final String NO_PERMISSION_WARNING = "No GitHub token: requesting the GitHub Actions OIDC token"
            + " failed: ACTIONS_ID_TOKEN_REQUEST_URL is not set, so this job may not request an OIDC token; add"
            + " `permissions: id-token: write` to the job (or the workflow).";
    private final TokenWorld world = new TokenWorld();

    @AfterEach
    void stopWorld() {
        world.close();
    }

    private static Scenario scenario(String name) {
        return Scenario.withStandIn(name);
    }

    private static JsonNode record(Scenario.Build build) throws IOException {
        return new ObjectMapper().readTree(build.directory().resolve("record.json").toFile());
    }

    private static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String onlyToken() {
        assertEquals(1, world.tokens.minted().size(), "tokens minted: " + world.tokens.minted().size());
        return world.tokens.minted().get(0);
    }

    @Test
    void theTokenReachesDocsBuilderInItsEnvironmentOnly() throws IOException {
        Scenario scenario = world.job(scenario("token-obtained"));
        Path summary = scenario.directory().resolve("step-summary.md");
        Scenario.Build build = scenario.env("VAULT_TOKEN", "hvs.a-vault-token-of-the-job")
                .env("GITHUB_STEP_SUMMARY", summary.toString())
                .run("codex:build").succeeded()
                .logContains("[INFO] Obtained a GitHub token from Vault with role " + TokenWorld.ROLE + " (cached).")
                .containsNoSecret(world.secrets());
        String markdown = Files.readString(summary);
        assertTrue(markdown.contains("| Vault role | " + TokenWorld.ROLE + " |"), markdown);
        assertTrue(markdown.contains("| GitHub token | obtained (cached) |"), markdown);
        String token = onlyToken();
        assertTrue(build.log().startsWith("::add-mask::" + token + "\n")
                        || build.log().contains("\n::add-mask::" + token + "\n"), "no mask line");
        assertTrue(build.log().indexOf("::add-mask::") < build.log().indexOf("Obtained a GitHub token"),
                "the token was masked after other output about it");
        JsonNode record = record(build);
        assertEquals(sha256(token), record.path("githubTokenSha256").asText());
        for (JsonNode arg : record.path("args")) {
            assertFalse(arg.asText().contains(token));
        }
        List<String> names = new java.util.ArrayList<>();
        record.path("envNames").forEach(n -> names.add(n.asText()));
        assertFalse(names.contains("ACTIONS_ID_TOKEN_REQUEST_URL"));
        assertFalse(names.contains("ACTIONS_ID_TOKEN_REQUEST_TOKEN"));
        assertFalse(names.contains("VAULT_TOKEN"));
        assertEquals(1, world.issuer.requestCount());
        assertEquals(2, world.vault.requestCount());
    }

    @Test
    void withALogFileTheMaskStillGoesToTheRunnerAndTheTokenNotToTheFile() throws IOException {
        Scenario scenario = world.job(scenario("token-obtained"));
        Path logFile = scenario.directory().resolve("maven-output.log");
        Scenario.Build build = scenario.argument("-l").argument(logFile.toString()).run("codex:build").succeeded();
        String token = onlyToken();
        assertTrue(build.log().contains("::add-mask::" + token + "\n"), "the mask did not reach standard output");
        String written = Files.readString(logFile);
        assertTrue(written.contains("Obtained a GitHub token from Vault"), written);
        assertFalse(written.contains(token), "the token is in the -l log file");
        build.containsNoSecret(world.secrets());
    }

    @Test
    void withoutIdTokenPermissionTheBuildWarnsAndRunsWithoutAToken() throws IOException {
        Scenario.Build build = world.jobWithoutIdToken(scenario("token-no-id-token-permission"))
                .env("GITHUB_TOKEN", "a-token-the-workflow-set-for-other-steps")
                .run("codex:build").succeeded()
                .logContains("[WARNING] " + NO_PERMISSION_WARNING + " docs-builder runs without a token (Vault role "
                        + TokenWorld.ROLE + ").")
                .logContains("::warning title=No GitHub token for docs-builder::" + NO_PERMISSION_WARNING)
                .logContains("Documentation built in ");
        assertEquals(1, build.log().split("\\[WARNING\\] No GitHub token", -1).length - 1, "exactly one warning");
        JsonNode record = record(build);
        assertTrue(record.path("githubTokenSha256").isNull());
        assertFalse(record.path("envNames").toString().contains("\"GITHUB_TOKEN\""));
        assertEquals(0, world.issuer.requestCount() + world.vault.requestCount());
    }

    @Test
    void withFailOnTokenErrorAJobWithoutPermissionFailsBeforeDocsBuilder() throws IOException {
        Scenario.Build build = world.jobWithoutIdToken(scenario("token-fail-on-error")).run("codex:build").failed()
                .logContains(NO_PERMISSION_WARNING + " (failOnTokenError is set)")
                .logLacks("Running ")
                .containsNoSecret(world.secrets());
        assertFalse(Files.exists(build.directory().resolve("record.json")));
    }

    @Test
    void anUnregisteredRoleWarnsWithTheFixOrFailsWhenAsked() throws IOException {
        world.vault.registerRole("token-policy-000000000000", OidcIssuer.DEFAULT_WORKFLOW_REF);
        world.issuer.claim("workflow_ref", "elastic/docs-example/.github/workflows/new.yml@refs/heads/main");
        String role = VaultRole.fromWorkflowRef("elastic/docs-example/.github/workflows/new.yml").orElseThrow();
        String message = "No GitHub token: logging in to Vault failed: Vault has no role '" + role + "' (HTTP 400: role \""
                + role + "\" could not be found); register the token policy for this workflow, or set <vaultRole>"
                + " (codex.vaultRole) to a registered role.";
        Scenario.Build warned = world.job(scenario("token-unregistered-role"))
                .env("GITHUB_WORKFLOW_REF", "elastic/docs-example/.github/workflows/new.yml@refs/heads/main")
                .run("codex:build").succeeded()
                .logContains("[WARNING] " + message + " docs-builder runs without a token.")
                .containsNoSecret(world.secrets());
        assertTrue(record(warned).path("githubTokenSha256").isNull());
        assertEquals(1, world.vault.requestCount(Endpoint.LOGIN), "a role that cannot exist was retried");

        world.job(scenario("token-unregistered-role"))
                .env("GITHUB_WORKFLOW_REF", "elastic/docs-example/.github/workflows/new.yml@refs/heads/main")
                .property("codex.failOnTokenError", "true")
                .run("codex:build").failed()
                .logContains(message + " (failOnTokenError is set)")
                .logLacks("Running ")
                .containsNoSecret(world.secrets());
    }

    @Test
    void vaultUnavailableTwiceThenTheTokenIsFetched() throws IOException {
        world.vault.enqueueFault(Fault.status(503).on(Endpoint.LOGIN));
        world.vault.enqueueFault(Fault.status(503).on(Endpoint.LOGIN));
        Scenario.Build build = world.job(scenario("token-vault-retry")).run("codex:build").succeeded()
                .logContains("Obtained a GitHub token from Vault")
                .logLacks("[WARNING]")
                .containsNoSecret(world.secrets());
        assertEquals(3, world.vault.requestCount(Endpoint.LOGIN));
        assertEquals(sha256(onlyToken()), record(build).path("githubTokenSha256").asText());
    }

    @Test
    void byDefaultNothingIsRevoked() {
        world.vault.cached(TokenWorld.ROLE, false);
        world.job(scenario("token-revoke-off")).run("codex:build").succeeded()
                .logLacks("Revoked the GitHub token")
                .logLacks("not revoked");
        assertEquals(0, world.github.revokeRequestCount());
        assertTrue(world.tokens.isValid(onlyToken()));
    }

    @Test
    void aLeasedTokenIsRevokedAfterDocsBuilder() {
        world.vault.cached(TokenWorld.ROLE, false);
        world.job(scenario("token-revoke-leased")).run("codex:build").succeeded()
                .logContains("[INFO] Revoked the GitHub token.");
        assertEquals(List.of(onlyToken()), world.github.revokedTokens());
        assertFalse(world.tokens.isValid(onlyToken()));
    }

    @Test
    void aLeasedTokenIsRevokedAfterAFailingDocsBuilderToo() {
        world.vault.cached(TokenWorld.ROLE, false);
        world.job(scenario("token-revoke-leased")).env("STANDIN_ERRORS", "1").run("codex:build").failed()
                .logContains("docs-builder failed with exit code 1")
                .logContains("[INFO] Revoked the GitHub token.");
        assertEquals(1, world.github.revokeRequestCount());
        assertFalse(world.tokens.isValid(onlyToken()));
    }

    @Test
    void aCachedSharedTokenIsNotRevoked() {
        world.job(scenario("token-revoke-cached")).run("codex:build").succeeded()
                .logContains("[INFO] The GitHub token comes from a cached policy shared with other workflows (no lease),"
                        + " so it is not revoked.");
        assertEquals(0, world.github.revokeRequestCount());
        assertTrue(world.tokens.isValid(onlyToken()));
    }

    @Test
    void threeModulesShareOneToken() {
        world.vault.cached(TokenWorld.ROLE, false);
        Scenario.Build build = world.job(scenario("token-multi-module")).run("site").succeeded();
        assertEquals(1, world.issuer.requestCount());
        assertEquals(1, world.vault.requestCount(Endpoint.LOGIN));
        assertEquals(1, world.vault.requestCount(Endpoint.READ));
        assertEquals(2, build.log().split("Reusing this build's GitHub token", -1).length - 1);
        for (String module : List.of("guide", "reference", "tutorials")) {
            assertTrue(Files.isRegularFile(build.directory().resolve(module + "/target/docs/html/links.json")), module);
        }
        assertEquals(1, world.github.revokeRequestCount(), "revoked once, after the last module");
        assertTrue(build.log().lastIndexOf("Revoked the GitHub token.") > build.log().lastIndexOf("Running "));
    }

    @Test
    void threeModulesInParallelShareOneToken() {
        Scenario.Build build = world.job(scenario("token-multi-module")).threads(3).run("site").succeeded();
        assertEquals(1, world.issuer.requestCount());
        assertEquals(2, world.vault.requestCount());
        for (String module : List.of("guide", "reference", "tutorials")) {
            assertTrue(Files.isRegularFile(build.directory().resolve(module + "/target/docs/html/links.json")), module);
        }
    }

    @Test
    void aDebugBuildLeavesNoSecretAnywhere() throws IOException {
        world.vault.cached(TokenWorld.ROLE, false);
        world.job(scenario("token-debug-no-secrets")).property("codex.skipTokenRevoke", "false").debug()
                .run("codex:build").succeeded()
                .logContains("[DEBUG]")
                .logContains("Revoked the GitHub token.")
                .containsNoSecret(world.secrets());
    }

    @Test
    void theTokenFetchGoesThroughTheProxyOfSettingsXmlWithItsCredentials() throws IOException {
        try (ForwardProxy proxy = ForwardProxy.start()) {
            proxy.requireCredentials("proxy-user", "proxy-password");
            Scenario.Build build = world.job(scenario("token-obtained"))
                    .httpProxy("127.0.0.1", proxy.proxyPort(), null, "proxy-user", "proxy-password")
                    .run("codex:build").succeeded()
                    .logContains("Obtained a GitHub token from Vault")
                    .logLacks("proxy-password");
            assertEquals(sha256(onlyToken()), record(build).path("githubTokenSha256").asText());
            List<String> through = proxy.requested();
            assertTrue(through.stream().anyMatch(u -> u.startsWith(world.issuer.requestUrl())), through.toString());
            assertTrue(through.contains(world.vault.address() + "/v1/auth/github-oidc/login"), through.toString());
            assertTrue(through.contains(world.vault.address() + "/v1/github/token/" + TokenWorld.ROLE), through.toString());
        }
    }

    @Test
    void anEncryptedProxyPasswordIsDecryptedAndAnUndecryptableOneFailsTheGoal() throws Exception {
        DefaultPlexusCipher cipher = new DefaultPlexusCipher();
        try (ForwardProxy proxy = ForwardProxy.start()) {
            proxy.requireCredentials("proxy-user", "proxy-password");
            Scenario scenario = world.job(scenario("token-obtained"));
            Path security = scenario.directory().resolve("settings-security.xml");
            Files.writeString(security, "<settingsSecurity><master>"
                    + cipher.encryptAndDecorate("it-master-password", "settings.security") + "</master></settingsSecurity>");
            scenario.property("settings.security", security.toString())
                    .httpProxy("127.0.0.1", proxy.proxyPort(), null, "proxy-user",
                            cipher.encryptAndDecorate("proxy-password", "it-master-password"))
                    .run("codex:build").succeeded()
                    .logContains("Obtained a GitHub token from Vault")
                    .logLacks("proxy-password");
            assertTrue(proxy.requested().contains(world.vault.address() + "/v1/auth/github-oidc/login"),
                    proxy.requested().toString());
        }
        world.job(scenario("token-obtained"))
                .property("settings.security", "/nonexistent/settings-security.xml")
                .httpProxy("127.0.0.1", 9, null, "proxy-user", "{bm90IGVuY3J5cHRlZCB3aXRoIGFueSBtYXN0ZXI=}")
                .run("codex:build").failed()
                .logContains("The password of proxy 'proxy-9' in settings.xml could not be decrypted; check"
                        + " settings-security.xml.")
                .logLacks("Running ");
    }

    @Test
    void hostsInNonProxyHostsAreReachedDirectly() {
        try (ForwardProxy proxy = ForwardProxy.start()) {
            world.job(scenario("token-obtained")).httpProxy("127.0.0.1", proxy.proxyPort(), "localhost|127.0.0.*")
                    .run("codex:build").succeeded()
                    .logContains("Obtained a GitHub token from Vault");
            assertEquals(List.of(), proxy.requested());
        }
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void anInterruptedBuildStopsDocsBuildersTreeAndRevokesItsLeasedToken() throws Exception {
        world.vault.cached(TokenWorld.ROLE, false);
        Scenario scenario = world.job(scenario("interrupted")).property("codex.skipTokenRevoke", "false")
                .env("STANDIN_SLEEP_SECONDS", "300").env("STANDIN_SPAWN_CHILD", "1");
        Path record = scenario.directory().resolve("record.json");
        Process maven = scenario.start("codex:build");
        try {
            Path childPid = Path.of(record + ".child-pid");
            for (int i = 0; i < 600 && !Files.exists(childPid) && maven.isAlive(); i++) {
                Thread.sleep(100);
            }
            assertTrue(Files.exists(childPid), "docs-builder did not start:\n"
                    + Files.readString(scenario.directory().resolve("build.log")));
            new ProcessBuilder("kill", "-INT", Long.toString(maven.pid())).start().waitFor(); // Ctrl+C
            assertTrue(maven.waitFor(60, TimeUnit.SECONDS), "Maven did not stop");
            for (String suffix : List.of(".pid", ".child-pid")) {
                long pid = Long.parseLong(Files.readString(Path.of(record + suffix)).trim());
                assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), suffix + " survived");
            }
            assertEquals(List.of(onlyToken()), world.github.revokedTokens());
        } finally {
            maven.destroyForcibly();
        }
    }

    @Test
    void mistakesInTheVaultSettingsOnlyWarnInGitHubActionsAndAreIgnoredElsewhere() throws IOException {
        scenario("token-misconfigured").property("codex.vaultInstance", "ci-qa").run("codex:build").succeeded()
                .logLacks("[WARNING]");
        world.job(scenario("token-misconfigured")).property("codex.vaultAddress", "").property("codex.vaultInstance",
                "ci-qa").run("codex:build").succeeded()
                .logContains("[WARNING] No GitHub token: reading the Vault settings failed: <vaultInstance> 'ci-qa' is"
                        + " unknown; use ci-prod or ci-dev, or set <vaultAddress> (codex.vaultAddress).");
        Scenario scenario = world.job(scenario("token-misconfigured"));
        Path notPem = scenario.directory().resolve("not-a-certificate.pem");
        Files.writeString(notPem, "not a certificate");
        scenario.property("codex.vaultCaCertificate", notPem.toString()).run("codex:build").succeeded()
                .logContains("[WARNING] No GitHub token: reading the Vault settings failed: the certificates in "
                        + notPem + " could not be read; point <vaultCaCertificate> (codex.vaultCaCertificate) at a PEM"
                        + " file of X.509 certificates.")
                .logContains("Documentation built in ");
        assertEquals(0, world.issuer.requestCount());
    }

    @Test
    void twoExecutionsInOneModuleShareOneTokenRevokedAfterTheLast() {
        world.vault.cached(TokenWorld.ROLE, false);
        Scenario.Build build = world.job(scenario("token-two-executions")).run("site").succeeded()
                .logContains("Reusing this build's GitHub token");
        assertEquals(1, world.tokens.minted().size());
        assertEquals(world.tokens.minted(), world.github.revokedTokens());
        assertTrue(build.log().indexOf("Revoked the GitHub token.") > build.log().lastIndexOf("Running "));
    }

    @Test
    void anExecutionAfterTheRevocationGetsAFreshToken() {
        world.vault.cached(TokenWorld.ROLE, false);
        // two bound executions are expected; the command-line one comes after the token was revoked
        Scenario.Build build = world.job(scenario("token-two-executions")).run("site", "codex:build").succeeded();
        assertEquals(3, build.log().split("Documentation built in ", -1).length - 1);
        assertEquals(2, world.tokens.minted().size());
        assertEquals(world.tokens.minted(), world.github.revokedTokens());
    }

    @Test
    void outsideGitHubActionsNoTokenIsFetched() throws IOException {
        Scenario.Build build = scenario("token-outside-actions")
                .env("ACTIONS_ID_TOKEN_REQUEST_URL", world.issuer.requestUrl())
                .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", world.issuer.requestToken())
                .property("codex.vaultAddress", world.vault.address())
                .run("codex:build").succeeded()
                .logContains("[INFO] Not running in GitHub Actions: no GitHub token is fetched, docs-builder reaches"
                        + " the link index over SSH.")
                .containsNoSecret(world.secrets());
        assertEquals(0, world.issuer.requestCount() + world.vault.requestCount());
        assertTrue(record(build).path("githubTokenSha256").isNull());
    }
}
