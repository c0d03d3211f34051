package io.github.codexdocs.codex.token;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.http.HttpClients;
import io.github.codexdocs.codex.http.HttpSettings;
import io.github.codexdocs.codex.testworld.GitHubTokenRegistry;
import io.github.codexdocs.codex.testworld.OidcIssuer;
import io.github.codexdocs.codex.testworld.VaultEmulator;
import io.github.codexdocs.codex.token.TokenCheckup.Finding;
import io.github.codexdocs.codex.token.TokenCheckup.Status;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TokenCheckupTest {
    private static final String ROLE = VaultRole.fromWorkflowRef(OidcIssuer.DEFAULT_WORKFLOW_REF).orElseThrow();
    private final GitHubTokenRegistry tokens = new GitHubTokenRegistry();
    private final OidcIssuer issuer = OidcIssuer.start();
    private final VaultEmulator vault = VaultEmulator.start(issuer, tokens);

    @AfterEach
    void stop() {
        vault.close();
        issuer.close();
    }

    private Map<String, String> job() {
        return issuer.jobEnvironment();
    }

    private List<Finding> checkup(Map<String, String> env, String address) throws IOException {
        return checkup(env, address, "github-oidc");
    }

    private List<Finding> checkup(Map<String, String> env, String address, String authMount) throws IOException {
        List<Finding> findings = new ArrayList<>();
        TokenSettings settings = new TokenSettings(address, null, null, "vault", authMount,
                "github/token/{role}", null, Duration.ofSeconds(5));
        try (CloseableHttpClient http = HttpClients.create(new HttpSettings(List.of(), Duration.ofSeconds(2),
                Duration.ofSeconds(2), null))) {
            new TokenCheckup(http, settings, new GitHubActions(env)).run(findings::add);
        }
        String all = findings.toString();
        List<String> secrets = new ArrayList<>(issuer.issuedJwts());
        secrets.addAll(vault.clientTokens());
        secrets.addAll(tokens.minted());
        secrets.add(issuer.requestToken());
        secrets.forEach(secret -> assertFalse(all.contains(secret), "a secret in the checkup: " + all));
        return findings;
    }

    private static List<Status> statuses(List<Finding> findings) {
        return findings.stream().map(Finding::status).toList();
    }

    @Test
    void aHealthyJobPassesEveryCheck() throws IOException {
        vault.registerRole(ROLE, OidcIssuer.DEFAULT_WORKFLOW_REF);
        vault.cached(ROLE, false);
        List<Finding> findings = checkup(job(), vault.address());
        assertEquals(List.of(Status.OK, Status.OK, Status.OK, Status.OK, Status.OK, Status.OK), statuses(findings));
        assertEquals("[OK] Vault role: " + ROLE + " (derived from GITHUB_WORKFLOW_REF " + OidcIssuer.DEFAULT_WORKFLOW_REF
                + ")", findings.get(1).toString());
        assertEquals("[OK] OIDC token: issued; repository=elastic/docs-example, workflow_ref="
                + OidcIssuer.DEFAULT_WORKFLOW_REF + ", ref=refs/heads/main, aud=vault", findings.get(2).toString());
        assertTrue(findings.get(3).detail().startsWith("reachable at " + vault.address()), findings.get(3).detail());
        String token = findings.get(5).toString();
        assertTrue(token.startsWith("[OK] GitHub token: readable at github/token/" + ROLE
                + "; lease_id present (leased to this job); expires at 20"), token);
        assertTrue(token.endsWith("; permissions {contents=read}; repositories codex-link-index"), token);
    }

    @Test
    void aSettingThatMakesNoUrlFailsItsCheckWithTheFix() throws IOException {
        vault.registerRole(ROLE, OidcIssuer.DEFAULT_WORKFLOW_REF);
        List<Finding> findings = checkup(job(), vault.address(), "github oidc");
        assertEquals(List.of(Status.OK, Status.OK, Status.OK, Status.OK, Status.FAILED, Status.SKIPPED),
                statuses(findings));
        assertEquals("[FAILED] Vault login: the Vault settings or ACTIONS_ID_TOKEN_REQUEST_URL do not make a valid URL;"
                + " fix: check <vaultAddress>, <vaultAuthMount>, <vaultSecretPath> and <vaultRole> for spaces or other"
                + " characters a URL cannot hold", findings.get(4).toString());
    }

    @Test
    void withoutIdTokenPermissionTheOidcCheckFailsWithTheFix() throws IOException {
        Map<String, String> env = job();
        env.remove("ACTIONS_ID_TOKEN_REQUEST_URL");
        List<Finding> findings = checkup(env, vault.address());
        assertEquals(List.of(Status.OK, Status.OK, Status.FAILED, Status.SKIPPED, Status.SKIPPED, Status.SKIPPED),
                statuses(findings));
        assertEquals("[FAILED] OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL is not set, so this job may not request an"
                + " OIDC token; fix: add `permissions: id-token: write` to the job (or the workflow)",
                findings.get(2).toString());
    }

    @Test
    void anUnregisteredRoleFailsTheLogin() throws IOException {
        List<Finding> findings = checkup(job(), vault.address());
        assertEquals(Status.FAILED, findings.get(4).status());
        assertTrue(findings.get(4).detail().startsWith("Vault has no role '" + ROLE + "'"), findings.get(4).detail());
        assertEquals(Status.SKIPPED, findings.get(5).status());
    }

    @Test
    void anUnreachableVaultFailsItsCheck() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<Finding> findings = checkup(job(), "http://127.0.0.1:" + port);
        assertEquals(List.of(Status.OK, Status.OK, Status.OK, Status.FAILED, Status.SKIPPED, Status.SKIPPED),
                statuses(findings));
        assertTrue(findings.get(3).detail().contains("could not be reached: the connection was refused"), findings.get(3).detail());
    }

    @Test
    void anEmptyWorkflowRefFailsTheRoleCheck() throws IOException {
        Map<String, String> env = job();
        env.remove("GITHUB_WORKFLOW_REF");
        List<Finding> findings = checkup(env, vault.address());
        assertEquals(Status.FAILED, findings.get(1).status());
        assertTrue(findings.get(1).detail().endsWith("fix: set <vaultRole> (codex.vaultRole)"));
        assertEquals(0, issuer.requestCount());
    }

    @Test
    void outsideGitHubActionsThereIsNothingToCheck() throws IOException {
        List<Finding> findings = checkup(Map.of(), vault.address());
        assertEquals(List.of(Status.SKIPPED), statuses(findings));
        assertEquals(0, issuer.requestCount() + vault.requestCount());
    }
}
