package com.relay.security;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The network policy of outbound connections to tenant-named hosts: ntfy servers
 * (docs/CONTRACT.md#the-ntfy-request "Destination policy") and vendor sources (docs/INFRA.md "Vendor
 * sources", enforced outside embedded mode). For ntfy: in {@code aws} mode the notifier refuses loopback,
 * link-local (169.254.169.254 included), private (RFC 1918, {@code fc00::/7}) and unspecified
 * addresses unless the host is in {@code NOTIFY_ALLOWED_PRIVATE_HOSTS}. The host is resolved right
 * before each attempt's connection and every resolved address is checked. (The JDK client resolves
 * again when it connects; a DNS answer that changes between the two look-ups is not caught — a
 * known gap, documented in docs/NOTIFICATIONS.md.)
 */
public final class DestinationPolicy {

    private final boolean enforce;
    private final List<String> allowedHosts;

    public DestinationPolicy(boolean enforce, List<String> allowedHosts) {
        this.enforce = enforce;
        this.allowedHosts = allowedHosts.stream().map(h -> h.toLowerCase(Locale.ROOT)).toList();
    }

    /** The refusal text ({@code destination <host> is not allowed}) or empty when allowed. */
    public Optional<String> refusal(URI uri) {
        if (!enforce) return Optional.empty();
        String host = uri.getHost();
        if (host == null) return Optional.of("destination " + uri + " is not allowed");
        return refusal(host);
    }

    /** The refusal text for a host name or address literal (IPv6 with or without brackets), or empty when allowed. */
    public Optional<String> refusal(String host) {
        if (!enforce) return Optional.empty();
        String h = host.toLowerCase(Locale.ROOT);
        if (h.startsWith("[") && h.endsWith("]")) h = h.substring(1, h.length() - 1);
        if (allowedHosts.contains(h)) return Optional.empty();
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(h);
        } catch (UnknownHostException e) {
            return Optional.empty(); // the attempt fails with the DNS error (retryable)
        }
        for (InetAddress a : addresses) {
            if (blocked(a)) return Optional.of("destination " + h + " is not allowed");
        }
        return Optional.empty();
    }

    static boolean blocked(InetAddress a) {
        if (a.isLoopbackAddress() || a.isLinkLocalAddress() || a.isSiteLocalAddress() || a.isAnyLocalAddress()) return true;
        if (a instanceof Inet6Address) {
            byte first = a.getAddress()[0];
            return (first & 0xfe) == 0xfc; // fc00::/7 unique local
        }
        return false;
    }
}
