package io.github.codexdocs.codex.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.github.codexdocs.codex.testworld.OidcIssuer;
import io.github.codexdocs.codex.testworld.VaultEmulator.Endpoint;
import io.github.codexdocs.codex.testworld.VaultEmulator.Fault;
import io.github.codexdocs.codex.token.VaultRole;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.net.ServerSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.DisabledOnOs;
import org.junit.jupiter.api.condition.OS;

/** {@code codex:doctor} in a healthy simulated Actions job and with each check failing. */
class DoctorIT {
    private final TokenWorld world = new TokenWorld();

    @AfterEach
    void stopWorld() {
        world.close();
    }

    private static Scenario doctor() {
        return Scenario.withStandIn("doctor");
    }

    @Test
    void aHealthyJobPassesEveryCheck() throws IOException {
        world.job(doctor()).run("codex:doctor").succeeded()
                .logContains("[INFO] [OK] GitHub Actions: detected")
                .logContains("[INFO] [OK] Vault role: " + TokenWorld.ROLE + " (derived from GITHUB_WORKFLOW_REF "
                        + OidcIssuer.DEFAULT_WORKFLOW_REF + ")")
                .logContains("[INFO] [OK] OIDC token: issued; repository=elastic/docs-example, workflow_ref="
                        + OidcIssuer.DEFAULT_WORKFLOW_REF + ", ref=refs/heads/main, aud=vault")
                .logContains("[INFO] [OK] Vault: reachable at " + world.vault.address())
                .logContains("[INFO] [OK] Vault login: role " + TokenWorld.ROLE + " accepted")
                .logContains("[INFO] [OK] GitHub token: readable at github/token/" + TokenWorld.ROLE
                        + "; lease_id empty (cached, shared with other workflows); expires at ")
                .logContains("[INFO] [OK] docs-builder: " + Scenario.standInBin().resolve("docs-builder")
                        + " (configured <executable>)")
                .logContains("[INFO] [OK] git: ")
                .logContains("[INFO] codex:build would get what it needs here.")
                .logLacks("[FAILED]")
                .containsNoSecret(world.secrets());
    }

    @Test
    void aTokenLeasedToTheJobIsRevokedByTheDoctor() {
        world.vault.cached(TokenWorld.ROLE, false);
        world.job(doctor()).run("codex:doctor").succeeded()
                .logContains("lease_id present (leased to this job)")
                .logContains("[INFO] Revoked the GitHub token.");
        assertEquals(world.tokens.minted(), world.github.revokedTokens());
    }

    @Test
    void withoutIdTokenPermissionTheOidcCheckFailsAndSaysHowToFixIt() throws IOException {
        String failed = "[WARNING] [FAILED] OIDC token: ACTIONS_ID_TOKEN_REQUEST_URL is not set, so this job may not"
                + " request an OIDC token; fix: add `permissions: id-token: write` to the job (or the workflow)";
        world.jobWithoutIdToken(doctor()).run("codex:doctor").succeeded()
                .logContains(failed)
                .logContains("[INFO] [SKIPPED] Vault login: not checked")
                .logContains("[WARNING] codex:doctor found failing checks (OIDC token); apply the fixes above.");
        world.jobWithoutIdToken(doctor()).property("codex.failOnTokenError", "true").run("codex:doctor").failed()
                .logContains(failed)
                .logContains("codex:doctor found failing checks (OIDC token); apply the fixes above.");
    }

    @Test
    void anEmptyWorkflowRefFailsTheRoleCheck() {
        world.job(doctor()).env("GITHUB_WORKFLOW_REF", "").run("codex:doctor").succeeded()
                .logContains("[WARNING] [FAILED] Vault role: GITHUB_WORKFLOW_REF is empty, so no Vault role can be"
                        + " derived from the workflow; fix: set <vaultRole> (codex.vaultRole)");
    }

    @Test
    void anUnreachableVaultFailsItsCheck() throws IOException {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        world.job(doctor()).property("codex.vaultAddress", "http://127.0.0.1:" + port).run("codex:doctor").succeeded()
                .logContains("[WARNING] [FAILED] Vault: Vault at http://127.0.0.1:" + port + " could not be reached: the connection was refused;"
                        + " fix: check <vaultAddress> (codex.vaultAddress)");
    }

