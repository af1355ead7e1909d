package dev.agenttelemetry.benchmarks;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Sends generated requests to the collector over raw HTTP/1.1 (so headers and framing can be abused too):
 * malformed, truncated, mutated, deeply nested, oversized and invalid-UTF-8 bodies, wrong types for known
 * fields, unknown hook events, bad headers and framing, wrong methods and paths, batches, with valid
 * events in between. Every answer must be a 2xx, or a 4xx with a reason in its body, within the timeout;
 * the event ids of accepted valid events are kept so the caller can check they all reached Kafka.
 */
final class HookFuzzer {
    static final int ANSWER_TIMEOUT_MS = 10_000;
    private static final String[] EVENTS = {"PreToolUse", "PostToolUse", "UserPromptSubmit", "SessionStart", "Stop", "Notification"};

    /** What the run saw. {@code violations}: answers that broke the contract (first 50 kept). */
    record Result(long requests, Map<String, Long> byCategory, Map<Integer, Long> byStatus, long violationCount, List<String> violations,
                  Set<String> acceptedValidIds, long validSent, double seconds) {
    }

    private record Request(String category, byte[] bytes, boolean closeAfter, boolean valid) {
    }

    private final URI base;
    private final Map<String, AtomicLong> byCategory = new ConcurrentHashMap<>();
    private final Map<Integer, AtomicLong> byStatus = new ConcurrentHashMap<>();
    private final List<String> violations = Collections.synchronizedList(new ArrayList<>());
    private final AtomicLong violationCount = new AtomicLong();
    private final Set<String> acceptedValid = ConcurrentHashMap.newKeySet();
    private final AtomicLong validSent = new AtomicLong();

    HookFuzzer(URI base) {
        this.base = base;
    }

