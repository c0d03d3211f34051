package io.github.codexdocs.codex;

import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.ci.JobReport;
import io.github.codexdocs.codex.ci.PreviewPathPrefix;
import io.github.codexdocs.codex.ci.WorkflowCommands;
import io.github.codexdocs.codex.docsbuilder.ChildEnvironment;
import io.github.codexdocs.codex.docsbuilder.DocsBuilderArguments;
import io.github.codexdocs.codex.docsbuilder.DocsBuilderExit;
import io.github.codexdocs.codex.docsbuilder.DocsBuilderRunner;
import io.github.codexdocs.codex.docsbuilder.ExecutableLocator;
import io.github.codexdocs.codex.docsbuilder.LinkIndexCheckout;
import io.github.codexdocs.codex.docsbuilder.install.DocsBuilderInstaller;
import io.github.codexdocs.codex.token.BuildToken;
import io.github.codexdocs.codex.token.TokenOutcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One run of {@code codex:build}: resolve what docs-builder needs, run it, and judge its result. */
public final class DocsBuild {
    private final BuildLog log;
    private final Map<String, String> environment;
    private final String osName;
    private final BuildToken token;
    private final DocsBuilderInstaller installer;

    /** @param osName the operating system, as in the {@code os.name} system property */
    public DocsBuild(BuildLog log, Map<String, String> environment, String osName, BuildToken token,
                     DocsBuilderInstaller installer) {
        this.log = log;
        this.environment = environment;
        this.osName = osName;
        this.token = token;
        this.installer = installer;
    }

    /** What the user configured; a null {@code executable} means the installer provides docs-builder. */
    public record Settings(String executable, Path workingDirectory, Path docsPath, Path outputDirectory,
                           String pathPrefix, boolean strict, List<String> exporters, List<String> arguments,
                           Map<String, String> environmentVariables, String tokenEnvironmentVariable,
                           Duration timeout) {
    }

    /** Builds the docs; in GitHub Actions also reports to the job (outputs, step summary, an error annotation). */
    public void run(Settings settings) {
        long started = System.nanoTime();
        GitHubActions actions = new GitHubActions(environment);
        JobReport report = new JobReport(actions);
        try {
            build(settings, actions, report);
            report.row("Result", "succeeded");
        } catch (CodexException e) {
            report.row("Result", "failed: " + e.getMessage());
            if (actions.isActive()) {
                log.raw(WorkflowCommands.error("codex:build failed", e.getMessage()));
            }
            throw e;
        } finally {
            report.row("Duration", JobReport.seconds(Duration.ofNanos(System.nanoTime() - started)));
            try {
                report.writeSummary("Documentation build");
            } catch (IOException e) {
                log.warn("Could not write the GitHub Actions step summary: " + e.getMessage());
            }
        }
    }

