package io.kafkaedge.frontend;

import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.helidon.http.DirectHandler;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.helidon.webserver.http.Filter;

/**
 * HTTP hardening for every response: a strict Content-Security-Policy (scripts, styles and
 * connections from this server only, images also from the configured tile server and {@code data:}
 * — Leaflet blanks aborted tiles with a 1-pixel data-URI GIF; an image cannot run script — no
 * framing),
 * {@code X-Content-Type-Options: nosniff}, {@code Referrer-Policy: no-referrer}. The page has no
 * inline script or style, so nothing legitimate is blocked; a value from Kafka that slipped into
 * markup would be. Requests the server rejects before routing (bad encoding, bad request line)
 * get the same headers and a JSON error body that echoes nothing of the request.
 */
final class SecurityHeaders {

    private static final Pattern ORIGIN = Pattern.compile("^(https?)://([^/?#]+)");

    private final String csp;
    /** The headers every response carries, built once. */
    private final List<Header> responseHeaders;

    SecurityHeaders(FrontendConfig.MapView map) {
        csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:" + tileSource(map.tiles())
                + "; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
        responseHeaders = List.of(HeaderValues.create(HeaderNames.create("Content-Security-Policy"), csp),
                HeaderValues.create(HeaderNames.X_CONTENT_TYPE_OPTIONS, "nosniff"),
                HeaderValues.create(HeaderNames.create("Referrer-Policy"), "no-referrer"));
    }

    /** The policy sent with every response. */
    String contentSecurityPolicy() {
        return csp;
    }

    /**
     * The tile server's origin as a CSP source, Leaflet's {@code {s}} subdomain placeholder as a
     * wildcard; nothing when tiles are off or the template has no usable origin.
     */
    static String tileSource(String template) {
        Matcher m = ORIGIN.matcher(template == null ? "" : template);
        if (!m.find()) {
            return "";
        }
        String host = m.group(2).replace("{s}", "*");
        if (!host.matches("[A-Za-z0-9.*:\\[\\]-]+") || host.indexOf('*', 1) > 0) {
            return ""; // any other placeholder in the host: cannot be expressed, keep tiles blocked
        }
        return " " + m.group(1) + "://" + host;
    }

    /** Routing filter adding the headers before any handler runs. */
    Filter filter() {
        return (chain, req, res) -> {
            responseHeaders.forEach(res::header);
            chain.proceed();
        };
    }

    /** Answers of the server itself (before routing): JSON, the same headers, no echo of the request. */
    DirectHandlers directHandlers() {
        DirectHandlers.Builder builder = DirectHandlers.builder();
        for (DirectHandler.EventType type : DirectHandler.EventType.values()) {
            builder.addHandler(type, (request, eventType, status, headers, message) -> {
                Status s = status == null ? eventType.defaultStatus() : status;
                DirectHandler.TransportResponse.Builder answer = DirectHandler.TransportResponse.builder()
                        .status(s)
                        .headers(headers)
                        .header(HeaderNames.CONTENT_TYPE, "application/json");
                responseHeaders.forEach(answer::header);
                return answer
                        .entity(Json.bytes(new Json.ErrorView(s.code(), s.reasonPhrase(), null)))
                        .build();
            });
        }
        return builder.build();
    }
}
