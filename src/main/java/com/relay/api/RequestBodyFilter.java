package com.relay.api;

import com.relay.config.RelaySettings;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.util.Collections;
import java.util.regex.Pattern;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Servlet-level guard in front of Camel's platform-http consumer, for what a route cannot do:
 * <ul>
 *   <li>the correlation id (docs/CONTRACT.md#correlation-ids) is resolved once and put on the response before
 *       anything else runs, so 404/405 answers from Spring MVC carry it too;</li>
 *   <li>platform-http reads every request body whole into a stream cache before the route starts.
 *       JSON bodies are therefore capped at {@code API_MAX_BODY_BYTES + 1} bytes here (the route
 *       answers 413 when the cap was reached), and the inbound upload body is hidden from Camel
 *       and handed to the upload bean as a raw stream so it is never buffered (docs/CONTRACT.md#endpoints).</li>
 * </ul>
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
public class RequestBodyFilter extends OncePerRequestFilter {

    public static final String CORRELATION_ID = "relay.correlationId";
    public static final String BODY_OVERFLOW = "relay.bodyOverflow";
    public static final String UPLOAD_STREAM = "relay.upload";
    public static final String BODY_STREAM = "relay.bodyStream";
    static final Pattern UPLOAD_PATH = Pattern.compile("^/v1/tenants/[^/]+/vendors/[^/]+/inbound/.+$");

    private final long maxBodyBytes;

    public RequestBodyFilter(RelaySettings settings) {
        this.maxBodyBytes = settings.api().maxBodyBytes();
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String correlationId = CorrelationIds.resolve(Collections.list(request.getHeaders(CorrelationIds.HEADER)));
        request.setAttribute(CORRELATION_ID, correlationId);
        response.setHeader(CorrelationIds.HEADER, correlationId);
        boolean upload = "PUT".equals(request.getMethod()) && UPLOAD_PATH.matcher(request.getRequestURI()).matches();
        // Camel sees an empty body; the route beans read the real one from the request attribute
        request.setAttribute(BODY_STREAM, upload ? request.getInputStream()
                : new CappedInputStream(request.getInputStream(), maxBodyBytes + 1, request));
        if (upload) request.setAttribute(UPLOAD_STREAM, Boolean.TRUE);
        chain.doFilter(new BodyWrapper(request), response);
    }

    /** Stops after {@code cap} bytes and marks the request as overflowing when the cap is reached. */
    static final class CappedInputStream extends ServletInputStream {
        private final InputStream in;
        private final long cap;
        private final HttpServletRequest request;
        private long read;
        private boolean finished;

        CappedInputStream(InputStream in, long cap, HttpServletRequest request) {
            this.in = in;
            this.cap = cap;
            this.request = request;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (finished) return -1;
            if (read >= cap) {
                if (cap > 0) request.setAttribute(BODY_OVERFLOW, Boolean.TRUE);
                finished = true;
                return -1;
            }
            int n = in.read(b, off, (int) Math.min(len, cap - read));
            if (n < 0) {
                finished = true;
                return -1;
            }
            read += n;
            if (read >= cap && cap > 0) request.setAttribute(BODY_OVERFLOW, Boolean.TRUE);
            return n;
        }

        @Override public boolean isFinished() { return finished; }
        @Override public boolean isReady() { return true; }
        @Override public void setReadListener(ReadListener listener) { throw new UnsupportedOperationException(); }
    }

    /** Hides the body from Camel's eager reader (it would buffer any size in memory). */
    private static final class BodyWrapper extends HttpServletRequestWrapper {
        BodyWrapper(HttpServletRequest request) {
            super(request);
        }

        @Override
        public ServletInputStream getInputStream() {
            return new CappedInputStream(InputStream.nullInputStream(), 0, (HttpServletRequest) getRequest());
        }

        @Override
        public java.io.BufferedReader getReader() {
            // a one-char buffer: the default one is 16 KB, allocated for every request's empty body
            return new java.io.BufferedReader(java.io.Reader.nullReader(), 1);
        }
    }
}
