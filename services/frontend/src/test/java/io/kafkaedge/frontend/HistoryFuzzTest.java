package io.kafkaedge.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.metrics.api.Metrics;
import io.helidon.webserver.WebServer;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * {@code GET /api/sensors/{id}/history} under hostile request targets, sent byte for byte over a
 * socket (no client library normalising them): odd and broken percent-encodings, {@code ../},
 * {@code %00}, markup, unicode, huge values, bad numbers and dates. The answer is always 400 or
 * 404 (414 for a request line too long; 200 only for the one real sensor) with a JSON body that
 * carries no markup, and the hardening headers; never a 500.
 */
@SuppressWarnings("removal") // Metrics.globalRegistry(), as Main uses it
class HistoryFuzzTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-11-24T19:00:00Z");
    private static final List<String> HOSTILE = List.of("", "..", "../..", "..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f",
            "%00", "a%00b", "%", "%zz", "%c0%af", "%ff%fe", "<img src=x onerror=alert(1)>",
            "%3Cscript%3Ealert(1)%3C%2Fscript%3E", "\"'\\", "%22%27%5C", "ü", "%C3%BC", "𝄞", "%F0%9D%84%9E",
            "\u0000", "%0d%0aSet-Cookie:%20x=1", "fuzz-1", "fuzz-1/..", "fuzz-1%2F..", "x".repeat(3000).substring(0, 2990),
            "%E2%80%A8", "\t", "+", "%20", "?", "#", ";", "fuzz-1;jsessionid=1", "*");
    private static final List<String> VALUES = List.of("", "yesterday", "2026-11-24T18:00:00Z", "2026-13-01",
            "-1", "1e309", "NaN", "9999999999999999999999", "+1000000000-12-31T23:59:59Z",
            "-1000000000-01-01T00:00:00Z", "2026-11-24T18:00:00%2B01:00", "%00", "%", "%zz", "<b>", "%3Cb%3E",
            "2026-11-24T18:00:00.1234567890Z", "ü", "x".repeat(5000), "2026-02-30T00:00:00Z", "0", "true");

    private static Frontend frontend;
    private static WebServer server;

    @BeforeContainer
    static void start() {
        frontend = Frontend.create(Fixtures.config(Map.of()), new Fixtures.MutableClock(NOW),
                Metrics.globalRegistry(), Map.of());
        frontend.store().accept(Fixtures.aggregate("fuzz-1", "prague", NOW.minus(Duration.ofMinutes(2)), 20));
        server = Main.features(WebServer.builder().port(0), frontend)
                .routing(routing -> Main.routing(routing, frontend))
                .build()
                .start();
    }

    @AfterContainer
    static void stop() {
        if (server != null) {
            server.stop();
        }
        if (frontend != null) {
            frontend.close();
        }
    }

    @Provide
    Arbitrary<String> pieces() {
        Arbitrary<String> encoded = Arbitraries.strings().ofMaxLength(40).map(HistoryFuzzTest::percentEncode);
        Arbitrary<String> raw = Arbitraries.strings().ofMaxLength(20)
                .map(s -> s.replace(" ", "").replace("\r", "").replace("\n", ""));
        return Arbitraries.oneOf(Arbitraries.of(HOSTILE), encoded, raw, Arbitraries.of(VALUES));
    }

    @Provide
    Arbitrary<String> values() {
        return Arbitraries.oneOf(Arbitraries.of(VALUES), Arbitraries.of(HOSTILE),
                Arbitraries.strings().ofMaxLength(40).map(HistoryFuzzTest::percentEncode));
    }

    @Provide
    Arbitrary<String> targets() {
        return Combinators.combine(pieces(), values(), values(), Arbitraries.integers().between(0, 3))
                .as((id, from, to, shape) -> switch (shape) {
                    case 0 -> "/api/sensors/" + id + "/history";
                    case 1 -> "/api/sensors/" + id + "/history?from=" + from;
                    case 2 -> "/api/sensors/" + id + "/history?from=" + from + "&to=" + to;
                    default -> "/api/sensors/" + id + "/history?to=" + to + "&" + from + "=" + to;
                });
    }

    @Property(tries = 400)
    void historyAnswersHostileTargetsWithA4xxJsonBody(@ForAll("targets") String target) throws IOException {
        Response r = get(target);
        assertThat(r.status).as(target).isIn(200, 400, 404, 414); // 414: a request line over Helidon's limit
        assertThat(r.headers.get("content-type")).as(target).startsWith("application/json");
        assertThat(r.headers).as(target).containsKeys("content-security-policy", "x-content-type-options");
        assertThat(r.body).as(target).doesNotContain("<", ">");
        JsonNode body = JSON.readTree(r.body);
        if (r.status == 200) {
            assertThat(body.get("id").asText()).isEqualTo("fuzz-1");
            assertThat(body.get("time").isArray()).isTrue();
        } else {
            assertThat(body.get("status").asInt()).as(target).isEqualTo(r.status);
            assertThat(body.get("error").isTextual()).isTrue();
        }
    }

    /** Each UTF-8 byte as %XX (some left raw when they are unreserved). */
    private static String percentEncode(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (Character.isLetterOrDigit(c) && c < 128) {
                b.append((char) c);
            } else {
                b.append('%').append(String.format(Locale.ROOT, "%02X", c));
            }
        }
        return b.toString();
    }

    private record Response(int status, Map<String, String> headers, String body) {
    }

    /** One HTTP/1.1 request with the target exactly as given (UTF-8 bytes for anything non-ASCII). */
    private static Response get(String target) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", server.port())) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
                int c = in.read();
                assertThat(c).as("a complete response head to " + target + ": " + head).isNotNegative();
                head.write(c);
            }
            String[] lines = head.toString(StandardCharsets.ISO_8859_1).trim().split("\r\n");
            int status = Integer.parseInt(lines[0].split(" ")[1]);
            Map<String, String> headers = new HashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
            }
            String body;
            if (headers.containsKey("content-length")) {
                body = new String(in.readNBytes(Integer.parseInt(headers.get("content-length"))), StandardCharsets.UTF_8);
            } else {
                ByteArrayOutputStream chunks = new ByteArrayOutputStream();
                while (!chunks.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n0\r\n\r\n")) {
                    int c = in.read();
                    if (c < 0) {
                        break;
                    }
                    chunks.write(c);
                }
                body = dechunk(chunks.toString(StandardCharsets.UTF_8));
            }
            return new Response(status, headers, body);
        }
    }

    private static String dechunk(String chunked) {
        StringBuilder b = new StringBuilder();
        int i = 0;
        while (true) {
            int eol = chunked.indexOf("\r\n", i);
            int size = Integer.parseInt(chunked.substring(i, eol).trim(), 16);
            if (size == 0) {
                return b.toString();
            }
            // sizes count bytes: the body is JSON with non-ASCII escaped, so bytes = chars here
            b.append(chunked, eol + 2, eol + 2 + size);
            i = eol + 2 + size + 2;
        }
    }
}
