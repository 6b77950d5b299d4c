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
    /** The env: form when the tenant id itself is invalid (its own problem is reported). */
    private static final Pattern ANY_TENANT_ENV_REF = Pattern.compile("env:RELAY_SECRET_[A-Z0-9_]+");
    /** SSM parameter name characters after the tenant prefix. */
    private static final Pattern SSM_NAME = Pattern.compile("[A-Za-z0-9_.\\-/]+");
    /** Secrets Manager secret name characters after the tenant prefix. */
    private static final Pattern SECRET_NAME = Pattern.compile("[A-Za-z0-9/_+=.@\\-]+");
    static final String ENV_MODE_MESSAGE = "env: references are only allowed in embedded and localstack modes";

    /**
     * Whose secrets a reference may name: ntfy tokens live under {@code /relay/ntfy/<tenant_id>/},
     * vendor source credentials under {@code /relay/sources/<tenant_id>/} (SSM; Secrets Manager
     * without the leading {@code /}), so one area's grant never opens the other's.
     */
    public enum Area {
        NTFY("ntfy"), SOURCES("sources");

        private final String segment;

        Area(String segment) { this.segment = segment; }

        /** {@code /relay/<area>/<tenant_id>/}: the SSM path every reference of the tenant starts with. */
        public String ssmRoot(String tenantId) { return "/relay/" + segment + "/" + tenantId + "/"; }

        /** {@code relay/<area>/<tenant_id>/}: the Secrets Manager name prefix. */
        public String secretRoot(String tenantId) { return "relay/" + segment + "/" + tenantId + "/"; }
    }

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

    /**
     * null when {@code ref} is a usable reference of {@code tenantId} (null: the id is itself invalid,
     * any tenant's form is accepted) for {@code area}, else the message; never depends on the
     * environment or a store. {@code ssm:}/{@code secretsmanager:} references are accepted in every
     * mode (embedded mode cannot resolve them: that surfaces when the secret is used).
     */
    public static String problem(String ref, String tenantId, Area area, boolean awsMode) {
        String tenant = tenantId != null ? tenantId : "<tenant_id>";
        String envPrefix = tenantId != null ? envPrefix(tenantId) : "RELAY_SECRET_<TENANT_ID>_";
        String formMessage = "must be ssm:" + area.ssmRoot(tenant) + "…, secretsmanager:" + area.secretRoot(tenant)
                + "… or env:" + envPrefix + "…";
        if (ref.startsWith(ENV_SCHEME)) {
            String problem = tenantId != null ? envProblem(ref, tenantId)
                    : ANY_TENANT_ENV_REF.matcher(ref).matches() ? null : formMessage;
            if (problem != null) return problem;
            return awsMode ? ENV_MODE_MESSAGE : null;
        }
        if (ref.startsWith("ssm:")) {
            return scopedName(ref.substring("ssm:".length()), "/relay/" + area.segment + "/", tenantId, SSM_NAME) ? null : formMessage;
        }
        if (ref.startsWith("secretsmanager:")) {
            return scopedName(ref.substring("secretsmanager:".length()), "relay/" + area.segment + "/", tenantId, SECRET_NAME)
                    ? null : formMessage;
        }
        return formMessage;
    }

    /** {@code <root><tenant_id>/<name>} with this tenant's id (any valid id when unknown) and a non-empty name. */
    private static boolean scopedName(String reference, String root, String tenantId, Pattern nameSyntax) {
        if (!reference.startsWith(root)) return false;
        String rest = reference.substring(root.length());
        int slash = rest.indexOf('/');
        if (slash < 0) return false;
        String tenant = rest.substring(0, slash);
        String name = rest.substring(slash + 1);
        boolean tenantMatches = tenantId != null ? tenant.equals(tenantId) : ConfigValidator.IDENTIFIER.matcher(tenant).matches();
        return tenantMatches && !name.isEmpty() && nameSyntax.matcher(name).matches();
    }
}
