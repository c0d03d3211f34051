package io.github.codexdocs.codex.it;

import io.github.codexdocs.codex.testworld.GitHubApi;
import io.github.codexdocs.codex.testworld.GitHubTokenRegistry;
import io.github.codexdocs.codex.testworld.OidcIssuer;
import io.github.codexdocs.codex.testworld.VaultEmulator;
import io.github.codexdocs.codex.token.VaultRole;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The peers of a GitHub Actions job that fetches its token: the OIDC issuer, Vault with the job's role registered,
 * and the GitHub API, all on loopback for one test (or one benchmark run).
 */
public final class TokenWorld implements AutoCloseable {
    public static final String ROLE = VaultRole.fromWorkflowRef(OidcIssuer.DEFAULT_WORKFLOW_REF).orElseThrow();

    public final GitHubTokenRegistry tokens = new GitHubTokenRegistry();
    public final OidcIssuer issuer = OidcIssuer.start();
    public final VaultEmulator vault = VaultEmulator.start(issuer, tokens);
    public final GitHubApi github = GitHubApi.start(tokens);

    public TokenWorld() {
        vault.registerRole(ROLE, OidcIssuer.DEFAULT_WORKFLOW_REF);
    }

    /** Makes the scenario a push build in a GitHub Actions job with {@code id-token: write}, pointed at these peers. */
    public Scenario job(Scenario scenario) {
        return job(scenario, vault.address());
    }

    /** The same job with Vault at {@code vaultAddress} instead of this world's Vault (one that cannot be reached, say). */
    public Scenario job(Scenario scenario, String vaultAddress) {
        return jobWithoutIdToken(scenario, vaultAddress)
                .env("ACTIONS_ID_TOKEN_REQUEST_URL", issuer.requestUrl())
                .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", issuer.requestToken());
    }

    /** The same job without {@code id-token: write}: GitHub then sets no OIDC request variables. */
    public Scenario jobWithoutIdToken(Scenario scenario) {
        return jobWithoutIdToken(scenario, vault.address());
    }

    private Scenario jobWithoutIdToken(Scenario scenario, String vaultAddress) {
        return scenario.githubActions("push", "{}")
                .property("codex.vaultAddress", vaultAddress)
                .property("codex.githubApiUrl", github.url());
    }

    /** Every secret this world handed out or was given. */
    public List<String> secrets() {
        List<String> secrets = new ArrayList<>(issuer.issuedJwts());
        secrets.addAll(vault.clientTokens());
        for (String token : tokens.minted()) {
            secrets.add(token);
            // the form git receives it in, as an Authorization header
            secrets.add(Base64.getEncoder().encodeToString(("x-access-token:" + token).getBytes(StandardCharsets.UTF_8)));
        }
        secrets.add(issuer.requestToken());
        return secrets;
    }

    @Override
    public void close() {
        github.close();
        vault.close();
        issuer.close();
    }
}
