package com.relay.sources;

import com.relay.tenants.config.TenantConfig;
import com.relay.worker.SourceAccess;
import com.relay.worker.SourceFiles;
import com.relay.worker.VendorFetch;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Exchange;
import org.springframework.stereotype.Component;

/**
 * The steps around the {@code http} endpoint of {@code direct:fetch-vendor-http} (docs/ROUTES.md
 * "Vendor sources: http and email"). {@link #prepare}: the URL checked against the network policy,
 * the auth secret resolved and held here, by exchange id, for {@link HttpSourceClient} to put on the
 * request: never in a Camel header, property, endpoint URI or log. {@link #received}: the status
 * decides (2xx a file, an empty body an empty file; 204, 404 and 410 nothing found; 401/403 SOURCE_AUTH_FAILED, 3xx refused, the rest
 * SOURCE_UNAVAILABLE) and the response headers describe the file. {@link #failed} classifies what the
 * endpoint threw; {@link #finish} forgets the secret and the HTTP headers.
 */
@Component("httpSource")
public class HttpSource {

    /** The split's property holding the {@link VendorFetch} (RunInputs' {@code relayFetch}). */
    static final String FETCH = "relayFetch";
    /** Whether {@link #received} found a file ({@code Boolean}). */
    public static final String FOUND = "relayHttpFound";
    /** The header names on the message before the call: {@link #finish} removes every other. */
    static final String HEADERS_BEFORE = "relayHttpHeadersBefore";

    private static final Pattern FILENAME_STAR = Pattern.compile("(?i)filename\\*\\s*=\\s*(?:UTF-8|ISO-8859-1)?'[^']*'([^;]+)");
    private static final Pattern FILENAME = Pattern.compile("(?i)filename\\s*=\\s*(\"([^\"]*)\"|[^;\\s]+)");

    private final SourceAccess access;
    /** The request header per exchange id that is being fetched: the secret lives only here, for the call. */
    private final Map<String, String[]> credentials = new ConcurrentHashMap<>();

    public HttpSource(SourceAccess access) {
        this.access = access;
    }