    private void build(Settings settings, GitHubActions actions, JobReport report) {
        long started = System.nanoTime();
        Map<String, String> childEnvironment = ChildEnvironment.of(environment, settings.environmentVariables(),
                settings.tokenEnvironmentVariable());
        String pathPrefix = settings.pathPrefix() != null
                ? settings.pathPrefix()
                : PreviewPathPrefix.derive(actions).orElse(null);
        report.row("Path prefix", pathPrefix == null ? "none" : pathPrefix);
        report.row("Output directory", settings.outputDirectory().toString());
        DocsBuilderInstaller.Installation docsBuilder = resolveExecutable(settings.executable(),
                settings.workingDirectory(), environment, osName, installer);
        Path executable = docsBuilder.executable();
        DocsBuilderArguments arguments = new DocsBuilderArguments(settings.docsPath(), settings.outputDirectory(),
                pathPrefix, settings.strict(), settings.exporters(), settings.arguments());
        report.row("docs-builder", docsBuilder.describe());

        LinkIndexCheckout linkIndex = new LinkIndexCheckout(LinkIndexCheckout.folder(childEnvironment, osName),
                Map.copyOf(childEnvironment), log);
        TokenOutcome tokenOutcome = token.obtain();
        report.row("Vault role", tokenOutcome.role() == null ? "none" : tokenOutcome.role());
        report.row("GitHub token", tokenOutcome.describe());
        if (actions.isActive()) {
            linkIndex.prepare();
        }
        List<String> secrets = new ArrayList<>();
        tokenOutcome.token().ifPresent(t -> {
            childEnvironment.put(settings.tokenEnvironmentVariable(), t.value());
            secrets.add(t.value());
            String gitCredentials = LinkIndexCheckout.addGitCredentials(childEnvironment, t.value());
            log.raw(WorkflowCommands.addMask(gitCredentials)); // the form in which git may print it
            secrets.add(gitCredentials);
        });
        log.debug("docs-builder's environment variables (values not shown): " + String.join(", ",
                childEnvironment.keySet()));
        Path linksJson = settings.outputDirectory().resolve("links.json");
        if (actions.isActive()) {
            // docs-builder rebuilds everything in GitHub Actions, or exits 0 writing nothing when it finds no docset:
            // a links.json left by an earlier build (a self-hosted runner, a second execution) must not pass for one.
            deleteStale(linksJson);
        }
        DocsBuilderRunner.Result result;
        try {
            // Ctrl+C or a cancelled job stops Maven before the finally below: the runner cleans the clone then
            result = new DocsBuilderRunner(log, secrets).run(executable, arguments.toList(), settings.workingDirectory(),
                    childEnvironment, settings.timeout(), linkIndex::removeStoredCredentials);
        } finally {
            token.release(tokenOutcome);
            linkIndex.removeStoredCredentials();
        }

        report.row("Diagnostics", result.summary().map(Object::toString).orElse("no summary printed"));
        if (result.exitCode() != 0) {
            String advice = result.linkIndexFetchFailed()
                    ? linkIndexAdvice(actions, tokenOutcome)
                    : "fix the problems reported above";
            throw new CodexException(DocsBuilderExit.failureMessage(result.exitCode(), result.summary(),
                    settings.strict(), advice));
        }
        if (arguments.expectsLinkMetadata() && !Files.isRegularFile(linksJson)) {
            Path docs = settings.docsPath() != null ? settings.docsPath() : settings.workingDirectory();
            throw new CodexException("docs-builder exited successfully but built nothing (no links.json in "
                    + settings.outputDirectory() + "); check that " + docs + " or its docs/ folder holds a docset.yml"
                    + " or _docset.yml and that it is inside a git checkout.");
        }
        try {
            report.writeOutputs(pathPrefix, settings.outputDirectory());
        } catch (IOException e) {
            log.warn("Could not write the GitHub Actions step outputs: " + e.getMessage());
        }
        log.info("Documentation built in " + settings.outputDirectory() + " in "
                + JobReport.seconds(Duration.ofNanos(System.nanoTime() - started))
                + result.summary().map(s -> " (" + s + ")").orElse(""));
    }

    /**
     * The docs-builder to run: the configured {@code executable} (a path, or a name looked up on {@code PATH}), whose
     * version is not known (null), or, when none is configured, the release the installer provides.
     */
    public static DocsBuilderInstaller.Installation resolveExecutable(String executable, Path baseDirectory,
                                                                      Map<String, String> environment, String osName,
                                                                      DocsBuilderInstaller installer) {
        return executable == null
                ? installer.install()
                : new DocsBuilderInstaller.Installation(null,
                        ExecutableLocator.forOs(environment, osName).locate(executable, baseDirectory));
    }

    private static void deleteStale(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new CodexException("Could not delete " + file + " left by an earlier build (" + e.getMessage()
                    + "); delete the output directory, or check that it is writable.");
        }
    }

    /** Why docs-builder could not fetch the private link index, and what to do about it. */
    private static String linkIndexAdvice(GitHubActions actions, TokenOutcome outcome) {
        if (!actions.isActive()) {
            return "docs-builder could not fetch the codex link index over SSH: outside GitHub Actions it needs an SSH"
                    + " key with read access to github.com/elastic/codex-link-index";
        }
        if (outcome.failure() != null) {
            return "docs-builder could not fetch the private codex link index because no GitHub token was obtained ("
                    + outcome.failure().reason() + "): " + outcome.failure().fix();
        }
        return "docs-builder could not fetch the private codex link index although a GitHub token was obtained from"
                + " Vault role " + outcome.role() + ": check that the role's token policy grants read access to"
                + " elastic/codex-link-index";
    }
}
