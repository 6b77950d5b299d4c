package com.relay.api;

/**
 * Who is calling (RI §5.3). {@code id} is the principal id written to {@code requested_by} and
 * {@code created_by} ({@code key:<key_id>} or {@code anonymous}); {@code tenantId} is null for admins.
 */
public record Principal(String id, String tenantId) {

    public static final Principal ANONYMOUS = new Principal("anonymous", null);

    public static Principal key(String keyId, String tenantId) {
        return new Principal("key:" + keyId, tenantId);
    }

    public boolean admin() { return tenantId == null; }

    /** Whether this principal may see the tenant's resources (others get the resource's 404). */
    public boolean canSee(String tenant) { return admin() || tenantId.equals(tenant); }
}
