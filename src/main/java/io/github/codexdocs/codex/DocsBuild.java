package io.github.codexdocs.codex;

import io.github.codexdocs.codex.ci.GitHubActions;
import io.github.codexdocs.codex.ci.PreviewPathPrefix;
import io.github.codexdocs.codex.docsbuilder.ChildEnvironment;
import io.github.codexdocs.codex.docsbuilder.DocsBuilderArguments;
import io.github.codexdocs.codex.docsbuilder.DocsBuilderExit;
import io.github.codexdocs.codex.docsbuilder.DocsBuilderRunner;
import io.github.codexdocs.codex.docsbuilder.ExecutableLocator;
import io.github.codexdocs.codex.docsbuilder.LinkIndexCheckout;
import io.github.codexdocs.codex.token.BuildToken;
import io.github.codexdocs.codex.token.TokenOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** One run of {@code codex:build}: resolve what docs-builder needs, run it, and judge its result. */
public final class DocsBuild {
    private final BuildLog log;
    private final Map<String, String> environment;
    private final String osName;
    private final BuildToken token;

    /** @param osName the operating system, as in the {@code os.name} system property */
    public DocsBuild(BuildLog log, Map<String, String> environment, String osName, BuildToken token) {
        this.log = log;
        this.environment = environment;
        this.osName = osName;
        this.token = token;
    }

    /** What the user configured. */
    public record Settings(String executable, Path workingDirectory, Path docsPath, Path outputDirectory,
                           String pathPrefix, boolean strict, List<String> exporters, List<String> arguments,
                           Map<String, String> environmentVariables, String tokenEnvironmentVariable,
                           Duration timeout) {
    }

    public void run(Settings settings) {
        Map<String, String> childEnvironment = ChildEnvironment.of(environment, settings.environmentVariables(),
                settings.tokenEnvironmentVariable());
        String pathPrefix = settings.pathPrefix() != null
                ? settings.pathPrefix()
                : PreviewPathPrefix.derive(new GitHubActions(environment)).orElse(null);
        Path executable = new ExecutableLocator(environment, osName.toLowerCase(Locale.ROOT).startsWith("windows"))
                .locate(settings.executable(), settings.workingDirectory());
        DocsBuilderArguments arguments = new DocsBuilderArguments(settings.docsPath(), settings.outputDirectory(),
                pathPrefix, settings.strict(), settings.exporters(), settings.arguments());

        GitHubActions actions = new GitHubActions(environment);
        LinkIndexCheckout linkIndex = new LinkIndexCheckout(LinkIndexCheckout.folder(childEnvironment, osName),
                Map.copyOf(childEnvironment), log);
        TokenOutcome tokenOutcome = token.obtain();
        if (actions.isActive()) {
            linkIndex.prepare();
        }
        tokenOutcome.token().ifPresent(t -> {
            childEnvironment.put(settings.tokenEnvironmentVariable(), t.value());
            LinkIndexCheckout.addGitCredentials(childEnvironment, t.value());
        });
        DocsBuilderRunner.Result result;
        try {
            result = new DocsBuilderRunner(log).run(executable, arguments.toList(), settings.workingDirectory(),
                    childEnvironment, settings.timeout());
        } finally {
            token.release(tokenOutcome);
            linkIndex.removeStoredCredentials();
        }

        if (result.exitCode() != 0) {
            String advice = result.linkIndexFetchFailed()
                    ? linkIndexAdvice(actions, tokenOutcome)
                    : "fix the problems reported above";
            throw new CodexException(DocsBuilderExit.failureMessage(result.exitCode(), result.summary(),
                    settings.strict(), advice));
        }
        if (arguments.expectsLinkMetadata() && !Files.isRegularFile(settings.outputDirectory().resolve("links.json"))) {
            Path docs = settings.docsPath() != null ? settings.docsPath() : settings.workingDirectory();
            throw new CodexException("docs-builder exited successfully but built nothing (no links.json in "
                    + settings.outputDirectory() + "); check that " + docs + " or its docs/ folder holds a docset.yml"
                    + " or _docset.yml and that it is inside a git checkout.");
        }
        log.info("Documentation built in " + settings.outputDirectory()
                + result.summary().map(s -> " (" + s + ")").orElse(""));
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
