package com.relay.tenants.config;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The one rule for {@code env:} secret references (ntfy tokens today, vendor source passwords next):
 * the variable belongs to the tenant by its name, {@code RELAY_SECRET_<TENANT_ID>_<NAME>}, with the
 * tenant id upper-cased and {@code -} written as {@code _}. A tenant can therefore never name another
 * tenant's variable (acme cannot send {@code RELAY_SECRET_GLOBEX_NTFY} to its own server), and the
 * check needs no look-up, so a refusal says nothing about which variables exist.
 *
 * <p>Two tenant ids that differ only in case or in {@code -} against {@code _} ({@code a-b},
 * {@code A_B}) share one name space, and so do {@code acme} and {@code acme_x} for names that start
 * with {@code X_}; {@code env:} references are for the embedded and LocalStack modes (refused in
 * {@code aws} mode), where one operator sets every variable. SSM and Secrets Manager references are
 * scoped by a path with {@code /}, which no tenant id contains.
 */
public final class SecretReferences {

    public static final String ENV_SCHEME = "env:";
    /** The variables the notifier read before this rule; stored references to them are refused. */
    static final String LEGACY_NTFY_PREFIX = "RELAY_NTFY_TOKEN_";

    private static final Pattern NAME = Pattern.compile("[A-Z0-9]+(_[A-Z0-9]+)*");

    private SecretReferences() {}

    /** {@code RELAY_SECRET_ACME_PARTS_} for tenant {@code acme-parts}. */
    public static String envPrefix(String tenantId) {
        return "RELAY_SECRET_" + tenantId.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    }

    /**
     * Why {@code env:<variable>} may not be used by {@code tenantId} (null when it may). The message
     * is the same for another tenant's variable and for any other name, and never depends on the
     * environment.
     */
    public static String envProblem(String reference, String tenantId) {
        String variable = reference.startsWith(ENV_SCHEME) ? reference.substring(ENV_SCHEME.length()) : reference;
        String prefix = envPrefix(tenantId);
        if (variable.startsWith(prefix) && NAME.matcher(variable.substring(prefix.length())).matches()) {
            return null;
        }
        if (variable.startsWith(LEGACY_NTFY_PREFIX)) {
            return "env:" + LEGACY_NTFY_PREFIX + "… is no longer read: name the variable " + prefix
                    + "<NAME> and reference env:" + prefix + "<NAME>";
        }
        return "must name a variable " + prefix + "<NAME> (<NAME>: A-Z, 0-9 and single '_')";
    }

    /** The variable name of a usable reference of {@code tenantId}, if it is one. */
    public static Optional<String> envVariable(String reference, String tenantId) {
        if (!reference.startsWith(ENV_SCHEME) || envProblem(reference, tenantId) != null) return Optional.empty();
        return Optional.of(reference.substring(ENV_SCHEME.length()));
    }
}
