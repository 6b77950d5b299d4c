package com.relay.security;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;
import org.springframework.web.filter.OncePerRequestFilter;
import org.springframework.web.util.UriUtils;

/**
 * What the console chain checks beyond sign-in and CSRF (issue 17 #8):
 * <ul>
 *   <li>a request whose {@code Origin} is another site is refused (403) before Jolokia sees it, so
 *       Jolokia never answers a foreign origin with credentialed CORS headers;</li>
 *   <li>Jolokia over GET (not covered by CSRF, and reachable from an {@code <img>} tag with the
 *       browser's cached Basic credentials) may only read: {@code read}, {@code list},
 *       {@code search} and {@code version}. {@code exec} and {@code write} go by POST, which needs
 *       the CSRF token; Hawtio sends every call by POST.</li>
 * </ul>
 */
final class ConsoleRequestGuard extends OncePerRequestFilter {

    static final Set<String> GET_TYPES = Set.of("read", "list", "search", "version");

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String origin = request.getHeader("Origin");
        if (origin != null && !sameOrigin(origin, request)) {
            refuse(response, "cross-origin requests are not allowed");
            return;
        }
        boolean read = "GET".equals(request.getMethod()) || "HEAD".equals(request.getMethod());
        if (read && !readOnlyJolokia(request)) {
            refuse(response, "only read, list, search and version are allowed over GET; use POST with the CSRF token");
            return;
        }
        chain.doFilter(request, response);
    }

    /** The Origin names the scheme, host and port this request was sent to. */
    static boolean sameOrigin(String origin, HttpServletRequest request) {
        try {
            URI o = URI.create(origin.trim());
            if (o.getScheme() == null || o.getHost() == null) return false;
            int port = o.getPort() >= 0 ? o.getPort() : ("https".equalsIgnoreCase(o.getScheme()) ? 443 : 80);
            return o.getScheme().equalsIgnoreCase(request.getScheme())
                    && o.getHost().equalsIgnoreCase(request.getServerName())
                    && port == request.getServerPort();
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** True unless the request is a Jolokia GET of another type than {@link #GET_TYPES}. */
    static boolean readOnlyJolokia(HttpServletRequest request) {
        String path = UriUtils.decode(request.getRequestURI(), StandardCharsets.UTF_8);
        int at = jolokiaIndex(path);
        if (at < 0) return true; // a console page, not Jolokia
        if (!allowedType(path.substring(at))) return false;
        String p = request.getParameter("p"); // Jolokia also takes its GET path from ?p=
        return p == null || allowedType(p);
    }

    private static int jolokiaIndex(String path) {
        for (int i = path.indexOf("/jolokia"); i >= 0; i = path.indexOf("/jolokia", i + 1)) {
            int end = i + "/jolokia".length();
            if (end == path.length() || path.charAt(end) == '/') return end;
        }
        return -1;
    }

    /** The request type is the first segment of the Jolokia path; none (the agent's version) is fine. */
    private static boolean allowedType(String jolokiaPath) {
        String rest = jolokiaPath;
        while (rest.startsWith("/")) rest = rest.substring(1);
        if (rest.isEmpty()) return true;
        int slash = rest.indexOf('/');
        String type = (slash < 0 ? rest : rest.substring(0, slash)).toLowerCase(Locale.ROOT);
        return GET_TYPES.contains(type);
    }

    private static void refuse(HttpServletResponse response, String message) throws IOException {
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.getWriter().write("{\"status\":403,\"error\":\"" + message + "\"}");
    }
}
