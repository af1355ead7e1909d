package dev.agenttelemetry.enricher;

import dev.agenttelemetry.avro.AgentEvent;
import dev.agenttelemetry.avro.EventType;
import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.avro.PathClass;
import dev.agenttelemetry.avro.PathRef;
import dev.agenttelemetry.enricher.masking.Masker;
import dev.agenttelemetry.schemas.registry.InMemorySchemaRegistry;
import dev.agenttelemetry.topics.TopicCatalog;
import dev.agenttelemetry.topics.TopicLayout;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

class EnricherTopologyTest {
    private TopologyTestDriver driver;
    private TestInputTopic<String, HookEnvelope> raw;
    private TestOutputTopic<String, AgentEvent> events;

    @BeforeEach
    void setUp() {
        TopicCatalog topics = TopicCatalog.of(TopicLayout.defaults(), new InMemorySchemaRegistry());
        Properties props = new Properties();
        props.put("application.id", "enricher-test");
        props.put("bootstrap.servers", "unused:9092");
        driver = new TopologyTestDriver(EnricherTopology.build(topics.raw(), topics.events(), new HookEventEnricher(Masker.withDefaultRules(), 40),
                java.time.Duration.ofDays(1), java.time.Duration.ofMinutes(5)), props);
        raw = driver.createInputTopic(topics.raw().name(), topics.raw().keySerde().serializer(), topics.raw().valueSerde().serializer());
        events = driver.createOutputTopic(topics.events().name(), topics.events().keySerde().deserializer(), topics.events().valueSerde().deserializer());
    }

    @AfterEach
    void tearDown() {
        driver.close();
    }

    private static HookEnvelope hook(String hookEventName, String cwd, String payload) {
        return HookEnvelope.newBuilder().setEventId("e-" + hookEventName).setReceivedAt(Instant.parse("2026-11-23T10:00:00Z"))
                .setHookEventName(hookEventName).setSessionId("s1").setCwd(cwd).setPayload(payload).build();
    }

    @Test
    void masksSecretsInEveryStringAndClassifiesACommand() {
        String payload = """
                {"session_id":"s1","hook_event_name":"PreToolUse","cwd":"/home/alice/shop","tool_name":"Bash","tool_use_id":"toolu_1",
                 "tool_input":{"command":"curl -H 'Authorization: Bearer 7f3a9c0e4b2d81f65a0c3e9b' https://api.example.com && export AWS_ACCESS_KEY_ID=AKIA2OGYBAH6STMMNXNN",
                 "description":"call the api"}}""";
        raw.pipeInput("s1", hook("PreToolUse", "/home/alice/shop", payload));

        var record = events.readRecord();
        AgentEvent event = record.value();
        assertThat(record.key()).isEqualTo("s1");
        assertThat(event.getEventType()).isEqualTo(EventType.command_execution);
        assertThat(event.getToolName()).isEqualTo("Bash");
        assertThat(event.getToolUseId()).isEqualTo("toolu_1");
        assertThat(event.getCwd()).isEqualTo("~/shop");
        assertThat(event.getProjectName()).isEqualTo("shop");
        assertThat(event.getCommand()).contains("[MASKED:authorization]", "[MASKED:aws_access_key]")
                .doesNotContain("7f3a9c0e4b2d81f65a0c3e9b", "AKIA2OGYBAH6STMMNXNN");
        assertThat(event.getPayload()).doesNotContain("7f3a9c0e4b2d81f65a0c3e9b", "AKIA2OGYBAH6STMMNXNN", "alice")
                .contains("call the api");
        assertThat(event.getMaskedValues()).isGreaterThanOrEqualTo(4);
        assertThat(events.isEmpty()).isTrue();
    }

    @Test
    void classifiesPathsBeforeMaskingAndCountsEachMaskedValueOnce() {
        String payload = """
                {"tool_name":"Bash","tool_use_id":"toolu_9","tool_input":{"command":"cat /home/alice/shop/.env && echo AKIA2OGYBAH6STMMNXNN"}}""";
        raw.pipeInput("s1", hook("PreToolUse", "/home/alice/shop", payload));

        AgentEvent event = events.readValue();
        assertThat(event.getCommand()).isEqualTo("cat ~/shop/.env && echo [MASKED:aws_access_key]");
        assertThat(event.getPaths()).extracting(PathRef::getPath, PathRef::getClass$)
                .containsExactly(tuple("~/shop/.env", PathClass.inside_project));
        // The command's home directory and key (once, though the command is both in the payload and on the event),
        // then the cwd, the project root and the touched path: five.
        assertThat(event.getMaskedValues()).isEqualTo(5);
    }

