package dev.agenttelemetry.collector;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** What the collector takes from a hook body, and what it says about a body it cannot take. Made-up payloads. */
class HookRequestTest {
    private static HookRequest parse(String body) throws HookRequest.Invalid {
        return HookRequest.parse(body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void readsTheFieldsItNeedsFromEveryShapeOfPayload() throws Exception {
        HookRequest snake = parse("{\"session_id\":\"s1\",\"hook_event_name\":\"PreToolUse\",\"cwd\":\"/home/dev/shop\",\"tool_input\":{\"session_id\":\"inner\"}}");
        assertThat(snake.sessionId()).as("a nested field of the same name is not the hook's").isEqualTo("s1");
        assertThat(snake.hookEventName()).isEqualTo("PreToolUse");
        assertThat(snake.cwd()).isEqualTo("/home/dev/shop");
        assertThat(snake.knownHookEvent()).isTrue();

        HookRequest camel = parse("{\"sessionId\":\"s2\",\"hookEventName\":\"SomethingNew\",\"workspaceRoots\":[\"/w/a\",\"/w/b\"]}");
        assertThat(camel.sessionId()).isEqualTo("s2");
        assertThat(camel.cwd()).as("the first workspace root when there is no cwd").isEqualTo("/w/a");
        assertThat(camel.knownHookEvent()).as("kept, and marked unknown").isFalse();

        assertThat(parse("{\"conversation_id\":\"c3\",\"hook_event_name\":\"Stop\"}").sessionId()).as("Cursor's conversation id").isEqualTo("c3");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '¦', quoteCharacter = '^', value = {
            "{\"hook_event_name\":\"Stop\"} ¦ missing required field 'session_id'",
            "{\"session_id\":\"s\"} ¦ missing required field 'hook_event_name'",
            "{\"session_id\":7,\"hook_event_name\":\"Stop\"} ¦ field 'session_id' must be a non-empty string",
            "{\"session_id\":\" \",\"hook_event_name\":\"Stop\"} ¦ field 'session_id' must be a non-empty string",
            "{\"session_id\":\"a\",\"session_id\":\"b\",\"hook_event_name\":\"Stop\"} ¦ field 'session_id' appears more than once",
            "[1,2] ¦ the body must be a JSON object (a hook payload)",
            "{\"session_id\":\"s\",\"hook_event_name\":\"Stop\"} {} ¦ unexpected content after the JSON object",
            "{\"session_id\":\"s\", ¦ malformed JSON at line 1, column",
    })
    void saysWhatIsWrongWithABody(String body, String problem) {
        assertThatThrownBy(() -> parse(body)).isInstanceOf(HookRequest.Invalid.class)
                .satisfies(e -> assertThat(((HookRequest.Invalid) e).problems()).anySatisfy(p -> assertThat(p).startsWith(problem)));
    }

    @Test
    void neverQuotesTheBodyInAParseError() {
        String secret = "sk-ant-api03-madeUpButSecretLooking0123456789";
        assertThatThrownBy(() -> parse("{\"session_id\":\"s\",\"x\":" + secret + "}"))
                .satisfies(e -> assertThat(String.join(" ", ((HookRequest.Invalid) e).problems())).doesNotContain(secret));
    }
}