    Result run(int requests, long seed, int threads) throws InterruptedException {
        long start = System.nanoTime();
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int worker = t;
            int share = requests / threads + (t < requests % threads ? 1 : 0);
            Thread thread = new Thread(() -> work(new Random(seed * 31 + worker), share, worker), "fuzz-" + t);
            workers.add(thread);
            thread.start();
        }
        for (Thread thread : workers) {
            thread.join();
        }
        Map<String, Long> categories = new TreeMap<>();
        byCategory.forEach((k, v) -> categories.put(k, v.get()));
        Map<Integer, Long> statuses = new TreeMap<>();
        byStatus.forEach((k, v) -> statuses.put(k, v.get()));
        return new Result(requests, categories, statuses, violationCount.get(), List.copyOf(violations), Set.copyOf(acceptedValid),
                validSent.get(), (System.nanoTime() - start) / 1e9);
    }

    private void work(Random random, int count, int worker) {
        Socket socket = null;
        String previous = "none";
        for (int i = 0; i < count; i++) {
            Request request = generate(random, worker + "-" + i); // a generator bug must not end the run silently: it throws here
            byCategory.computeIfAbsent(request.category(), c -> new AtomicLong()).incrementAndGet();
            if (request.valid()) {
                validSent.incrementAndGet();
            }
            try {
                if (socket == null || socket.isClosed()) {
                    socket = new Socket();
                    socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5_000);
                    socket.setSoTimeout(ANSWER_TIMEOUT_MS);
                }
                OutputStream out = socket.getOutputStream();
                try {
                    out.write(request.bytes());
                    out.flush();
                } catch (IOException e) {
                    // A server may answer early (413 on the declared length) and close before the body is sent:
                    // the answer is already on its way, so read it rather than count the request as failed.
                }
                Answer answer = read(new BufferedInputStream(socket.getInputStream()));
                check(request, answer);
                if (request.closeAfter() || answer.close()) {
                    socket.close();
                }
            } catch (java.net.SocketTimeoutException e) {
                violation(request, "no answer within " + ANSWER_TIMEOUT_MS + " ms (hang; before it on this connection: " + previous + ")");
                socket = closeQuietly(socket);
            } catch (IOException | RuntimeException e) {
                violation(request, "no usable answer (" + e + "; before it on this connection: " + previous + ")");
                socket = closeQuietly(socket);
            }
            previous = socket == null ? "none (new connection)" : request.category();
        }
        closeQuietly(socket);
    }

    private void check(Request request, Answer answer) {
        byStatus.computeIfAbsent(answer.status(), s -> new AtomicLong()).incrementAndGet();
        int status = answer.status();
        if (status >= 200 && status < 300) {
            if (request.valid() && answer.eventId() != null) {
                acceptedValid.add(answer.eventId());
            } else if (request.valid()) {
                violation(request, "accepted without an X-Event-Id");
            }
        } else if (status >= 400 && status < 500) {
            if (answer.body().isBlank()) {
                violation(request, status + " without a reason");
            }
            if (request.valid()) {
                violation(request, "a valid event refused: " + status + " " + answer.body());
            }
        } else {
            violation(request, "answered " + status + " " + answer.body());
        }
    }

    private void violation(Request request, String what) {
        violationCount.incrementAndGet();
        if (violations.size() < 50) {
            violations.add(request.category() + ": " + what);
        }
    }

    // --- generation ---

    private Request generate(Random random, String id) {
        String session = "fuzz-session-" + random.nextInt(20);
        String valid = "{\"session_id\":\"" + session + "\",\"hook_event_name\":\"" + EVENTS[random.nextInt(EVENTS.length)] + "\",\"cwd\":\"/home/dev/shop\","
                + "\"tool_name\":\"Bash\",\"tool_use_id\":\"toolu_" + id + "\",\"tool_input\":{\"command\":\"echo " + id + " && ls -la\"}}";
        int pick = random.nextInt(1000);
        if (pick < 150) {
            return post("valid", "/v1/hooks", "application/json", bytes(valid), false, true);
        } else if (pick < 280) {
            return post("malformed", "/v1/hooks", "application/json", mutate(bytes(valid), random), false, false);
        } else if (pick < 380) {
            return post("truncated", "/v1/hooks", "application/json", bytes(valid.substring(0, random.nextInt(valid.length()))), false, false);
        } else if (pick < 430) {
            int depth = 100 + random.nextInt(20_000);
            return post("deeply_nested", "/v1/hooks", "application/json",
                    bytes("{\"session_id\":\"" + session + "\",\"hook_event_name\":\"PreToolUse\",\"tool_input\":" + "[".repeat(depth) + "]".repeat(depth) + "}"),
                    false, false);
        } else if (pick < 433) {
            return post("oversized", "/v1/hooks", "application/json", bytes("{\"session_id\":\"" + session + "\",\"hook_event_name\":\"PreToolUse\","
                    + "\"tool_input\":{\"content\":\"" + "x".repeat(1_700_000) + "\"}}"), true, false);
        } else if (pick < 480) {
            byte[] body = bytes(valid);
            int at = body.length / 2;
            body[at] = (byte) 0xC3;
            body[at + 1] = (byte) (random.nextBoolean() ? 0x28 : 0xFF);
            return post("invalid_utf8", "/v1/hooks", "application/json", body, false, false);
        } else if (pick < 580) {
            String[] wrong = {"{\"session_id\":123,\"hook_event_name\":\"PreToolUse\"}", "{\"session_id\":null,\"hook_event_name\":\"Stop\"}",
                    "{\"session_id\":{\"a\":1},\"hook_event_name\":\"Stop\"}", "{\"session_id\":\"" + session + "\",\"hook_event_name\":[]}",
                    "{\"session_id\":\"" + session + "\",\"hook_event_name\":\"PreToolUse\",\"tool_name\":5,\"tool_input\":\"rm\"}",
                    "{\"session_id\":\"" + session + "\",\"hook_event_name\":\"PreToolUse\",\"cwd\":true,\"tool_use_id\":[1,2]}",
                    "[]", "\"just a string\"", "null", "42", "{}"};
            return post("wrong_types", "/v1/hooks", "application/json", bytes(wrong[random.nextInt(wrong.length)]), false, false);
        } else if (pick < 630) {
            return post("unknown_event", "/v1/hooks", "application/json", bytes("{\"session_id\":\"" + session + "\",\"hook_event_name\":\"Fuzz"
                    + random.nextInt(1000) + "\",\"whatever\":{\"x\":[1,2,3]}}"), false, true);
        } else if (pick < 680) {
            String ndjson = valid + "\n{broken\n" + valid.replace("Bash", "Read") + "\n{\"session_id\":7}\n";
            return post("batch", "/v1/hooks/batch", "application/x-ndjson", bytes(ndjson), false, false);
        } else {
            return headerAbuse(random, valid);
        }
    }

    private Request headerAbuse(Random random, String valid) {
        byte[] body = bytes(valid);
        switch (random.nextInt(10)) {
            case 0:
                return raw("no_content_type", "POST /v1/hooks HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n", body, false);
            case 1:
                return post("wrong_content_type", "/v1/hooks", random.nextBoolean() ? "text/plain" : "application/xml", body, false, false);
            case 2:
                return raw("huge_header", "POST /v1/hooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nX-Junk: " + "j".repeat(20_000)
                        + "\r\nContent-Length: " + body.length + "\r\n\r\n", body, true);
            case 3:
                StringBuilder many = new StringBuilder("POST /v1/hooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n");
                for (int i = 0; i < 300; i++) {
                    many.append("X-H").append(i).append(": v\r\n");
                }
                return raw("many_headers", many + "Content-Length: " + body.length + "\r\n\r\n", body, true);
            case 4:
                return raw("bad_content_length", "POST /v1/hooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n",
                        body, true);
            case 5:
                return raw("bad_chunking", "POST /v1/hooks HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "zz\r\n", body, true);
            case 6:
                return raw("bad_method", "FOO /v1/hooks HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", new byte[0], false);
            case 7:
                return raw("bad_path", "POST /v1/hooks/../../etc/passwd HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\n\r\n", body, false);
            case 8:
                return raw("get_on_post", "GET /v1/hooks HTTP/1.1\r\nHost: x\r\n\r\n", new byte[0], false);
            default:
                return raw("wrong_auth", "POST /v1/hooks HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer \u0000\u0001" + "x".repeat(random.nextInt(100))
                        + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n", body, false);
        }
    }

    private Request post(String category, String path, String contentType, byte[] body, boolean closeAfter, boolean valid) {
        return raw(category, "POST " + path + " HTTP/1.1\r\nHost: " + base.getHost() + "\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\n\r\n", body, closeAfter, valid);
    }

    private Request raw(String category, String head, byte[] body, boolean closeAfter) {
        return raw(category, head, body, closeAfter, false);
    }

    private static Request raw(String category, String head, byte[] body, boolean closeAfter, boolean valid) {
        byte[] headBytes = head.getBytes(StandardCharsets.ISO_8859_1);
        byte[] all = new byte[headBytes.length + body.length];
        System.arraycopy(headBytes, 0, all, 0, headBytes.length);
        System.arraycopy(body, 0, all, headBytes.length, body.length);
        return new Request(category, all, closeAfter, valid);
    }

    private static byte[] mutate(byte[] body, Random random) {
        byte[] out = body.clone();
        for (int i = 1 + random.nextInt(4); i > 0; i--) {
            String noise = "{}[]\",:\\ \u0000x9";
            out[random.nextInt(out.length)] = (byte) noise.charAt(random.nextInt(noise.length()));
        }
        return out;
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    // --- reading answers ---

    private record Answer(int status, String body, String eventId, boolean close) {
    }

    private static Answer read(InputStream in) throws IOException {
        String statusLine = line(in);
        if (statusLine == null || !statusLine.startsWith("HTTP/1.")) {
            throw new IOException("no status line" + (statusLine == null ? "" : ": " + statusLine));
        }
        int status = Integer.parseInt(statusLine.substring(9, 12));
        long length = -1;
        boolean chunked = false;
        boolean close = false;
        String eventId = null;
        for (String header = line(in); header != null && !header.isEmpty(); header = line(in)) {
            int colon = header.indexOf(':');
            String name = header.substring(0, Math.max(colon, 0)).trim().toLowerCase();
            String value = header.substring(colon + 1).trim();
            switch (name) {
                case "content-length" -> length = Long.parseLong(value);
                case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
                case "connection" -> close = value.equalsIgnoreCase("close");
                case "x-event-id" -> eventId = value;
                default -> {
                }
            }
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        if (chunked) {
            for (long size = Long.parseLong(line(in).trim(), 16); size > 0; size = Long.parseLong(line(in).trim(), 16)) {
                body.write(in.readNBytes((int) size));
                line(in);
            }
            line(in);
        } else if (length > 0) {
            body.write(in.readNBytes((int) length));
        } else if (length < 0 && status != 204 && status != 304) {
            body.write(in.readAllBytes());
            close = true;
        }
        return new Answer(status, body.toString(StandardCharsets.UTF_8), eventId, close);
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != -1; c = in.read()) {
            if (c == '\n') {
                return line.toString().replaceAll("\r$", "");
            }
            line.append((char) c);
        }
        return line.isEmpty() ? null : line.toString();
    }

    private static Socket closeQuietly(Socket socket) {
        if (socket != null) {
            try {
                socket.close();
            } catch (IOException e) {
                // already broken
            }
        }
        return null;
    }
}
