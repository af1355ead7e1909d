package dev.agenttelemetry.collector;

import java.util.concurrent.ThreadLocalRandom;
import java.util.UUID;

/**
 * Time-ordered event ids (UUIDv7, RFC 9562): 48 bits of Unix milliseconds, then a 12-bit counter that
 * keeps ids from one collector strictly increasing within a millisecond, then 62 random bits. The random
 * bits only keep collectors apart; they need not be unpredictable, so no SecureRandom on the hot path.
 */
public final class EventIds {
    private long lastMillis;
    private int counter;

    public synchronized UUID next(long nowMillis) {
        if (nowMillis > lastMillis) {
            lastMillis = nowMillis;
            counter = ThreadLocalRandom.current().nextInt(1 << 11); // start low in the 12-bit range to leave room for increments
        } else if (++counter >= (1 << 12)) {
            lastMillis++; // counter exhausted: borrow the next millisecond rather than lose ordering
            counter = 0;
        }
        long msb = (lastMillis << 16) | (0x7L << 12) | counter;
        long lsb = (ThreadLocalRandom.current().nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }
}