    @Test
    void masksSecretsAtTheStartOfALineOfToolOutputAndInFieldNames() {
        // In the payload's JSON text these follow an escaped newline ("\nAKIA..."), which hides the word boundary.
        String payload = """
                {"session_id":"s1","hook_event_name":"PostToolUse","tool_name":"Bash","tool_use_id":"toolu_2",
                 "tool_response":{"stdout":"keys:\\nAKIA2OGYBAH6STMMNXNN\\nDE89 3704 0044 0532 0130 00\\tbob@example.org",
                 "AKIA3OGYBAH6STMMNXNQ":"as a field name"}}""";
        raw.pipeInput("s1", hook("PostToolUse", "/home/alice/shop", payload));

        AgentEvent event = events.readValue();
        assertThat(event.getPayload()).doesNotContain("AKIA2OGYBAH6STMMNXNN", "DE89 3704", "bob@example.org", "AKIA3OGYBAH6STMMNXNQ")
                .contains("keys:\\n[MASKED:aws_access_key]\\n[MASKED:iban]\\t[MASKED:email]", "as a field name");
    }

    @Test
    void keepsTextOutsideAsciiAsItIsInThePayload() {
        // The payload is parsed and written as UTF-8 bytes: accents, CJK and emoji (surrogate pairs) come out unescaped.
        String payload = """
                {"tool_name":"Bash","tool_use_id":"toolu_3","tool_input":{"command":"echo 'Grüße, 日本語 😀' && echo AKIA2OGYBAH6STMMNXNN 🚀"}}""";
        raw.pipeInput("s1", hook("PreToolUse", "/home/alice/shop", payload));

        AgentEvent event = events.readValue();
        assertThat(event.getCommand()).isEqualTo("echo 'Grüße, 日本語 😀' && echo [MASKED:aws_access_key] 🚀");
        assertThat(event.getPayload()).contains("\"command\":\"echo 'Grüße, 日本語 😀' && echo [MASKED:aws_access_key] 🚀\"");
    }

    @Test
    void leavesTheEventsOwnIdsUnmaskedWhereverTheyAppear() {
        String stdout = "token refreshed for sess9Kq2vL9pXt2mWq3vL9pX by call7Zx4Lm2Np8Qr5Tv1Wy3B";
        // without the event's ids to keep, both would go: they look like tokens next to the word "token"
        assertThat(Masker.withDefaultRules().mask(stdout).text()).doesNotContain("sess9Kq2vL9pXt2mWq3vL9pX", "call7Zx4Lm2Np8Qr5Tv1Wy3B");
        String payload = "{\"session_id\":\"sess9Kq2vL9pXt2mWq3vL9pX\",\"tool_name\":\"Bash\",\"tool_use_id\":\"call7Zx4Lm2Np8Qr5Tv1Wy3B\","
                + "\"tool_response\":{\"stdout\":\"" + stdout + "\"}}";
        raw.pipeInput("sess9Kq2vL9pXt2mWq3vL9pX", HookEnvelope.newBuilder(hook("PostToolUse", "/w", payload)).setSessionId("sess9Kq2vL9pXt2mWq3vL9pX").build());
        AgentEvent event = events.readValue();
        assertThat(event.getPayload()).contains(stdout);
        assertThat(event.getToolUseId()).isEqualTo("call7Zx4Lm2Np8Qr5Tv1Wy3B");
    }

    @Test
    void aMaskedValueLeavesNoTail() {
        String payload = "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"export DB_PASSWORD=\\\"ab12cd&ef#gh$ij34\\\" && ./migrate\"}}";
        raw.pipeInput("s1", hook("PreToolUse", "/w", payload));
        AgentEvent event = events.readValue();
        assertThat(event.getPayload()).contains("[MASKED:password]", "&& ./migrate").doesNotContain("ab12cd", "ef#gh", "ij34");
        assertThat(event.getCommand()).doesNotContain("ab12cd", "ef#gh", "ij34");
    }

    @Test
    void aValueMaskedInThePayloadIsMaskedInThePathsReadFromIt() {
        String secret = "c3ZjLWluZ2VzdDpiNzFlLTQ4YzItOWYwMQ/x2ZTM0YTkxYjc=";
        String payload = "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"printf '%s' '\\\"auth_token\\\": \\\"" + secret
                + "\\\"' > ~/" + secret + "\"}}";
        raw.pipeInput("s1", hook("PreToolUse", "/home/alice/shop", payload));
        AgentEvent event = events.readValue();

        assertThat(event.toString()).doesNotContain(secret, secret.substring(0, 20));
        assertThat(event.getPaths()).extracting(PathRef::getPath).anySatisfy(path -> assertThat(path).startsWith("~/[MASKED:"));
    }

