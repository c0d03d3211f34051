package io.github.codexdocs.codex.maven;

import io.github.codexdocs.codex.CodexException;
import io.github.codexdocs.codex.DocsBuild;
import java.io.File;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;

/**
 * Builds the documentation with Elastic's docs-builder.
 *
 * <p>docs-builder runs as a child process with its output relayed to the Maven log; the build fails when it exits
 * with a non-zero code or builds nothing. In GitHub Actions the path prefix is derived from the event, as the
 * {@code codex/build} action did.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.SITE, threadSafe = true, requiresProject = true)
public class BuildMojo extends AbstractMojo {

    /** Skips the goal. */
    @Parameter(property = "codex.skip", defaultValue = "false")
    private boolean skip;

    /**
     * The docs-builder to run: an absolute path, a path relative to the working directory, or a bare name that is
     * looked up on {@code PATH}.
     */
    @Parameter(property = "codex.executable", defaultValue = "docs-builder")
    private String executable;

    /** The folder that holds the docset ({@code docset.yml} in it or in its {@code docs/} folder): {@code --path}. */
    @Parameter(property = "codex.docsPath")
    private File docsPath;

    /** Where docs-builder writes the HTML and {@code links.json}: {@code --output}. */
    @Parameter(property = "codex.outputDirectory", defaultValue = "${project.build.directory}/docs/html")
    private File outputDirectory;

    /**
     * The URL path prefix of the built site: {@code --path-prefix}. When not set in GitHub Actions it is derived from
     * the event: {@code /_preview/<repo>/pull/<number>} for pull requests and merge queues,
     * {@code /_preview/<repo>/tree/<ref name>} for pushes and manual runs; outside GitHub Actions there is none.
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
                "GITHUB_TOKEN",
                Duration.ofSeconds(Math.max(timeout, 0)));
        try {
            new DocsBuild(new MavenBuildLog(getLog(), System.out), System.getenv(), isWindows()).run(settings);
        } catch (CodexException e) {
            throw new MojoFailureException(e.getMessage(), e);
        }
    }

    private static boolean isWindows() {
        return System.getProperty("os.name", "").toLowerCase(java.util.Locale.ROOT).startsWith("windows");
    }
}
