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
 * and the GitHub API, all on loopback for one test.
 */
final class TokenWorld implements AutoCloseable {
    static final String ROLE = VaultRole.fromWorkflowRef(OidcIssuer.DEFAULT_WORKFLOW_REF).orElseThrow();

    final GitHubTokenRegistry tokens = new GitHubTokenRegistry();
    final OidcIssuer issuer = OidcIssuer.start();
    final VaultEmulator vault = VaultEmulator.start(issuer, tokens);
    final GitHubApi github = GitHubApi.start(tokens);

    TokenWorld() {
        vault.registerRole(ROLE, OidcIssuer.DEFAULT_WORKFLOW_REF);
    }

    /** Makes the scenario a push build in a GitHub Actions job with {@code id-token: write}, pointed at these peers. */
    Scenario job(Scenario scenario) {
        return jobWithoutIdToken(scenario)
                .env("ACTIONS_ID_TOKEN_REQUEST_URL", issuer.requestUrl())
                .env("ACTIONS_ID_TOKEN_REQUEST_TOKEN", issuer.requestToken());
    }

    /** The same job without {@code id-token: write}: GitHub then sets no OIDC request variables. */
    Scenario jobWithoutIdToken(Scenario scenario) {
        return scenario.githubActions("push", "{}")
                .property("codex.vaultAddress", vault.address())
                .property("codex.githubApiUrl", github.url());
    }

    /** Every secret this world handed out or was given. */
    List<String> secrets() {
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
