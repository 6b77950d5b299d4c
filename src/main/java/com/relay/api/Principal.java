package com.relay.api;

/**
 * Who is calling (docs/CONTRACT.md#authentication-and-authorization, docs/CONTRACT.md#principal-ids). {@code id} is the principal id written to
 * {@code requested_by} and tenant versions' {@code created_by} ({@code key:<key_id>},
 * {@code jwt:<sub>} or {@code anonymous}); {@code tenantId} is null for admins.
 */
public record Principal(String id, String tenantId) {

    public static final Principal ANONYMOUS = new Principal("anonymous", null);
    static final String JWT_PREFIX = "jwt:";

    public static Principal key(String keyId, String tenantId) {
        return new Principal("key:" + keyId, tenantId);
    }

    /** A bearer-token principal; {@code tenantId} null = admin. */
    public static Principal jwt(String subject, String tenantId) {
        return new Principal(JWT_PREFIX + subject, tenantId);
    }

    public boolean admin() { return tenantId == null; }

    /** Whether this principal may see the tenant's resources (others get the resource's 404). */
    public boolean canSee(String tenant) { return admin() || tenantId.equals(tenant); }

    /** A run's {@code created_by} (docs/CONTRACT.md#runs-table): {@code user} for a person's token, {@code api} otherwise. */
    public String createdBy() { return id.startsWith(JWT_PREFIX) ? "user" : "api"; }
}