    @Test
    void anUnregisteredRoleFailsTheLogin() {
        String role = VaultRole.fromWorkflowRef("elastic/docs-example/.github/workflows/other.yml").orElseThrow();
        world.issuer.claim("workflow_ref", "elastic/docs-example/.github/workflows/other.yml@refs/heads/main");
        world.job(doctor()).env("GITHUB_WORKFLOW_REF", "elastic/docs-example/.github/workflows/other.yml@refs/heads/main")
                .run("codex:doctor").succeeded()
                .logContains("[WARNING] [FAILED] Vault login: Vault has no role '" + role + "'")
                .logContains("fix: register the token policy for this workflow");
    }

    @Test
    void aMissingSecretFailsTheTokenCheck() {
        world.vault.secretMount("github/other");
        world.job(doctor()).run("codex:doctor").succeeded()
                .logContains("[WARNING] [FAILED] GitHub token: Vault has nothing at github/token/" + TokenWorld.ROLE);
    }

    @Test
    void aDeniedSecretFailsTheTokenCheck() {
        world.vault.enqueueFault(Fault.status(403).on(Endpoint.READ));
        world.job(doctor()).run("codex:doctor").succeeded()
                .logContains("[WARNING] [FAILED] GitHub token: Vault denied access to github/token/" + TokenWorld.ROLE
                        + " (HTTP 403: permission denied); fix: check that the role's policy grants read on github/token/"
                        + TokenWorld.ROLE);
    }

    @Test
    void aMissingDocsBuilderFailsItsCheckAndTheGoalWhenAsked() {
        String failed = "[WARNING] [FAILED] docs-builder: docs-builder executable /nonexistent/docs-builder does not"
                + " exist; install docs-builder or set <executable>";
        world.job(doctor()).property("codex.executable", "/nonexistent/docs-builder").run("codex:doctor").succeeded()
                .logContains(failed);
        world.job(doctor()).property("codex.executable", "/nonexistent/docs-builder")
                .property("codex.failOnTokenError", "true").run("codex:doctor").failed()
                .logContains(failed)
                .logContains("[INFO] [OK] GitHub token: readable")
                .logContains("codex:doctor found failing checks (docs-builder); apply the fixes above.");
    }

    @Test
    void anUnreadableCertificateFileFailsItsCheckAndTheOthersStillRun() throws IOException {
        Scenario scenario = world.job(doctor());
        Path notPem = Files.writeString(scenario.directory().resolve("not-a-certificate.pem"), "not a certificate");
        scenario.property("codex.vaultCaCertificate", notPem.toString()).run("codex:doctor").succeeded()
                .logContains("[WARNING] [FAILED] Vault settings: Could not read the trusted certificates in " + notPem
                        + "; point <vaultCaCertificate> (codex.vaultCaCertificate) at a PEM file of X.509 certificates.")
                .logContains("[INFO] [OK] docs-builder: ")
                .logContains("[INFO] [OK] git: ")
                .logContains("codex:doctor found failing checks (Vault settings)");
        assertEquals(0, world.issuer.requestCount());
    }

    @Test
    @DisabledOnOs(OS.WINDOWS)
    void gitMissingFromThePathFailsItsCheck() throws IOException {
        // A PATH with every command of the machine but git: links to them in a folder of the scenario.
        Scenario scenario = world.job(doctor());
        Path bin = Files.createDirectories(scenario.directory().resolve("bin-without-git"));
        for (String directory : System.getenv("PATH").split(File.pathSeparator)) {
            File[] commands = new File(directory).listFiles();
            for (File command : commands == null ? new File[0] : commands) {
                Path link = bin.resolve(command.getName());
                if (!command.getName().startsWith("git") && command.canExecute() && !Files.exists(link)) {
                    Files.createSymbolicLink(link, command.toPath());
                }
            }
        }
        scenario.env("PATH", Scenario.standInBin() + File.pathSeparator + bin).run("codex:doctor").succeeded()
                .logContains("[WARNING] [FAILED] git: git was not found on PATH; install git: docs-builder runs it to fetch"
                        + " the codex link index.")
                .logContains("codex:doctor found failing checks (git)");
    }

    @Test
    void outsideGitHubActionsThereIsNoTokenToCheck() {
        doctor().run("codex:doctor").succeeded()
                .logContains("[INFO] [SKIPPED] GitHub Actions: not detected (GITHUB_ACTIONS is not true): codex:build"
                        + " fetches no token here, docs-builder reaches the link index over SSH")
                .logContains("[INFO] [OK] docs-builder: ");
    }
}
