package dev.agenttelemetry.collector;

import dev.agenttelemetry.avro.HookEnvelope;
import dev.agenttelemetry.collector.context.LocalContext;

import java.time.Instant;
import java.util.Optional;

/** Stamps a received hook with a time-ordered event id, the receive time and (optionally) local context. */
public final class EnvelopeFactory {
    private final EventIds eventIds = new EventIds();
    private final Optional<LocalContext> context;

    public EnvelopeFactory(Optional<LocalContext> context) {
        this.context = context;
    }

    public HookEnvelope create(HookRequest hook, String payload, String source, Instant receivedAt) {
        HookEnvelope.Builder envelope = HookEnvelope.newBuilder()
                .setEventId(eventIds.next(receivedAt.toEpochMilli()).toString())
                .setReceivedAt(receivedAt)
                .setSource(source)
                .setHookEventName(hook.hookEventName())
                .setKnownHookEvent(hook.knownHookEvent())
                .setSessionId(hook.sessionId())
                .setCwd(hook.cwd())
                .setPayload(payload);
        context.ifPresent(local -> {
            envelope.setHost(local.host()).setOsUser(local.osUser());
            local.git(hook.cwd()).ifPresent(git -> envelope.setGitRoot(git.root()).setGitBranch(git.branch()).setGitCommit(git.commit()));
        });
        return envelope.build();
    }
}
