package io.github.codexdocs.codex.token;

import io.github.codexdocs.codex.BuildLog;
import io.github.codexdocs.codex.CodexException;
import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.ci.WorkflowCommands;
import io.github.codexdocs.codex.http.HttpClients;
import io.github.codexdocs.codex.http.HttpSettings;
import java.io.IOException;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/**
 * The token step of one {@code codex:build}: fetch the token (once per session), say what happened, stop the build
 * when the user asked for that, and revoke the token after docs-builder when the user asked for that.
 */
public final class BuildToken {
    /** What to do with the token beyond fetching it. */
    public record Policy(boolean failOnTokenError, boolean skipTokenRevoke, String githubApiUrl) {
    }

    private final BuildLog log;
    private final GitHubActions actions;
    private final TokenSettings settings;
    private final HttpSettings http;
    private final Policy policy;
    private final SessionToken session;

    public BuildToken(BuildLog log, GitHubActions actions, TokenSettings settings, HttpSettings http, Policy policy,
                      SessionToken session) {
        this.log = log;
        this.actions = actions;
        this.settings = settings;
        this.http = http;
        this.policy = policy;
        this.session = session;
    }

    /** The token for docs-builder, if one could be had; throws when none could and failOnTokenError is set. */
    public TokenOutcome obtain() {
        if (!actions.isActive()) {
            log.info("Not running in GitHub Actions: no GitHub token is fetched, docs-builder reaches the link index"
                    + " over SSH.");
            return TokenOutcome.notAttempted();
        }
        boolean[] fetchedHere = {false};
        TokenOutcome outcome = session.obtain(() -> {
            fetchedHere[0] = true;
            TokenOutcome fetched = fetch();
            // Before any other execution of the session (-T) can use the token and docs-builder print it.
            fetched.token().ifPresent(token -> log.raw(WorkflowCommands.addMask(token.value())));
            return fetched;
        });
        if (outcome.failure() != null) {
            String message = outcome.failure().getMessage();
            if (policy.failOnTokenError()) {
                throw new CodexException(message + " (failOnTokenError is set)");
            }
            if (fetchedHere[0]) {
                String role = outcome.role() == null || message.contains(outcome.role()) ? ""
                        : " (Vault role " + outcome.role() + ")";
                log.warn(message + " docs-builder runs without a token" + role + ".");
                log.raw(WorkflowCommands.warning("No GitHub token for docs-builder", message));
            } else {
                log.info("No GitHub token for this build (see the warning above).");
            }
            return outcome;
        }
        if (fetchedHere[0]) {
            log.info("Obtained a GitHub token from Vault with role " + outcome.role() + " ("
                    + (outcome.token().orElseThrow().isLeased() ? "leased" : "cached") + ").");
            if (!policy.skipTokenRevoke() && outcome.token().orElseThrow().isLeased()) {
                revokeOnExit(outcome.token().orElseThrow());
            }
        } else {
            log.info("Reusing this build's GitHub token from Vault role " + outcome.role() + ".");
        }
        return outcome;
    }

    /** Called once docs-builder has ended, whatever its result. */
    public void release(TokenOutcome outcome) {
        if (!actions.isActive()) {
            return;
        }
        boolean last = session.finishUse();
        if (outcome.token().isEmpty()) {
            return;
        }
        GitHubToken token = outcome.token().get();
        if (policy.skipTokenRevoke() || !last) {
            return;
        }
        if (!token.isLeased()) {
            log.info("The GitHub token comes from a cached policy shared with other workflows (no lease), so it is"
                    + " not revoked.");
            return;
        }
        if (session.claimRevocation(token)) {
            revoke(token);
        }
    }

    private TokenOutcome fetch() {
        String role = null;
        try {
            role = TokenFetcher.role(settings, actions);
            log.debug("Fetching a GitHub token: Vault " + settings.vaultUri() + (settings.namespace() == null ? ""
                    : " (namespace " + settings.namespace() + ")") + ", role " + role + ", auth/" + settings.authMount()
                    + ", " + settings.secretPathFor(role) + ", audience " + settings.audience() + ", retry budget "
                    + settings.retryBudget().toSeconds() + " s.");
            CloseableHttpClient client = HttpClients.create(http);
            try {
                return TokenOutcome.obtained(new TokenFetcher(client, settings).fetch(actions, role), role);
            } finally {
                close(client);
            }
        } catch (TokenFailure failure) {
            return TokenOutcome.failed(failure, role);
        } catch (CodexException unreadableCertificates) {
            return TokenOutcome.failed(TokenFailure.permanent(TokenFailure.Step.CONFIGURATION, "the certificates in "
                    + http.extraTrustedCertificates() + " could not be read", "point <vaultCaCertificate>"
                    + " (codex.vaultCaCertificate) at a PEM file of X.509 certificates"), role);
        }
    }

    private void close(CloseableHttpClient client) {
        try {
            client.close();
        } catch (IOException closing) {
            log.debug("Closing an HTTP client failed: " + closing.getMessage());
        }
    }

    /** A build stopped before its last module (Ctrl+C, a failure) still revokes the token it owns. */
    private void revokeOnExit(GitHubToken token) {
        session.revokeOnExit(new Thread(() -> {
            if (session.claimRevocation(token)) {
                revoke(token);
            }
        }, "codex-revoke-github-token"));
    }

    private void revoke(GitHubToken token) {
        CloseableHttpClient client = HttpClients.create(http);
        try {
            new GitHubTokenRevoker(client, policy.githubApiUrl(), log).revoke(token);
        } finally {
            close(client);
        }
    }
}
