package com.relay.sources;

import com.relay.worker.SourceAccess;
import java.net.URI;
import java.util.Locale;
import org.apache.camel.Exchange;
import org.apache.camel.component.http.HttpActivityListener;
import org.apache.camel.component.http.HttpClientConfigurer;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.DefaultRedirectStrategy;
import org.apache.hc.client5.http.impl.classic.HttpClientBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.HttpRequest;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;
import org.springframework.stereotype.Component;

/**
 * The HTTP client of the {@code http} endpoint of {@code direct:fetch-vendor-http}, referenced by the
 * endpoint's {@code httpClientConfigurer} and {@code httpActivityListener} options:
 * <ul>
 * <li>timeouts from SOURCE_CONNECT_TIMEOUT_SECONDS and SOURCE_READ_TIMEOUT_SECONDS (the read timeout
 * holds for every read of the body, so a server that stalls mid-file fails the fetch);</li>
 * <li>a redirect is followed only to the same host and port over https (a redirect elsewhere would
 * skip the network policy the URL passed and carry the credential to another server);</li>
 * <li>every request (redirects too) passes {@code sourceAccess.checkHost} and gets the vendor's
 * credential here, on the wire only: the secret is never a Camel header, so no trace, log or
 * message dump holds it. Camel hands the exchange to the activity listener, which is why the
 * credential is added there rather than in a plain request interceptor.</li>
 * </ul>
 */
@Component("httpSourceClient")
public class HttpSourceClient implements HttpClientConfigurer, HttpActivityListener {

    private final SourceAccess access;
    private final HttpSource source;

    public HttpSourceClient(SourceAccess access, HttpSource source) {
        this.access = access;
        this.source = source;
    }

    @Override
    public void configureHttpClient(HttpClientBuilder builder) {
        builder.setDefaultRequestConfig(RequestConfig.custom()
                .setConnectTimeout(Timeout.ofMilliseconds(access.connectTimeoutMillis()))
                .setConnectionRequestTimeout(Timeout.ofMilliseconds(access.connectTimeoutMillis()))
                .setResponseTimeout(Timeout.ofMilliseconds(access.readTimeoutMillis()))
                .build());
        builder.setRedirectStrategy(new SameHostHttpsRedirects());
        builder.disableCookieManagement();
        builder.disableAutomaticRetries();
    }

    @Override
    public void onRequestSubmitted(Object producer, Exchange exchange, HttpHost host, HttpRequest request, HttpEntity entity) {
        if (exchange == null) return;
        String requestHost = request.getAuthority() != null ? request.getAuthority().getHostName() : host.getHostName();
        access.checkHost(exchange, requestHost);
        String[] credential = source.credential(exchange.getExchangeId());
        if (credential != null) request.setHeader(credential[0], credential[1]);
    }

    @Override
    public void onResponseReceived(Object producer, Exchange exchange, HttpHost host, HttpResponse response,
                                   HttpEntity entity, long elapsed) {
        // nothing: the route reads the response
    }

    /** Follows a redirect only when it stays on the same host and port and is https. */
    static final class SameHostHttpsRedirects extends DefaultRedirectStrategy {
        @Override
        public boolean isRedirected(HttpRequest request, HttpResponse response, HttpContext context) throws ProtocolException {
            if (!super.isRedirected(request, response, context)) return false;
            URI next;
            try {
                next = getLocationURI(request, response, context);
            } catch (HttpException e) {
                return false; // a Location that is no URL: the 3xx reaches the route, which refuses it
            }
            return allowed(request.getScheme(), request.getAuthority() == null ? null : request.getAuthority().getHostName(),
                    request.getAuthority() == null ? -1 : request.getAuthority().getPort(), next);
        }

        static boolean allowed(String scheme, String host, int port, URI next) {
            if (host == null || next.getHost() == null || !"https".equalsIgnoreCase(next.getScheme())) return false;
            int from = port > 0 ? port : ("https".equalsIgnoreCase(scheme) ? 443 : 80);
            int to = next.getPort() > 0 ? next.getPort() : 443;
            return host.toLowerCase(Locale.ROOT).equals(next.getHost().toLowerCase(Locale.ROOT)) && from == to;
        }
    }
}
