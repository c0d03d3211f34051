package io.github.codexdocs.codex.token;

import io.github.codexdocs.codex.BuildLog;
import java.io.IOException;
import org.apache.hc.client5.http.classic.methods.HttpDelete;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;

/** Revokes an installation token through the GitHub API; a failure only warns. */
public final class GitHubTokenRevoker {
    private final CloseableHttpClient http;
    private final String apiUrl;
    private final BuildLog log;

    public GitHubTokenRevoker(CloseableHttpClient http, String apiUrl, BuildLog log) {
        this.http = http;
        this.apiUrl = apiUrl.endsWith("/") ? apiUrl.substring(0, apiUrl.length() - 1) : apiUrl;
        this.log = log;
    }

    public void revoke(GitHubToken token) {
        HttpDelete request;
        try {
            request = new HttpDelete(apiUrl + "/installation/token");
        } catch (IllegalArgumentException notAUrl) {
            log.warn("Could not revoke the GitHub token: <githubApiUrl> (codex.githubApiUrl) '" + apiUrl + "' is not a"
                    + " valid URL; it expires by itself within an hour.");
            return;
        }
        request.setHeader("Authorization", "Bearer " + token.value());
        request.setHeader("Accept", "application/vnd.github+json");
        request.setHeader("X-GitHub-Api-Version", "2022-11-28");
        try {
            int status = http.execute(request, response -> response.getCode());
            if (status == 204) {
                log.info("Revoked the GitHub token.");
            } else if (status == 401) {
                log.info("The GitHub token was already invalid; nothing to revoke.");
            } else {
                log.warn("Could not revoke the GitHub token: " + apiUrl + " answered HTTP " + status
                        + "; it expires by itself within an hour.");
            }
        } catch (IOException e) {
            log.warn("Could not revoke the GitHub token: " + apiUrl + " could not be reached"
                    + "; it expires by itself within an hour.");
        }
    }
}
