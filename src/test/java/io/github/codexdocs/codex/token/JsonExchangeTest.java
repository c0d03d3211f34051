package io.github.codexdocs.codex.token;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import org.junit.jupiter.api.Test;

class JsonExchangeTest {
    @Test
    void aReplyNeverShowsItsBody() throws IOException {
        JsonExchange.Reply reply = new JsonExchange.Reply(200, new ObjectMapper().readTree(
                "{\"auth\":{\"client_token\":\"hvs.secretsecretsecret\"}}"), -1);
        assertEquals("Reply[status=200, retryAfterSeconds=-1]", reply.toString());
    }

    @Test
    void vaultErrorsAreCleanedOfAnythingThatLooksLikeASecret() throws IOException {
        String errors = "{\"errors\":[\"bad jwt eyJhbGciOi.eyJzdWIi.c2ln\", \"token hvs.CAESIabc and s.abcdefghij0123456789xyz\","
                + " \"github_pat_11ABCDEFG_xyz ghs_abc123\"]}";
        JsonExchange.Reply reply = new JsonExchange.Reply(400, new ObjectMapper().readTree(errors), -1);
        assertEquals("bad jwt ***; token *** and ***; *** ***", reply.errors());
    }
}
