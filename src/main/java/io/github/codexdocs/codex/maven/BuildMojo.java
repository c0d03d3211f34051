package io.github.codexdocs.codex.maven;

import io.github.codexdocs.codex.CodexException;
import io.github.codexdocs.codex.DocsBuild;
import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.docsbuilder.install.DocsBuilderInstaller;
import io.github.codexdocs.codex.docsbuilder.install.InstallSettings;
import io.github.codexdocs.codex.http.HttpSettings;
import io.github.codexdocs.codex.http.Proxy;
import io.github.codexdocs.codex.token.BuildToken;
import io.github.codexdocs.codex.token.SessionToken;
import io.github.codexdocs.codex.token.TokenSettings;
import java.io.File;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import javax.inject.Inject;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.eclipse.aether.SessionData;

/**
 * Builds the documentation with Elastic's docs-builder.
 *
 * <p>docs-builder runs as a child process with its output relayed to the Maven log; the build fails when it exits
 * with a non-zero code or builds nothing. In GitHub Actions the path prefix is derived from the event, as the
 * {@code codex/build} action did, and an ephemeral GitHub token is fetched from Vault through the job's OIDC identity
 * and given to docs-builder in its environment (never on its command line). A failure to get the token only warns,
 * unless {@code failOnTokenError} is set.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.SITE, threadSafe = true, requiresProject = true)
public class BuildMojo extends AbstractMojo {

    /** Skips the goal. */
    @Parameter(property = "codex.skip", defaultValue = "false")
    private boolean skip;

    /**
     * The docs-builder to run: an absolute path, a path relative to the working directory, or a bare name that is
     * looked up on {@code PATH}. When not set, the plugin installs the release {@code docsBuilderVersion} for this
     * platform into {@code docsBuilderCacheDirectory} and runs that; when set, nothing is installed.
     */
    @Parameter(property = "codex.executable")
    private String executable;

    /**
     * The docs-builder release to install when {@code executable} is not set, e.g. {@code 1.41.0}, or {@code latest}
     * for the newest release. {@code latest} is resolved on each online build by requesting
     * {@code <docsBuilderDownloadUrl without /download>/latest} and reading the version from the release tag it
     * redirects to; the resolved version is the one installed, cached and logged.
     */
    @Parameter(property = "codex.docsBuilderVersion", defaultValue = "1.41.0")
    private String docsBuilderVersion;

    /**
     * Where docs-builder releases are downloaded from: {@code <docsBuilderDownloadUrl>/<version>/docs-builder-<os>-<arch>.zip}
     * with the platforms {@code linux-x64}, {@code mac-arm64}, {@code mac-x64} and {@code win-x64}. Point it at an
     * internal mirror that keeps the same layout when GitHub is not reachable.
     */
    @Parameter(property = "codex.docsBuilderDownloadUrl",
            defaultValue = "https://github.com/elastic/docs-builder/releases/download")
    private String docsBuilderDownloadUrl;

    /**
     * The SHA-256 (64 hex digits) of the release zip for this platform; when set, a download with another SHA-256
     * fails the build before anything is extracted. Not checked when empty.
     */
    @Parameter(property = "codex.docsBuilderSha256")
    private String docsBuilderSha256;

    /**
     * Where installed docs-builder releases are kept, one folder per version and platform; by default
     * {@code io/github/codexdocs/docs-builder} in the local Maven repository, so they survive {@code mvn clean}.
     */
    @Parameter(property = "codex.docsBuilderCacheDirectory")
    private File docsBuilderCacheDirectory;

    /** The connect and read timeout of each request that installs docs-builder, in seconds. */
    @Parameter(property = "codex.docsBuilderRequestTimeout", defaultValue = "30")
    private int docsBuilderRequestTimeout;

    /** The folder that holds the docset ({@code docset.yml} in it or in its {@code docs/} folder): {@code --path}. */
    @Parameter(property = "codex.docsPath")
    private File docsPath;

    /** Where docs-builder writes the HTML and {@code links.json}: {@code --output}. */
    @Parameter(property = "codex.outputDirectory", defaultValue = "${project.build.directory}/docs/html")
    private File outputDirectory;

    /**
     * The URL path prefix of the built site: {@code --path-prefix}. When not set in GitHub Actions it is derived from
     * the event: /_preview/OWNER/REPO/pull/NUMBER for pull requests and merge queues,
     * /_preview/OWNER/REPO/tree/BRANCH for pushes and manual runs; outside GitHub Actions there is none.
     */
    @Parameter(property = "codex.pathPrefix")
    private String pathPrefix;

    /** Treats warnings as errors: {@code --strict}. */
    @Parameter(property = "codex.strict", defaultValue = "false")
    private boolean strict;

    /** The exporters docs-builder runs, comma-separated: {@code --exporters}; docs-builder's default when empty. */
    @Parameter(property = "codex.exporters")
    private List<String> exporters;

    /** More arguments for docs-builder, appended verbatim after the ones the plugin sets. */
    @Parameter(property = "codex.arguments")
    private List<String> arguments;

    /** The folder docs-builder runs in. */
    @Parameter(property = "codex.workingDirectory", defaultValue = "${project.basedir}")
    private File workingDirectory;

    /**
     * More environment variables for docs-builder. Names must be letters, digits and underscores, not starting with
     * a digit. Do not put secrets here: parameter values are printed by {@code mvn -X}.
     */
    @Parameter
    private Map<String, String> environmentVariables;

    /**
     * How long docs-builder may run, in seconds; past it, docs-builder and every process it started are stopped and
     * the build fails. 0 means no limit.
     */
    @Parameter(property = "codex.timeout", defaultValue = "0")
    private int timeout;

    /**
     * Vault's address, e.g. {@code https://vault.example.com}. When not set, {@code vaultInstance} chooses it.
     */
    @Parameter(property = "codex.vaultAddress")
    private String vaultAddress;

    /**
     * The Elastic CI Vault to use when {@code vaultAddress} is not set: {@code ci-prod}
     * ({@code https://vault-ci-prod.elastic.dev}) or {@code ci-dev} ({@code https://vault-ci.dev.elastic.dev}).
     */
    @Parameter(property = "codex.vaultInstance", defaultValue = "ci-prod")
    private String vaultInstance;

    /**
     * The Vault role to log in with. When not set it is derived from the workflow that runs the build:
     * {@code token-policy-} and the first 12 hex characters of the SHA-256 of {@code GITHUB_WORKFLOW_REF} up to its
     * {@code @}.
     */
    @Parameter(property = "codex.vaultRole")
    private String vaultRole;

    /** The audience of the GitHub Actions OIDC token that Vault expects. */
    @Parameter(property = "codex.oidcAudience", defaultValue = "vault")
    private String oidcAudience;

    /** Where Vault's JWT auth method is mounted (the part after {@code auth/}). */
    @Parameter(property = "codex.vaultAuthMount", defaultValue = "github-oidc")
    private String vaultAuthMount;

    /** The Vault path of the GitHub token; {@code {role}} stands for the role. */
    @Parameter(property = "codex.vaultSecretPath", defaultValue = "github/token/{role}")
    private String vaultSecretPath;

    /** The Vault namespace, sent as {@code X-Vault-Namespace}; none when not set. */
    @Parameter(property = "codex.vaultNamespace")
    private String vaultNamespace;

    /** A PEM file of certificate authorities trusted for Vault in addition to the JDK's. */
    @Parameter(property = "codex.vaultCaCertificate")
    private File vaultCaCertificate;

    /** The environment variable docs-builder receives the token in. */
    @Parameter(property = "codex.tokenEnvironmentVariable", defaultValue = "GITHUB_TOKEN")
    private String tokenEnvironmentVariable;

    /**
     * Fails the build when no token can be fetched in GitHub Actions. By default a failure only warns, and docs-builder
     * runs without a token, as builds whose docs need none always did.
     */
    @Parameter(property = "codex.failOnTokenError", defaultValue = "false")
    private boolean failOnTokenError;

    /**
     * Leaves the token alone after the build. Tokens usually come from a cached policy shared by other workflows, and
     * revoking one breaks them until the cache expires; when this is false, a token that Vault leased to this build
     * alone (a non-empty {@code lease_id}) is revoked after docs-builder ends.
     */
    @Parameter(property = "codex.skipTokenRevoke", defaultValue = "true")
    private boolean skipTokenRevoke;

    /** The GitHub API used to revoke the token (https://HOST/api/v3 for GitHub Enterprise Server). */
    @Parameter(property = "codex.githubApiUrl", defaultValue = "https://api.github.com")
    private String githubApiUrl;

    /** The connect and read timeout of each request of the token fetch, in seconds. */
    @Parameter(property = "codex.tokenRequestTimeout", defaultValue = "10")
    private int tokenRequestTimeout;

    /** How long the whole token fetch may take, retries of transient failures included, in seconds. */
    @Parameter(property = "codex.tokenRetryBudget", defaultValue = "20")
    private int tokenRetryBudget;

    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    private MavenSession session;

    private final SettingsDecrypter settingsDecrypter;

    @Inject
    public BuildMojo(SettingsDecrypter settingsDecrypter) {
        this.settingsDecrypter = settingsDecrypter;
    }

    @Override
    public void execute() throws MojoFailureException {
        if (skip) {
            getLog().info("Skipping docs-builder (codex.skip=true).");
            return;
        }
        DocsBuild.Settings settings = new DocsBuild.Settings(
                executable,
                workingDirectory.toPath(),
                docsPath == null ? null : docsPath.toPath(),
                outputDirectory.toPath(),
                pathPrefix,
                strict,
                exporters == null ? List.of() : exporters,
                arguments == null ? List.of() : arguments,
                environmentVariables == null ? Map.of() : environmentVariables,
                tokenEnvironmentVariable,
                Duration.ofSeconds(Math.max(timeout, 0)));
        try {
            Map<String, String> environment = System.getenv();
            MavenBuildLog log = new MavenBuildLog(getLog(), System.out);
            TokenSettings tokenSettings = tokenSettings();
            List<Proxy> proxies = MavenProxies.of(session.getSettings(), settingsDecrypter);
            HttpSettings http = new HttpSettings(proxies,
                    Duration.ofSeconds(tokenRequestTimeout), Duration.ofSeconds(tokenRequestTimeout),
                    vaultCaCertificate == null ? null : vaultCaCertificate.toPath());
            BuildToken token = new BuildToken(log, new GitHubActions(environment), tokenSettings, http,
                    new BuildToken.Policy(failOnTokenError, skipTokenRevoke, githubApiUrl), sessionToken(tokenSettings));
            new DocsBuild(log, environment, System.getProperty("os.name", ""), token, installer(log, proxies))
                    .run(settings);
        } catch (CodexException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    private DocsBuilderInstaller installer(MavenBuildLog log, List<Proxy> proxies) {
        Path cache = docsBuilderCacheDirectory != null ? docsBuilderCacheDirectory.toPath()
                : session.getRepositorySession().getLocalRepository().getBasedir().toPath()
                        .resolve("io/github/codexdocs/docs-builder");
        Duration timeout = Duration.ofSeconds(Math.max(docsBuilderRequestTimeout, 1));
        return new DocsBuilderInstaller(log, new InstallSettings(docsBuilderVersion, docsBuilderDownloadUrl,
                docsBuilderSha256, cache, System.getProperty("os.name"), System.getProperty("os.arch"),
                session.isOffline(), session.getRequest().isInteractiveMode()),
                new HttpSettings(proxies, timeout, timeout, null), System.out);
    }

    private TokenSettings tokenSettings() {
        if (!VARIABLE_NAME.matcher(tokenEnvironmentVariable).matches()) {
            throw new CodexException("<tokenEnvironmentVariable> '" + tokenEnvironmentVariable + "' is not a valid"
                    + " variable name; use letters, digits and underscores, not starting with a digit.");
        }
        return new TokenSettings(vaultAddress(), vaultRole, oidcAudience, vaultAuthMount, vaultSecretPath,
                vaultNamespace, Duration.ofSeconds(Math.max(tokenRetryBudget, 0)));
    }

    private URI vaultAddress() {
        String address = vaultAddress;
        if (address == null || address.isBlank()) {
            address = switch (vaultInstance.trim().toLowerCase(Locale.ROOT)) {
                case "ci-prod" -> "https://vault-ci-prod.elastic.dev";
                case "ci-dev" -> "https://vault-ci.dev.elastic.dev";
                default -> throw new CodexException("<vaultInstance> '" + vaultInstance + "' is unknown; use ci-prod or"
                        + " ci-dev, or set <vaultAddress> (codex.vaultAddress).");
            };
        }
        try {
            URI uri = URI.create(address.trim());
            if (uri.getScheme() == null || uri.getHost() == null) {
                throw new IllegalArgumentException();
            }
            return uri;
        } catch (IllegalArgumentException e) {
            throw new CodexException("<vaultAddress> '" + address + "' is not a URL; use one like"
                    + " https://vault.example.com.");
        }
    }

    /**
     * The token shared by the modules of this Maven session that use the same Vault settings, kept in the session's
     * data so that it is fetched once, also in parallel builds.
     */
    private SessionToken sessionToken(TokenSettings settings) {
        String key = SessionToken.class.getName() + "|" + settings;
        SessionData data = session.getRepositorySession().getData();
        long users = session.getProjects().stream()
                .filter(p -> p.getBuildPlugins().stream().anyMatch(plugin -> plugin.getKey().equals(PLUGIN_KEY)))
                .count();
        data.set(key, null, new SessionToken((int) users));
        return (SessionToken) data.get(key);
    }

    private static final String PLUGIN_KEY = "io.github.codexdocs:codex-maven-plugin";
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

}
