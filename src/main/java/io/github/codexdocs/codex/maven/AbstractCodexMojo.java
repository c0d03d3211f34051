package io.github.codexdocs.codex.maven;

import io.github.codexdocs.codex.docsbuilder.install.DocsBuilderInstaller;
import io.github.codexdocs.codex.docsbuilder.install.InstallSettings;
import io.github.codexdocs.codex.http.HttpSettings;
import io.github.codexdocs.codex.http.Proxy;
import io.github.codexdocs.codex.token.TokenSettings;
import java.io.File;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/** The parameters the goals share: where docs-builder comes from, and how the GitHub token is fetched. */
public abstract class AbstractCodexMojo extends AbstractMojo {

    /**
     * The docs-builder to run: an absolute path, a path relative to the working directory, or a bare name that is
     * looked up on {@code PATH}. When not set, the plugin installs the release {@code docsBuilderVersion} for this
     * platform into {@code docsBuilderCacheDirectory} and runs that; when set, nothing is installed.
     */
    @Parameter(property = "codex.executable")
    protected String executable;
    /**
     * The docs-builder release to install when {@code executable} is not set, e.g. {@code 1.41.0}, or {@code latest}
     * for the newest release. {@code latest} is resolved on each online build by requesting
     * {@code <docsBuilderDownloadUrl without /download>/latest} and reading the version from the release tag it
     * redirects to; the resolved version is the one installed, cached and logged.
     */
    @Parameter(property = "codex.docsBuilderVersion", defaultValue = "1.41.0")
    protected String docsBuilderVersion;
    /**
     * Where docs-builder releases are downloaded from: {@code <docsBuilderDownloadUrl>/<version>/docs-builder-<os>-<arch>.zip}
     * with the platforms {@code linux-x64}, {@code mac-arm64}, {@code mac-x64} and {@code win-x64}. Point it at an
     * internal mirror that keeps the same layout when GitHub is not reachable.
     */
    @Parameter(property = "codex.docsBuilderDownloadUrl",
            defaultValue = "https://github.com/elastic/docs-builder/releases/download")
    protected String docsBuilderDownloadUrl;
    /**
     * The SHA-256 (64 hex digits) of the release zip for this platform; when set, a download with another SHA-256
     * fails the build before anything is extracted. Not checked when empty.
     */
    @Parameter(property = "codex.docsBuilderSha256")
    protected String docsBuilderSha256;
    /**
     * Where installed docs-builder releases are kept, one folder per version and platform; by default
     * {@code io/github/codexdocs/docs-builder} in the local Maven repository, so they survive {@code mvn clean}.
     */
    @Parameter(property = "codex.docsBuilderCacheDirectory")
    protected File docsBuilderCacheDirectory;
    /** The connect and read timeout of each request that installs docs-builder, in seconds. */
    @Parameter(property = "codex.docsBuilderRequestTimeout", defaultValue = "30")
    protected int docsBuilderRequestTimeout;
    /**
     * Vault's address, e.g. {@code https://vault.example.com}. When not set, {@code vaultInstance} chooses it.
     */
    @Parameter(property = "codex.vaultAddress")
    protected String vaultAddress;
    /**
     * The Elastic CI Vault to use when {@code vaultAddress} is not set: {@code ci-prod}
     * ({@code https://vault-ci-prod.elastic.dev}) or {@code ci-dev} ({@code https://vault-ci.dev.elastic.dev}).
     */
    @Parameter(property = "codex.vaultInstance", defaultValue = "ci-prod")
    protected String vaultInstance;
    /**
     * The Vault role to log in with. When not set it is derived from the workflow that runs the build:
     * {@code token-policy-} and the first 12 hex characters of the SHA-256 of {@code GITHUB_WORKFLOW_REF} up to its
     * {@code @}.
     */
    @Parameter(property = "codex.vaultRole")
    protected String vaultRole;
    /** The audience of the GitHub Actions OIDC token that Vault expects. */
    @Parameter(property = "codex.oidcAudience", defaultValue = "vault")
    protected String oidcAudience;
    /** Where Vault's JWT auth method is mounted (the part after {@code auth/}). */
    @Parameter(property = "codex.vaultAuthMount", defaultValue = "github-oidc")
    protected String vaultAuthMount;
    /** The Vault path of the GitHub token; {@code {role}} stands for the role. */
    @Parameter(property = "codex.vaultSecretPath", defaultValue = "github/token/{role}")
    protected String vaultSecretPath;
    /** The Vault namespace, sent as {@code X-Vault-Namespace}; none when not set. */
    @Parameter(property = "codex.vaultNamespace")
    protected String vaultNamespace;
    /** A PEM file of certificate authorities trusted for Vault in addition to the JDK's. */
    @Parameter(property = "codex.vaultCaCertificate")
    protected File vaultCaCertificate;
    /**
     * Fails the build when no token can be fetched in GitHub Actions. By default a failure only warns, and docs-builder
     * runs without a token, as builds whose docs need none always did. For {@code codex:doctor}: fails the goal when
     * any of its checks fails.
     */
    @Parameter(property = "codex.failOnTokenError", defaultValue = "false")
    protected boolean failOnTokenError;
    /** The GitHub API used to revoke the token (https://HOST/api/v3 for GitHub Enterprise Server). */
    @Parameter(property = "codex.githubApiUrl", defaultValue = "https://api.github.com")
    protected String githubApiUrl;
    /** The connect and read timeout of each request of the token fetch, in seconds (at least 1). */
    @Parameter(property = "codex.tokenRequestTimeout", defaultValue = "10")
    protected int tokenRequestTimeout;
    /**
     * How long the token fetch keeps retrying transient failures (connection problems, timeouts, HTTP 412, 429 and
     * 5xx), in seconds: a retry starts only while its pause still fits in this budget. A request under way is bounded
     * by {@code tokenRequestTimeout}, not by this budget.
     */
    @Parameter(property = "codex.tokenRetryBudget", defaultValue = "20")
    protected int tokenRetryBudget;
    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    protected MavenSession session;

