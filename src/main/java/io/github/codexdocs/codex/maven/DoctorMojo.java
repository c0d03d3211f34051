package io.github.codexdocs.codex.maven;

import io.github.codexdocs.codex.CodexException;
import io.github.codexdocs.codex.DocsBuild;
import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.docsbuilder.ExecutableLocator;
import io.github.codexdocs.codex.http.HttpClients;
import io.github.codexdocs.codex.http.Proxy;
import io.github.codexdocs.codex.token.GitHubToken;
import io.github.codexdocs.codex.token.GitHubTokenRevoker;
import io.github.codexdocs.codex.token.TokenCheckup;
import io.github.codexdocs.codex.token.TokenCheckup.Finding;
import io.github.codexdocs.codex.token.TokenCheckup.Status;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.inject.Inject;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Builds nothing, and answers: would {@code codex:build} get its GitHub token and run here, and if not, why?
 *
 * <p>One line per check, in order: GitHub Actions detected; the Vault role (configured, or derived from the workflow);
 * the job's OIDC token and the claims Vault binds on (repository, workflow_ref, ref, aud); Vault reachable; the Vault
 * login; the GitHub token read (lease, expiry, permissions and repositories, never the token); docs-builder resolved;
 * git on {@code PATH}. A failed check says how to fix it. The goal fails when a check fails and
 * {@code failOnTokenError} is set. A token that Vault leased to this job is revoked right away through
 * {@code githubApiUrl}; a cached, shared one is left alone.
 */
@Mojo(name = "doctor", requiresProject = false, threadSafe = true)
public class DoctorMojo extends AbstractCodexMojo {

    @Inject
    public DoctorMojo(SettingsDecrypter settingsDecrypter) {
        super(settingsDecrypter);
    }

    @Override
    public void execute() throws MojoFailureException {
        MavenBuildLog log = new MavenBuildLog(getLog(), workflowCommandOutput());
        Map<String, String> environment = System.getenv();
        List<Finding> findings = new ArrayList<>();
        try {
            List<Proxy> proxies = proxies();
            checkToken(findings, log, environment, proxies);
            Path base = Path.of(session.getExecutionRootDirectory());
            String osName = System.getProperty("os.name", "");
            check(findings, "docs-builder", () -> DocsBuild.resolveExecutable(executable, base, environment, osName,
                    installer(log, proxies)).describe());
            check(findings, "git", () -> ExecutableLocator.forOs(environment, osName)
                    .onPath("git").map(Path::toString).orElseThrow(() -> new CodexException("git was not found on"
                            + " PATH; install git: docs-builder runs it to fetch the codex link index.")));
        } catch (CodexException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
        List<String> failed = findings.stream().filter(f -> f.status() == Status.FAILED).map(Finding::check).toList();
        if (failed.isEmpty()) {
            getLog().info("codex:build would get what it needs here.");
        } else if (failOnTokenError) {
            throw new MojoFailureException("codex:doctor found failing checks (" + String.join(", ", failed)
                    + "); apply the fixes above.");
        } else {
            getLog().warn("codex:doctor found failing checks (" + String.join(", ", failed) + "); apply the fixes"
                    + " above.");
        }
    }

    /** The checks of the token fetch; a token leased to this job is revoked, being of no further use. */
    private void checkToken(List<Finding> findings, MavenBuildLog log, Map<String, String> environment,
                            List<Proxy> proxies) {
        Consumer<Finding> reporting = finding -> {
            findings.add(finding);
            report(finding);
        };
        CloseableHttpClient http;
        try {
            http = HttpClients.create(tokenHttpSettings(proxies));
        } catch (CodexException unreadableCertificates) {
            reporting.accept(new Finding("Vault settings", Status.FAILED, unreadableCertificates.getMessage()));
            return;
        }
        try (http) {
            new TokenCheckup(http, tokenSettings(), new GitHubActions(environment)).run(reporting)
                    .filter(GitHubToken::isLeased)
                    .ifPresent(leased -> new GitHubTokenRevoker(http, githubApiUrl, log).revoke(leased));
        } catch (IOException closing) {
            getLog().debug("Closing the HTTP client failed: " + closing.getMessage());
        }
    }

    private interface Resolution {
        String path();
    }

    private void check(List<Finding> findings, String name, Resolution resolution) {
        Finding finding;
        try {
            finding = new Finding(name, Status.OK, resolution.path());
        } catch (CodexException e) {
            finding = new Finding(name, Status.FAILED, e.getMessage());
        }
        findings.add(finding);
        report(finding);
    }

    private void report(Finding finding) {
        if (finding.status() == Status.FAILED) {
            getLog().warn(finding.toString());
        } else {
            getLog().info(finding.toString());
        }
    }
}