    /** Before the call: the URL's host allowed, the credential resolved, {@code CamelHttpUri} set. */
    public void prepare(Exchange exchange) {
        TenantConfig.Remote remote = fetch(exchange).getRemote();
        URI uri = uri(fetch(exchange).getVendorId(), remote.url());
        access.checkHost(exchange, uri.getHost());
        String[] header = header(exchange, remote.auth());
        if (header != null) credentials.put(exchange.getExchangeId(), header);
        exchange.setProperty(HEADERS_BEFORE, new HashSet<>(exchange.getMessage().getHeaders().keySet()));
        exchange.getMessage().removeHeaders("CamelHttp*");
        exchange.getMessage().setHeader(Exchange.HTTP_URI, remote.url());
        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "GET");
        exchange.getMessage().setBody(null);
    }

    /** The request header {@link HttpSourceClient} adds for this exchange ({name, value}), or null. */
    String[] credential(String exchangeId) {
        return credentials.get(exchangeId);
    }

    /** The response: a file to store, nothing there, or an error (the body closed unless it is the file). */
    public void received(Exchange exchange) {
        String vendor = fetch(exchange).getVendorId();
        String where = where(fetch(exchange).getRemote().url());
        int status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, 0, Integer.class);
        if (status == 204) {
            // "No Content": the vendor says there is no file, like 404 (REQUIRED_VENDOR_MISSING when required)
            closeBody(exchange);
            exchange.setProperty(FOUND, false);
            return;
        }
        if (status >= 200 && status < 300) {
            // a 2xx without a body (Content-Length 0) is an empty file, stored as such: the engine judges it
            if (exchange.getMessage().getBody() == null) exchange.getMessage().setBody(InputStream.nullInputStream());
            describe(exchange, status);
            exchange.setProperty(FOUND, true);
            return;
        }
        closeBody(exchange);
        if (status == 404 || status == 410) {
            // the vendor has not published the file (yet): a missing vendor, REQUIRED_VENDOR_MISSING if required
            exchange.setProperty(FOUND, false);
            return;
        }
        if (status == 401 || status == 403) {
            throw new SourceRefusedException(SourceErrors.AUTH_FAILED, vendor, where + " answered " + status
                    + " (check inbound.auth and its secret)", null);
        }
        if (status >= 300 && status < 400) {
            String location = exchange.getMessage().getHeader("Location", String.class);
            throw new SourceRefusedException(SourceErrors.NOT_ALLOWED, vendor, where + " answered " + status
                    + " redirecting to " + (location == null ? "nowhere" : where(location))
                    + ": only a redirect to the same host over https is followed; set inbound.url to the final address", null);
        }
        throw new SourceUnavailableException(vendor, where + " answered " + status, null);
    }

    /** What the http step threw, as a source error (rethrown). */
    public void failed(Exchange exchange) {
        Throwable caught = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Throwable.class);
        closeBody(exchange);
        throw SourceFailures.classify(caught, fetch(exchange).getVendorId(),
                where(fetch(exchange).getRemote().url()));
    }

    /** Always last: the secret forgotten, the HTTP request and response headers gone from the message. */
    public void finish(Exchange exchange) {
        credentials.remove(exchange.getExchangeId());
        @SuppressWarnings("unchecked")
        Set<String> before = exchange.getProperty(HEADERS_BEFORE, Set.class);
        exchange.removeProperty(HEADERS_BEFORE);
        exchange.removeProperty(FOUND);
        if (before != null) exchange.getMessage().getHeaders().keySet().removeIf(name -> !before.contains(name));
    }

    /** Fetches in progress (the secrets held): none once every route has finished. */
    public int inFlight() {
        return credentials.size();
    }

    private void describe(Exchange exchange, int status) {
        var message = exchange.getMessage();
        String url = fetch(exchange).getRemote().url();
        Long length = contentLength(message.getHeader(Exchange.CONTENT_LENGTH, String.class));
        boolean encoded = message.getHeader("Content-Encoding") != null;
        // a compressed body is inflated by the client: its announced length is not the file's
        exchange.setProperty(SourceFiles.SIZE, length == null || encoded ? -1L : length);
        Instant modified = httpDate(message.getHeader("Last-Modified", String.class));
        if (modified != null) exchange.setProperty(SourceFiles.MODIFIED, modified);
        exchange.setProperty(SourceFiles.NAME, fileName(message.getHeader("Content-Disposition", String.class), url));
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("url", where(url));
        manifest.put("http_status", status); // not "status": input_manifest.json uses it for found/missing
        manifest.put("content_type", message.getHeader(Exchange.CONTENT_TYPE, String.class));
        exchange.setProperty(SourceFiles.MANIFEST, manifest);
    }

    private String[] header(Exchange exchange, TenantConfig.HttpAuth auth) {
        if (auth == null) return null;
        return switch (auth.type()) {
            case "basic" -> new String[] {"Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (auth.username() + ":" + access.secret(exchange, auth.password())).getBytes(StandardCharsets.UTF_8))};
            case "bearer" -> new String[] {"Authorization", "Bearer " + access.secret(exchange, auth.token())};
            case "header" -> new String[] {auth.name(), access.secret(exchange, auth.value())};
            default -> throw new IllegalStateException("auth.type " + auth.type() + " passed validation");
        };
    }

    static URI uri(String vendor, String url) {
        try {
            URI uri = new URI(url);
            if (uri.getHost() == null) throw new URISyntaxException(url, "no host");
            return uri;
        } catch (URISyntaxException e) {
            throw new SourceRefusedException(SourceErrors.NOT_ALLOWED, vendor, "inbound.url is not a URL with a host", null);
        }
    }

    /**
     * The URL as logs, errors and input_manifest.json show it: without its query (it may carry a
     * token: docs/CONFIG_SPEC.md "Vendor sources"), user info or fragment.
     */
    public static String where(String url) {
        try {
            URI u = new URI(url);
            return new URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), null, null).toString();
        } catch (URISyntaxException | RuntimeException e) {
            return "(an invalid URL)";
        }
    }

    /** Content-Disposition's filename (filename* first), else the URL path's last segment, else null. */
    static String fileName(String disposition, String url) {
        if (disposition != null) {
            Matcher star = FILENAME_STAR.matcher(disposition);
            if (star.find()) return URLDecoder.decode(star.group(1).trim(), StandardCharsets.UTF_8);
            Matcher plain = FILENAME.matcher(disposition);
            if (plain.find()) return plain.group(2) != null ? plain.group(2) : plain.group(1);
        }
        try {
            String path = new URI(url).getPath();
            if (path == null || path.isEmpty() || path.endsWith("/")) return null;
            return path.substring(path.lastIndexOf('/') + 1);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    static Long contentLength(String value) {
        if (value == null) return null;
        try {
            long n = Long.parseLong(value.trim());
            return n >= 0 ? n : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    static Instant httpDate(String value) {
        if (value == null) return null;
        try {
            return ZonedDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static void closeBody(Exchange exchange) {
        Object body = exchange.getMessage().getBody();
        if (body instanceof Closeable c) {
            try {
                c.close();
            } catch (IOException e) {
                // an error answer's body: nothing to keep
            }
        }
        if (body instanceof InputStream) exchange.getMessage().setBody(null);
    }

    /** The vendor being fetched: the split's {@code relayFetch} property (docs/ROUTES.md "Adding a vendor source"). */
    static VendorFetch fetch(Exchange exchange) {
        return exchange.getProperty(FETCH, VendorFetch.class);
    }
}
