package io.github.codexdocs.codex.maven;

import io.github.codexdocs.codex.CodexException;
import io.github.codexdocs.codex.DocsBuild;
import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.docsbuilder.ChildEnvironment;
import io.github.codexdocs.codex.http.HttpSettings;
import io.github.codexdocs.codex.http.Proxy;
import io.github.codexdocs.codex.token.BuildToken;
import io.github.codexdocs.codex.token.SessionToken;
import io.github.codexdocs.codex.token.TokenSettings;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.inject.Inject;
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
public class BuildMojo extends AbstractCodexMojo {

    /** Skips the goal. */
    @Parameter(property = "codex.skip", defaultValue = "false")
    private boolean skip;

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

    /** The environment variable docs-builder receives the token in. */
    @Parameter(property = "codex.tokenEnvironmentVariable", defaultValue = "GITHUB_TOKEN")
    private String tokenEnvironmentVariable;

    /**
     * Leaves the token alone after the build. Tokens usually come from a cached policy shared by other workflows, and
     * revoking one breaks them until the cache expires; when this is false, a token that Vault leased to this build
     * alone (a non-empty {@code lease_id}) is revoked after docs-builder ends.
     */
    @Parameter(property = "codex.skipTokenRevoke", defaultValue = "true")
    private boolean skipTokenRevoke;

    @Inject
    public BuildMojo(SettingsDecrypter settingsDecrypter) {
        super(settingsDecrypter);
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
            MavenBuildLog log = new MavenBuildLog(getLog(), workflowCommandOutput());
            if (!VARIABLE_NAME.matcher(tokenEnvironmentVariable).matches()
                    || ChildEnvironment.isWithheld(tokenEnvironmentVariable)) {
                throw new CodexException("<tokenEnvironmentVariable> '" + tokenEnvironmentVariable + "' is not a valid"
                        + " variable name for the token; use letters, digits and underscores, not starting with a digit,"
                        + " and none of the job's credential variables.");
            }
            TokenSettings tokenSettings = tokenSettings();
            List<Proxy> proxies = proxies();
            HttpSettings http = tokenHttpSettings(proxies);
            BuildToken token = new BuildToken(log, new GitHubActions(environment), tokenSettings, http,
                    new BuildToken.Policy(failOnTokenError, skipTokenRevoke, githubApiUrl), sessionToken(tokenSettings));
            new DocsBuild(log, environment, System.getProperty("os.name", ""), token, installer(log, proxies))
                    .run(settings);
        } catch (CodexException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    /**
     * The token shared by the executions of this Maven session that use the same Vault settings, kept in the session's
     * data so that it is fetched once, also in parallel builds. Each project that declares the plugin is expected to
     * run the goal once per execution bound to it, or once when none is (a command-line {@code codex:build}).
     */
    private SessionToken sessionToken(TokenSettings settings) {
        String key = SessionToken.class.getName() + "|" + settings;
        SessionData data = session.getRepositorySession().getData();
        int uses = session.getProjects().stream()
                .flatMap(p -> p.getBuildPlugins().stream())
                .filter(plugin -> plugin.getKey().equals(PLUGIN_KEY))
                .mapToInt(plugin -> (int) Math.max(1, plugin.getExecutions().stream()
                        .filter(execution -> execution.getGoals().contains("build")).count()))
                .sum();
        data.set(key, null, new SessionToken(uses));
        // Another version of the plugin in the same build has classes of its own: it keeps its own token.
        return data.get(key) instanceof SessionToken shared ? shared : new SessionToken(1);
    }

    private static final String PLUGIN_KEY = "io.github.codexdocs:codex-maven-plugin";
    private static final Pattern VARIABLE_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

}