    @Test
    void keepsAPayloadThatIsNotJsonOnlyAsMaskedText() {
        raw.pipeInput("s1", hook("Mystery", null, "password=hunter22 not json"));
        AgentEvent event = events.readValue();
        assertThat(event.getEventType()).isEqualTo(EventType.unknown);
        assertThat(event.getPayload()).contains("unparsed", "[MASKED:password]").doesNotContain("hunter22");
    }

    @Test
    void chainsEachSessionsEventsSoThatChangesAndGapsShow() {
        raw.pipeInput("s1", hook("PreToolUse", "/w", "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"ls\"}}"));
        raw.pipeInput("s2", HookEnvelope.newBuilder(hook("Stop", "/w", "{}")).setSessionId("s2").setEventId("other").build());
        raw.pipeInput("s1", hook("PostToolUse", "/w", "{\"tool_name\":\"Bash\"}"));
        raw.pipeInput("s1", hook("Stop", "/w", "{}"));
        java.util.List<AgentEvent> out = events.readValuesToList();
        java.util.List<AgentEvent> s1 = out.stream().filter(e -> e.getSessionId().equals("s1")).toList();
        assertThat(s1).extracting(AgentEvent::getSequence).containsExactly(1L, 2L, 3L);
        assertThat(s1.get(0).getPreviousHash()).isNull();
        assertThat(s1.get(1).getPreviousHash()).isEqualTo(s1.get(0).getHash());
        assertThat(s1.get(2).getPreviousHash()).isEqualTo(s1.get(1).getHash());
        assertThat(out.stream().filter(e -> e.getSessionId().equals("s2")).findFirst().orElseThrow().getSequence()).isEqualTo(1L);
        for (AgentEvent e : s1) {
            assertThat(dev.agenttelemetry.enricher.chain.ChainHash.of(e, e.getSequence(), e.getPreviousHash()))
                    .as("anyone can recompute the hash").isEqualTo(e.getHash());
        }
        AgentEvent altered = AgentEvent.newBuilder(s1.get(1)).setPayload("{\"tool_name\":\"Bash\",\"edited\":true}").build();
        assertThat(dev.agenttelemetry.enricher.chain.ChainHash.of(altered, altered.getSequence(), altered.getPreviousHash()))
                .as("an altered event no longer matches its hash").isNotEqualTo(altered.getHash());
    }

    @Test
    void keepsDigestSizeAndLineCountsOfFileContentsButNeverTheContents() {
        raw.pipeInput("s1", hook("PreToolUse", "/w", "{\"tool_name\":\"Write\",\"tool_input\":{\"file_path\":\"/w/a.txt\","
                + "\"content\":\"alpha secret line\\nbeta\\ngamma\\n\"}}"));
        AgentEvent write = events.readValue();
        assertThat(write.getContent().getLines()).isEqualTo(3);
        assertThat(write.getContent().getLinesAdded()).isEqualTo(3);
        assertThat(write.getContent().getBytes()).isEqualTo(29);
        assertThat(write.getContent().getSha256()).hasSize(64);
        assertThat(write.getPayload()).doesNotContain("alpha secret line").contains("[content: 29 bytes, 3 lines, sha256 ");

        raw.pipeInput("s1", hook("PreToolUse", "/w", "{\"tool_name\":\"Edit\",\"tool_input\":{\"file_path\":\"/w/a.txt\","
                + "\"old_string\":\"a\\nb\\nc\",\"new_string\":\"a\\nB\\nB2\\nc\"}}"));
        AgentEvent edit = events.readValue();
        assertThat(edit.getContent().getLinesRemoved()).isEqualTo(1);
        assertThat(edit.getContent().getLinesAdded()).isEqualTo(2);

        raw.pipeInput("s1", hook("PostToolUse", "/w", "{\"tool_name\":\"Edit\",\"tool_input\":{\"old_string\":\"x\",\"new_string\":\"y\"},"
                + "\"tool_response\":{\"originalFile\":\"whole file body\",\"structuredPatch\":[{\"lines\":[\" k\",\"-x\",\"-x2\",\"+y\"]}]}}"));
        AgentEvent patched = events.readValue();
        assertThat(patched.getContent().getLinesRemoved()).isEqualTo(2);
        assertThat(patched.getContent().getLinesAdded()).isEqualTo(1);
        assertThat(patched.getPayload()).doesNotContain("whole file body").contains("[4 patch lines]");
    }

