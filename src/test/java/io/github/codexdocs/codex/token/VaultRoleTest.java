package io.github.codexdocs.codex.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class VaultRoleTest {
    @Test
    void everyVectorOfTheContract() {
        assertEquals(Optional.of("token-policy-e51e59ad2806"),
                VaultRole.fromWorkflowRef("elastic/ml-cpp/.github/workflows/backport.yml@refs/heads/main"));
        assertEquals(Optional.of("token-policy-63405ab45244"),
                VaultRole.fromWorkflowRef("elastic/oblt-aw/.github/workflows/distribute-client-workflow.yml"));
        assertEquals(Optional.of("token-policy-995e89faa204"),
                VaultRole.fromWorkflowRef("elastic/oblt-aw/.github/workflows/gh-aw-onboard-repository.lock.yml"));
        assertEquals(Optional.of("token-policy-4d5278e6d945"),
                VaultRole.fromWorkflowRef("elastic/oblt-aw/.github/workflows/codex-preview.yml@refs/pull/7/merge"));
    }

    @Test
    void theBranchDoesNotMatterEvenWithAnAtInIt() {
        assertEquals(Optional.of("token-policy-e51e59ad2806"),
                VaultRole.fromWorkflowRef("elastic/ml-cpp/.github/workflows/backport.yml@refs/heads/fix@home"));
        assertEquals(Optional.of("token-policy-e51e59ad2806"),
                VaultRole.fromWorkflowRef("elastic/ml-cpp/.github/workflows/backport.yml@refs/tags/v1.0"));
    }

    @Test
    void aTrailingNewlineIsNotHashed() {
        // token-policy-0336e7c30344 is what hashing "…backport.yml\n" gives: the classic bug.
        assertEquals(Optional.of("token-policy-e51e59ad2806"),
                VaultRole.fromWorkflowRef("elastic/ml-cpp/.github/workflows/backport.yml\n"));
    }

    @Test
    void noWorkflowMeansNoRole() {
        assertEquals(Optional.empty(), VaultRole.fromWorkflowRef(null));
        assertEquals(Optional.empty(), VaultRole.fromWorkflowRef(""));
        assertEquals(Optional.empty(), VaultRole.fromWorkflowRef("  "));
        assertEquals(Optional.empty(), VaultRole.fromWorkflowRef("@refs/heads/main"));
    }
}