    private final SettingsDecrypter settingsDecrypter;

    protected AbstractCodexMojo(SettingsDecrypter settingsDecrypter) {
        this.settingsDecrypter = settingsDecrypter;
    }

    /**
     * The process's real standard output, for GitHub workflow commands: {@code System.out} is Maven's log, which
     * {@code -l file} sends to a file where the runner would never see an {@code ::add-mask::} and the token it masks
     * would be written in clear.
     */
    protected static PrintStream workflowCommandOutput() {
        return new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
    }

    /** The active proxies of settings.xml, decrypted. */
    protected List<Proxy> proxies() {
        return MavenProxies.of(session.getSettings(), settingsDecrypter);
    }

    /** How the token fetch talks HTTP. */
    protected HttpSettings tokenHttpSettings(List<Proxy> proxies) {
        Duration timeout = Duration.ofSeconds(Math.max(tokenRequestTimeout, 1));
        return new HttpSettings(proxies, timeout, timeout, vaultCaCertificate == null ? null : vaultCaCertificate.toPath());
    }

    protected DocsBuilderInstaller installer(MavenBuildLog log, List<Proxy> proxies) {
        Path cache = docsBuilderCacheDirectory != null ? docsBuilderCacheDirectory.toPath()
                : session.getRepositorySession().getLocalRepository().getBasedir().toPath()
                        .resolve("io/github/codexdocs/docs-builder");
        Duration timeout = Duration.ofSeconds(Math.max(docsBuilderRequestTimeout, 1));
        return new DocsBuilderInstaller(log, new InstallSettings(docsBuilderVersion, docsBuilderDownloadUrl,
                docsBuilderSha256, cache, System.getProperty("os.name"), System.getProperty("os.arch"),
                session.isOffline(), session.getRequest().isInteractiveMode()),
                new HttpSettings(proxies, timeout, timeout, null), System.out);
    }

    protected TokenSettings tokenSettings() {
        return new TokenSettings(vaultAddress, vaultInstance, vaultRole, oidcAudience, vaultAuthMount, vaultSecretPath,
                vaultNamespace, Duration.ofSeconds(Math.max(tokenRetryBudget, 0)));
    }
}