    @Test
    void readsPromptDetailsAndKeepsOnlyAMaskedPreview() {
        raw.pipeInput("s1", hook("UserPromptSubmit", "/w", "{\"prompt\":\"/review --think look at @src/App.java using sk-ant-api03-Qx7bF2kLm9Np4Rt6Vw8Yz1Ac3De5Fg7Hi9Jk then more words\"}"));
        AgentEvent event = events.readValue();
        assertThat(event.getEventType()).isEqualTo(EventType.user_prompt);
        assertThat(event.getPrompt().getSlashCommand()).isEqualTo("/review");
        assertThat(event.getPrompt().getFlags()).containsExactly("--think");
        assertThat(event.getPrompt().getMentions()).containsExactly("src/App.java");
        assertThat(event.getPrompt().getLength()).isGreaterThan(90);
        assertThat(event.getPrompt().getPreview()).hasSizeLessThanOrEqualTo(41).doesNotContain("sk-ant");
        assertThat(event.getPayload()).doesNotContain("then more words").doesNotContain("Qx7bF2");
    }

    private static HookEnvelope at(HookEnvelope envelope, String eventId, long secondsAfter) {
        return HookEnvelope.newBuilder(envelope).setEventId(eventId)
                .setReceivedAt(Instant.parse("2026-11-23T10:00:00Z").plusSeconds(secondsAfter)).build();
    }

    @Test
    void pairsEachToolCallWithItsResultInEitherOrder() {
        raw.pipeInput("s1", at(hook("PreToolUse", "/w", "{\"tool_name\":\"Bash\",\"tool_use_id\":\"t1\",\"tool_input\":{\"command\":\"ls\"}}"), "pre-1", 0));
        raw.pipeInput("s1", at(hook("PostToolUse", "/w", "{\"tool_name\":\"Bash\",\"tool_use_id\":\"t1\",\"tool_response\":{}}"), "post-1", 2));
        // out of order: the failure arrives before its pre
        raw.pipeInput("s1", at(hook("PostToolUseFailure", "/w", "{\"tool_name\":\"Bash\",\"tool_use_id\":\"t2\",\"error\":\"exit 1: password=hunter22\"}"), "post-2", 5));
        raw.pipeInput("s1", at(hook("PreToolUse", "/w", "{\"tool_name\":\"Bash\",\"tool_use_id\":\"t2\",\"tool_input\":{\"command\":\"make\"}}"), "pre-2", 4));
        // an old payload without tool_use_id pairs by tool and input
        raw.pipeInput("s1", at(hook("PreToolUse", "/w", "{\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"/w/a\"}}"), "pre-3", 6));
        raw.pipeInput("s1", at(hook("PostToolUse", "/w", "{\"tool_name\":\"Read\",\"tool_input\":{\"file_path\":\"/w/a\"},\"tool_response\":{}}"), "post-3", 7));

        Map<String, AgentEvent> byId = new java.util.HashMap<>();
        events.readValuesToList().forEach(e -> byId.put(e.getEventId(), e));
        assertThat(byId.get("pre-1").getPairing()).isNull();
        assertThat(byId.get("post-1").getPairing().getOtherEventId()).isEqualTo("pre-1");
        assertThat(byId.get("post-1").getPairing().getDurationMs()).isEqualTo(2_000);
        assertThat(byId.get("post-1").getPairing().getOutcome()).isEqualTo(dev.agenttelemetry.avro.ToolOutcome.success);
        assertThat(byId.get("post-2").getPairing()).isNull();
        assertThat(byId.get("pre-2").getPairing().getOtherEventId()).isEqualTo("post-2");
        assertThat(byId.get("pre-2").getPairing().getDurationMs()).isEqualTo(1_000);
        assertThat(byId.get("pre-2").getPairing().getOutcome()).isEqualTo(dev.agenttelemetry.avro.ToolOutcome.failure);
        assertThat(byId.get("pre-2").getPairing().getError()).contains("exit 1").doesNotContain("hunter22");
        assertThat(byId.get("post-3").getPairing().getOtherEventId()).isEqualTo("pre-3");
    }

