package io.github.codexdocs.codex.maven;

import io.github.codexdocs.codex.http.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.settings.Settings;
import org.apache.maven.settings.building.SettingsProblem;
import org.apache.maven.settings.crypto.DefaultSettingsDecryptionRequest;
import org.apache.maven.settings.crypto.SettingsDecrypter;
import org.apache.maven.settings.crypto.SettingsDecryptionResult;

/** The active proxies of {@code settings.xml}, with their passwords decrypted. */
final class MavenProxies {
    private MavenProxies() {
    }

    static List<Proxy> of(Settings settings, SettingsDecrypter decrypter) {
        List<Proxy> proxies = new ArrayList<>();
        for (org.apache.maven.settings.Proxy configured : settings.getProxies()) {
            if (!configured.isActive()) {
                continue;
            }
            SettingsDecryptionResult result = decrypter.decrypt(new DefaultSettingsDecryptionRequest(configured));
            org.apache.maven.settings.Proxy proxy = result.getProxy() != null ? result.getProxy() : configured;
            for (SettingsProblem problem : result.getProblems()) {
                if (problem.getSeverity() != SettingsProblem.Severity.WARNING) {
                    throw new io.github.codexdocs.codex.CodexException("The password of proxy '" + configured.getId()
                            + "' in settings.xml could not be decrypted; check settings-security.xml.");
                }
            }
            proxies.add(new Proxy(proxy.getProtocol(), proxy.getHost(), proxy.getPort(), proxy.getUsername(),
                    proxy.getPassword(), proxy.getNonProxyHosts()));
        }
        return proxies;
    }
}
