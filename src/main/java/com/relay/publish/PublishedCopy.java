package com.relay.publish;

import com.relay.logging.LogEvents;
import com.relay.tenants.config.TenantKeys;
import org.apache.camel.Exchange;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The steps of the route {@code sync-published-copy} around its aws2-s3 copies
 * (docs/CONTRACT.md#the-published-feed): which run's files the tenant's stable keys should hold, and
 * after a copy whether the pointer moved meanwhile (then the route copies again). Bounded: after
 * {@link #MAX_ROUNDS} copies in a row the pointer is still moving and the last publisher's own sync
 * brings the copy level.
 */
@Component("publishedCopy")
public class PublishedCopy {

    /** The header naming the tenant whose copy is synced. */
    public static final String TENANT_HEADER = "RelayTenantId";
    static final String PROPERTY = "relayPublishedCopy";
    static final int MAX_ROUNDS = 5;

    private static final Logger log = LoggerFactory.getLogger(PublishedCopy.class);

    private final PublishedFeeds feeds;

    public PublishedCopy(PublishedFeeds feeds) {
        this.feeds = feeds;
    }

    /** What the loop copies (the route reads the getters). */
    public static final class Sync {
        private final String tenantId;
        private PublishedFeeds.Pointer pointer;
        private int rounds;
        private boolean pending;

        Sync(String tenantId) {
            this.tenantId = tenantId;
        }

        public boolean isPending() { return pending; }
        public String getFeedKey() { return pointer.feedKey(); }
        public String getDeltaKey() { return pointer.deltaKey(); }
        public String getStableFeedKey() { return stableFeedKey(tenantId); }
        public String getStableDeltaKey() { return stableDeltaKey(tenantId); }
        public String getRunId() { return pointer == null ? null : pointer.runId(); }
    }

    public static String stableFeedKey(String tenantId) {
        return TenantKeys.root(tenantId) + "published/merged_inventory.csv";
    }

    public static String stableDeltaKey(String tenantId) {
        return TenantKeys.root(tenantId) + "published/delta.csv";
    }

    /** The pointer as it is now: the copy is pending when the tenant has a published feed. */
    public void read(Exchange exchange) {
        String tenantId = exchange.getMessage().getHeader(TENANT_HEADER, String.class);
        if (tenantId == null) throw new IllegalStateException("sync-published-copy needs the " + TENANT_HEADER + " header");
        Sync sync = new Sync(tenantId);
        sync.pointer = feeds.read(tenantId).orElse(null);
        sync.pending = sync.pointer != null;
        exchange.setProperty(PROPERTY, sync);
    }

    /** After a copy: read the pointer again; copy again when it names another run now. */
    public void copied(Exchange exchange) {
        Sync sync = exchange.getProperty(PROPERTY, Sync.class);
        sync.rounds++;
        PublishedFeeds.Pointer now = feeds.read(sync.tenantId).orElse(null);
        boolean moved = now != null && now.version() != sync.pointer.version();
        LogEvents.info(log, "published_copy_synced", "published_run_id", sync.pointer.runId(), "moved", moved);
        if (moved && sync.rounds < MAX_ROUNDS) {
            sync.pointer = now;
            return;
        }
        sync.pending = false;
    }

    /** The copy failed: the pointer (and the feed endpoint) already serve the run; the next sync repairs the copy. */
    public void failed(Exchange exchange) {
        Exception e = exchange.getProperty(Exchange.EXCEPTION_CAUGHT, Exception.class);
        LogEvents.warn(log, "published_copy_failed", "error", e == null ? null : e.getClass().getSimpleName() + ": "
                + e.getMessage());
    }
}