    @Test
    void aToolCallWithoutResultEndsAsNoResultAfterTheGapAndIsChained() {
        raw.pipeInput("s1", HookEnvelope.newBuilder(hook("PreToolUse", "/w", "{\"tool_name\":\"Bash\",\"tool_use_id\":\"t9\",\"tool_input\":{\"command\":\"sleep 999\"}}"))
                .setEventId("pre-9").setReceivedAt(Instant.now()).build());
        AgentEvent pre = events.readValue();
        driver.advanceWallClockTime(java.time.Duration.ofMinutes(6));
        AgentEvent missing = events.readValue();
        assertThat(missing.getHookEventName()).isEqualTo("ToolResultMissing");
        assertThat(missing.getEventId()).isEqualTo("pre-9-no-result");
        assertThat(missing.getSessionId()).isEqualTo("s1");
        assertThat(missing.getPairing().getOutcome()).isEqualTo(dev.agenttelemetry.avro.ToolOutcome.no_result);
        assertThat(missing.getPairing().getOtherEventId()).isEqualTo("pre-9");
        assertThat(missing.getSequence()).isEqualTo(pre.getSequence() + 1);
        assertThat(missing.getPreviousHash()).isEqualTo(pre.getHash());
        driver.advanceWallClockTime(java.time.Duration.ofMinutes(6));
        assertThat(events.isEmpty()).as("reported once").isTrue();
    }

    @Test
    void takesTheActionDetailsOfEachTool() {
        raw.pipeInput("s1", hook("PreToolUse", "/w", "{\"tool_name\":\"mcp__github__create_issue\",\"tool_input\":{\"title\":\"x\"}}"));
        raw.pipeInput("s1", hook("PreToolUse", "/w", "{\"tool_name\":\"Task\",\"tool_input\":{\"subagent_type\":\"code-reviewer\",\"description\":\"review the diff\"}}"));
        raw.pipeInput("s1", hook("PreToolUse", "/w", "{\"tool_name\":\"Grep\",\"tool_input\":{\"pattern\":\"TODO\",\"path\":\"/w/src\"}}"));
        raw.pipeInput("s1", hook("PreToolUse", "/w", "{\"tool_name\":\"WebFetch\",\"tool_input\":{\"url\":\"https://docs.example.com/a?token=Zq8Lm3Nw5Kx7Vb2Rt9\"}}"));
        raw.pipeInput("s1", hook("PreToolUse", "/w", "{\"tool_name\":\"WebSearch\",\"tool_input\":{\"query\":\"kafka streams dlq\"}}"));
        List<AgentEvent> out = events.readValuesToList();
        assertThat(out.get(0).getEventType()).isEqualTo(EventType.mcp_tool);
        assertThat(out.get(0).getMcpServer()).isEqualTo("github");
        assertThat(out.get(0).getMcpTool()).isEqualTo("create_issue");
        assertThat(out.get(1).getSubagentType()).isEqualTo("code-reviewer");
        assertThat(out.get(1).getDescription()).isEqualTo("review the diff");
        assertThat(out.get(2).getPattern()).isEqualTo("TODO");
        assertThat(out.get(3).getUrl()).startsWith("https://docs.example.com/a?token=").doesNotContain("Zq8Lm3Nw5Kx7Vb2Rt9");
        assertThat(out.get(4).getQuery()).isEqualTo("kafka streams dlq");
    }

    @Test
    void classifiesFileEventsAndTakesTheirPath() {
        raw.pipeInput("s1", hook("PostToolUse", "/work/shop",
                "{\"tool_name\":\"Edit\",\"tool_input\":{\"file_path\":\"/work/shop/src/App.java\",\"old_string\":\"a\",\"new_string\":\"b\"}}"));
        AgentEvent event = events.readValue();
        assertThat(event.getEventType()).isEqualTo(EventType.file_edit);
        assertThat(event.getFilePath()).isEqualTo("/work/shop/src/App.java");
        assertThat(event.getProjectRoot()).isEqualTo("/work/shop");
        assertThat(event.getPaths()).containsExactly(new dev.agenttelemetry.avro.PathRef("/work/shop/src/App.java", dev.agenttelemetry.avro.PathClass.inside_project));
        assertThat(event.getOutsideProjectScope()).isFalse();

        raw.pipeInput("s1", HookEnvelope.newBuilder(hook("PreToolUse", "/home/alice/work/shop/src",
                "{\"tool_name\":\"Bash\",\"tool_input\":{\"command\":\"cd .. && cat ~/.ssh/id_rsa ../billing/pom.xml\"}}"))
                .setGitRoot("/home/alice/work/shop").build());
        AgentEvent bash = events.readValue();
        assertThat(bash.getProjectName()).isEqualTo("shop");
        assertThat(bash.getProjectRoot()).isEqualTo("~/work/shop");
        assertThat(bash.getOutsideProjectScope()).isTrue();
        assertThat(bash.getPaths()).extracting(p -> p.getPath() + " " + p.getClass$())
                .containsExactly("~/.ssh/id_rsa home_config", "~/work/billing/pom.xml sibling_project");
    }
}
