package com.relay.config;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Every setting of docs/CONTRACT.md#environment-variables that the running code uses, read from environment variables (or, inside
 * Spring, from the Environment, so tests can set them as properties) with the spec's defaults.
 * All values are checked at once; {@link #load} throws one {@link InvalidSettingsException}
 * listing every problem so an operator fixes the environment in one go.
 *
 * <p>The same loader serves the service and the plain-Java commands ({@code relay provision}),
 * so both always agree on names and endpoints.
 */
public record RelaySettings(
        RelayMode mode,
        Path dataDir,
        URI endpointOverride,
        String region,
        boolean provisionOnStartup,
        String environment,
        Roles roles,
        Resources resources,
        Worker worker,
        Notify notifier,
        Engine engine,
        Embedded embedded,
        Api api,
        Metrics metrics,
        Scheduler scheduler,
        Observability observability,
        Console console,
        Sources sources) {

    /**
     * Vendor sources (docs/CONFIGURATION.md "Vendor sources", docs/INFRA.md): {@code allowedPrivateHosts}
     * lower-case host names exempt from the network policy (which applies outside embedded mode);
     * the timeouts of every transport's connect and read.
     */
    public record Sources(List<String> allowedPrivateHosts, int connectTimeoutSeconds, int readTimeoutSeconds) {
        public Sources {
            allowedPrivateHosts = List.copyOf(allowedPrivateHosts);
        }
    }

    public record Roles(boolean api, boolean worker, boolean notifier, boolean scheduler) {}

    /**
     * Resource names. Queue URLs are as configured (null when unset); the queue names are
     * derived from them or defaulted (docs/CONTRACT.md#provisioning).
     */
    public record Resources(String artifactBucket, String tenantsTable, String runsTable,
                            String notificationsTable, String circuitBreakerTable,
                            String jobsQueueUrl, String jobsQueueName, String jobsDlqUrl, String jobsDlqName,
                            String notificationsQueueUrl, String notificationsQueueName,
                            String notificationsDlqUrl, String notificationsDlqName) {}

    public record Worker(int maxConcurrency, int poisonMaxReceives, int visibilityTimeoutSeconds,
                         int visibilityHeartbeatSeconds, int retryBackoffSeconds, int retryBackoffMaxSeconds,
                         int receiveWaitSeconds, int shutdownTimeoutSeconds, int receiveErrorBackoffSeconds,
                         int heartbeatIntervalSeconds, boolean tenantBackoffSet) {}

    /**
     * docs/CONTRACT.md#run-metrics, docs/CONTRACT.md#metrics-and-tracing-settings: CloudWatch publishing of the operator meters (Prometheus is always on).
     * {@code cloudWatchExtraMeters}: Micrometer name prefixes also sent (opt-in, e.g. {@code jvm.memory});
     * {@code cloudWatchMaxDimensionValues}: distinct values per metric and dimension before new series are dropped;
     * {@code cloudWatchRequestCompression}: whether PutMetricData bodies may be gzip-compressed.
     */
    public record Metrics(boolean cloudWatchEnabled, String cloudWatchNamespace, int cloudWatchStepSeconds,
                          URI cloudWatchEndpoint, List<String> cloudWatchExtraMeters, int cloudWatchMaxDimensionValues,
                          boolean cloudWatchRequestCompression) {}

    /** {@code CLOUDWATCH_REQUEST_COMPRESSION}: {@code auto} is off in localstack mode (LocalStack 4.9 cannot read gzip bodies). */
    public static final List<String> REQUEST_COMPRESSION = List.of("auto", "on", "off");

    /**
     * Notifier settings (docs/CONTRACT.md#notification-and-scheduler-settings, docs/CONTRACT.md#notification-delivery). Times in the unit of their name;
     * {@code allowedPrivateHosts} lower-case host names exempt from the destination policy;
     * {@code manualPerTenantPerMinute} the per-tenant, per-instance rate of {@code POST /v1/notifications};
     * {@code receiveWaitSeconds} the consumer's long-poll wait.
     */
    public record Notify(int visibilityTimeoutSeconds, int maxReceives,
                         int connectTimeoutMs, int requestTimeoutMs, int maxRetries, int retryBaseMs,
                         int retryMultiplier, int retryMaxDelayMs, int retryJitterMaxMs, int maxDeliveries,
                         int redeliveryDelaySeconds, int maxAgeSeconds, int deferJitterMaxSeconds,
                         int sweepIntervalSeconds, int sweepAgeSeconds, boolean allowInsecureHttp,
                         List<String> allowedPrivateHosts, int maxConcurrency, int ttlDays, int secretCacheSeconds,
                         int cbFailureThreshold, int cbFailureWindowSeconds, int cbOpenSeconds,
                         int cbHalfOpenSuccesses, int manualPerTenantPerMinute, int receiveWaitSeconds) {
        public Notify {
            allowedPrivateHosts = List.copyOf(allowedPrivateHosts);
        }
    }

    /**
     * @param maxRowsPerVendorFile RELAY_MAX_ROWS_PER_VENDOR_FILE, 0 = unlimited
     * @param errorsMaxBytes       ENGINE_ERRORS_MAX_MB in bytes: stored error entries per run
     */
    /** {@code maxVendorsPerRun}: vendors one configuration may list (a run fetches and parses each). */
    public record Engine(long memoryBudgetBytes, Path spillDir, long maxRowsPerVendorFile, long errorsMaxBytes,
                         int maxVendorsPerRun) {}

    /**
     * Embedded-mode emulator settings (not in docs/CONTRACT.md#environment-variables: they only exist for the embedded default).
     * A port of 0 picks a free port; {@code persistent=false} keeps everything in memory (tests).
     */
    public record Embedded(String bindHost, int sqsPort, int dynamoDbPort, int s3Port, boolean persistent) {}

    /** docs/CONTRACT.md#api-and-authentication-settings API and authentication settings; {@code jwt} is {@link Jwt#OFF} unless JWT_ISSUER_URI is set. */
    public record Api(boolean authEnabled, List<ApiKeyEntry> apiKeys, long maxBodyBytes, long inboundMaxBytes,
                      int orphanGraceSeconds, int artifactUrlTtlSeconds, Jwt jwt, Limits limits) {
        public Api {
            apiKeys = List.copyOf(apiKeys);
        }
    }

    /**
     * The API's resource limits and quotas (issue 17): upload timeouts and the spool budget of
     * chunked uploads, the per-tenant request rate (0 = off) and the stored config versions per tenant.
     */
    public record Limits(int inboundReadTimeoutSeconds, int inboundUploadTimeoutSeconds, long inboundSpoolMaxBytes,
                         int requestsPerSecond, int requestBurst, int maxConfigVersions) {
        public static final Limits DEFAULTS = new Limits(30, 900, 2_147_483_648L, 50, 100, 1000);
    }

    /**
     * docs/CONTRACT.md#notification-and-scheduler-settings / docs/CONTRACT.md#one-run-per-fire: the claim's {@code claimed_by} and the claim item's lifetime;
     * {@code pauseCacheSeconds}: how long an instance reuses its copy of the run-creation pauses
     * (docs/RUNBOOK.md "Pausing run creation"), so a pause takes effect everywhere within it.
     */
    public record Scheduler(String instanceId, int claimTtlDays, int pauseCacheSeconds) {}

    /**
     * docs/CONTRACT.md#metrics-and-tracing-settings tracing settings and the log line format (docs/CONTRACT.md#structured-logging, docs/CONTRACT.md#tracing).
     * {@code logFormat} is {@code json} (the spec's format, default in every mode) or {@code text}
     * (an opt-in for reading logs in a terminal during development; not in the spec).
     */
    public record Observability(String logFormat, String serviceName, String tracesExporter, URI otlpEndpoint,
                                String otlpProtocol, String tracesSampler, double tracesSamplerArg) {
        public boolean otlpExport() { return "otlp".equals(tracesExporter); }
    }

    public static final List<String> LOG_FORMATS = List.of("json", "text");
    public static final List<String> TRACES_EXPORTERS = List.of("none", "otlp");
    public static final List<String> OTLP_PROTOCOLS = List.of("http/protobuf", "grpc");
    public static final List<String> TRACES_SAMPLERS = List.of("always_on", "always_off", "traceidratio",
            "parentbased_always_on", "parentbased_always_off", "parentbased_traceidratio");

    /**
     * JWT bearer tokens (docs/CONTRACT.md#jwt-configuration, docs/CONTRACT.md#api-and-authentication-settings). {@code jwksUri} null = read from the
     * issuer's discovery document; {@code audience}/{@code clientId} null = not checked (at least
     * one is set when enabled); {@code requiredTokenUse} empty = not checked.
     */
    public record Jwt(String issuerUri, URI jwksUri, String audience, String clientId, String requiredTokenUse,
                      String tenantClaim, String adminScope, int clockSkewSeconds, int jwksCacheSeconds) {
        public static final Jwt OFF = new Jwt(null, null, null, null, "access", "tenant_id", "relay:admin", 60, 3600);

        public boolean enabled() { return issuerUri != null; }
    }

    /**
     * The Hawtio console on the management port (docs/HAWTIO.md). {@code password} null = console
     * locked; {@code developmentPassword} = the embedded-mode default is in use. Never printed.
     */
    public record Console(String username, String password, boolean developmentPassword) {
        public static final String DEV_PASSWORD = "relay-dev-hawtio";

        public boolean enabled() { return password != null; }

        @Override
        public String toString() {
            return "Console[username=" + username + ", password=" + (password == null ? "unset" : "***") + "]";
        }
    }

    public static final String DEFAULT_JOBS_QUEUE = "relay-inventory-jobs";
    public static final String DEFAULT_NOTIFICATIONS_QUEUE = "relay-inventory-notifications";

    public static RelaySettings fromEnvironment() {
        return load(System::getenv);
    }

    public static RelaySettings load(Function<String, String> env) {
        Reader r = new Reader(env);
        RelayMode mode = r.mode();
        boolean aws = mode == RelayMode.AWS;

        Path dataDir = Path.of(r.string("RELAY_DATA_DIR", "./.relay-data"));
        String endpointText = r.string("AWS_ENDPOINT_URL", mode == RelayMode.LOCALSTACK ? "http://localhost:4566" : null);
        URI endpoint = endpointText == null ? null : r.uri("AWS_ENDPOINT_URL", endpointText);
        String region = r.string("AWS_REGION", aws ? null : "us-east-1");
        boolean provision = r.bool("PROVISION_ON_STARTUP", mode == RelayMode.EMBEDDED);
        String environment = r.string("ENVIRONMENT", "unknown");
        Roles roles = new Roles(r.bool("API_ENABLED", true), r.bool("WORKER_ENABLED", true),
                r.bool("NOTIFIER_ENABLED", true), r.bool("SCHEDULER_ENABLED", true));

        String jobsUrl = r.string("SQS_QUEUE_URL", null);
        String jobsName = jobsUrl != null ? lastSegment(jobsUrl) : DEFAULT_JOBS_QUEUE;
        String jobsDlqUrl = r.string("SQS_DLQ_URL", null);
        String notifUrl = r.string("NOTIFICATIONS_QUEUE_URL", null);
        String notifName = notifUrl != null ? lastSegment(notifUrl) : DEFAULT_NOTIFICATIONS_QUEUE;
        String notifDlqUrl = r.string("NOTIFICATIONS_DLQ_URL", null);
        Resources resources = new Resources(
                r.required("ARTIFACT_BUCKET", aws, "relay-inventory-artifacts"),
                r.required("TENANTS_TABLE", aws, "relay-inventory-tenants"),
                r.required("RUNS_TABLE", aws, "relay-inventory-runs"),
                r.required("NOTIFICATIONS_TABLE", aws, "relay-inventory-notifications"),
                r.string("CIRCUIT_BREAKER_TABLE", null),
                aws ? r.required("SQS_QUEUE_URL", true, null) : jobsUrl, jobsName,
                jobsDlqUrl, jobsDlqUrl != null ? lastSegment(jobsDlqUrl) : jobsName + "-dlq",
                aws ? r.required("NOTIFICATIONS_QUEUE_URL", true, null) : notifUrl, notifName,
                notifDlqUrl, notifDlqUrl != null ? lastSegment(notifDlqUrl) : notifName + "-dlq");

        // Short and extended by the heartbeat while the attempt lives: after a crash (kill -9) the job
        // is visible again, and its lease expired, within a minute instead of five (issue 17 #13).
        int visibility = r.integer("WORKER_VISIBILITY_TIMEOUT_SECONDS", 60, 11, 43_200);
        Worker worker = new Worker(
                Math.max(1, r.integer("WORKER_MAX_CONCURRENCY", 1, Integer.MIN_VALUE, 64)),
                r.integer("WORKER_POISON_MAX_RECEIVES", 3, 1, 1000),
                visibility,
                r.integer("WORKER_VISIBILITY_HEARTBEAT_SECONDS", 20, 1, 43_200),
                r.integer("WORKER_RETRY_BACKOFF_SECONDS", 30, 0, 43_200),
                r.integer("WORKER_RETRY_BACKOFF_MAX_SECONDS", 900, 0, 43_200),
                r.integer("WORKER_RECEIVE_WAIT_SECONDS", 20, 0, 20),
                r.integer("WORKER_SHUTDOWN_TIMEOUT_SECONDS", 30, 0, 3_600),
                r.integer("WORKER_RECEIVE_ERROR_BACKOFF_SECONDS", 5, 0, 3_600),
                r.integer("WORKER_HEARTBEAT_INTERVAL_SECONDS", 60, 1, 86_400),
                r.raw("WORKER_TENANT_BACKOFF_SECONDS") != null);
        if (worker.visibilityHeartbeatSeconds() + 10 >= visibility) {
            r.problem("WORKER_VISIBILITY_HEARTBEAT_SECONDS + 10 must be less than WORKER_VISIBILITY_TIMEOUT_SECONDS (got "
                    + worker.visibilityHeartbeatSeconds() + " and " + visibility + ")");
        }
        Notify notify = notify(r);
        String spill = r.string("ENGINE_SPILL_DIR", System.getProperty("java.io.tmpdir"));
        Engine engine = new Engine(r.integer("ENGINE_MEMORY_BUDGET_MB", 256, 1, 1_048_576) * 1024L * 1024L, Path.of(spill),
                r.longInteger("RELAY_MAX_ROWS_PER_VENDOR_FILE", 0, 0, Long.MAX_VALUE),
                r.integer("ENGINE_ERRORS_MAX_MB", 64, 1, 1_048_576) * 1024L * 1024L,
                r.integer("RELAY_MAX_VENDORS_PER_RUN", 50, 1, 1_000));
        Embedded embedded = new Embedded(
                r.string("RELAY_EMBEDDED_BIND_HOST", "127.0.0.1"),
                r.integer("RELAY_EMBEDDED_SQS_PORT", 9324, 0, 65_535),
                r.integer("RELAY_EMBEDDED_DYNAMODB_PORT", 8000, 0, 65_535),
                r.integer("RELAY_EMBEDDED_S3_PORT", 9000, 0, 65_535),
                r.bool("RELAY_EMBEDDED_PERSISTENT", true));
        ApiKeyEntry.Parsed keys = ApiKeyEntry.parseList(r.raw("API_KEYS"));
        keys.problems().forEach(r::problem);
        Api api = new Api(r.bool("AUTH_ENABLED", true), keys.entries(),
                r.longInteger("API_MAX_BODY_BYTES", 1_048_576L, 1, 1L << 30),
                r.longInteger("INBOUND_MAX_BYTES", 536_870_912L, 1, 5L * 1024 * 1024 * 1024),
                r.integer("API_ORPHAN_GRACE_SECONDS", 60, 0, 86_400),
                r.integer("ARTIFACT_URL_TTL_SECONDS", 900, 1, 604_800),
                jwt(r),
                new Limits(r.integer("INBOUND_READ_TIMEOUT_SECONDS", Limits.DEFAULTS.inboundReadTimeoutSeconds(), 1, 3_600),
                        r.integer("INBOUND_UPLOAD_TIMEOUT_SECONDS", Limits.DEFAULTS.inboundUploadTimeoutSeconds(), 1, 86_400),
                        r.longInteger("INBOUND_SPOOL_MAX_BYTES", Limits.DEFAULTS.inboundSpoolMaxBytes(), 1, 1L << 50),
                        r.integer("API_RATE_LIMIT_PER_SECOND", Limits.DEFAULTS.requestsPerSecond(), 0, 1_000_000),
                        r.integer("API_RATE_LIMIT_BURST", Limits.DEFAULTS.requestBurst(), 1, 10_000_000),
                        r.integer("TENANT_MAX_CONFIG_VERSIONS", Limits.DEFAULTS.maxConfigVersions(), 1, 1_000_000)));
        if (api.limits().inboundSpoolMaxBytes() < api.inboundMaxBytes()) {
            // else a file of the allowed size could never be spooled, and its 503 would be retried forever
            r.problem("INBOUND_SPOOL_MAX_BYTES must be at least INBOUND_MAX_BYTES (got "
                    + api.limits().inboundSpoolMaxBytes() + " and " + api.inboundMaxBytes() + ")");
        }
        Metrics metrics = new Metrics(r.bool("CLOUDWATCH_METRICS_ENABLED", false),
                r.string("CLOUDWATCH_METRICS_NAMESPACE", "RelayInventory"),
                r.integer("CLOUDWATCH_METRICS_STEP_SECONDS", 60, 1, 86_400),
                // the SDK's service-specific endpoint variable: CloudWatch elsewhere than S3/SQS/DynamoDB
                r.raw("AWS_ENDPOINT_URL_CLOUDWATCH") == null ? null
                        : r.uri("AWS_ENDPOINT_URL_CLOUDWATCH", r.raw("AWS_ENDPOINT_URL_CLOUDWATCH")),
                r.raw("CLOUDWATCH_METRICS_EXTRA_METERS") == null ? List.of()
                        : java.util.Arrays.stream(r.raw("CLOUDWATCH_METRICS_EXTRA_METERS").split(","))
                                .map(String::trim).filter(x -> !x.isEmpty()).toList(),
                r.integer("CLOUDWATCH_METRICS_MAX_DIMENSION_VALUES", 100, 1, 10_000),
                switch (r.oneOf("CLOUDWATCH_REQUEST_COMPRESSION", "auto", REQUEST_COMPRESSION)) {
                    case "on" -> true;
                    case "off" -> false;
                    default -> mode != RelayMode.LOCALSTACK;
                });
        Scheduler scheduler = new Scheduler(r.string("SCHEDULER_INSTANCE_ID", hostName()),
                r.integer("SCHEDULER_CLAIM_TTL_DAYS", 7, 1, 3_650),
                r.integer("RUN_CREATION_PAUSE_CACHE_SECONDS", 5, 0, 300));
        Observability observability = new Observability(
                r.oneOf("LOG_FORMAT", "json", LOG_FORMATS),
                r.string("OTEL_SERVICE_NAME", "relay-inventory"),
                r.oneOf("OTEL_TRACES_EXPORTER", "none", TRACES_EXPORTERS),
                r.uri("OTEL_EXPORTER_OTLP_ENDPOINT", r.string("OTEL_EXPORTER_OTLP_ENDPOINT", "http://localhost:4318")),
                r.oneOf("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf", OTLP_PROTOCOLS),
                r.oneOf("OTEL_TRACES_SAMPLER", "parentbased_traceidratio", TRACES_SAMPLERS),
                r.ratio("OTEL_TRACES_SAMPLER_ARG", 1.0));
        String consolePassword = r.raw("HAWTIO_PASSWORD");
        boolean devConsolePassword = consolePassword == null && mode == RelayMode.EMBEDDED;
        Console console = new Console(r.string("HAWTIO_USERNAME", "admin"),
                devConsolePassword ? Console.DEV_PASSWORD : consolePassword, devConsolePassword);
        Sources sources = new Sources(hostList(r.raw("SOURCE_ALLOWED_PRIVATE_HOSTS")),
                r.integer("SOURCE_CONNECT_TIMEOUT_SECONDS", 15, 1, 600),
                r.integer("SOURCE_READ_TIMEOUT_SECONDS", 60, 1, 3_600));
        r.throwIfProblems();
        return new RelaySettings(mode, dataDir, endpoint, region, provision, environment, roles, resources,
                worker, notify, engine, embedded, api, metrics, scheduler, observability, console, sources);
    }

    /** A comma-separated host list, lower-cased, blanks dropped. */
    private static List<String> hostList(String hosts) {
        List<String> out = new ArrayList<>();
        if (hosts != null) {
            for (String h : hosts.split(",")) {
                if (!h.isBlank()) out.add(h.trim().toLowerCase(Locale.ROOT));
            }
        }
        return out;
    }

    /** SCHEDULER_INSTANCE_ID default (docs/CONTRACT.md#notification-and-scheduler-settings): the host name, else a random id. */
    static String hostName() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) return env.trim();
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "scheduler-" + java.util.UUID.randomUUID();
        }
    }

    /** docs/CONTRACT.md#jwt-configuration: the issuer is used verbatim (no normalisation, docs/CONTRACT.md#token-validation rule 4). */
    private static Jwt jwt(Reader r) {
        String issuer = r.raw("JWT_ISSUER_URI");
        if (issuer != null) r.uri("JWT_ISSUER_URI", issuer);
        String jwksText = r.raw("JWT_JWKS_URI");
        URI jwks = jwksText == null ? null : r.uri("JWT_JWKS_URI", jwksText);
        String audience = r.raw("JWT_AUDIENCE");
        String clientId = r.raw("JWT_CLIENT_ID");
        // set-but-empty switches the token_use check off; unset keeps the default
        String tokenUse = r.stringOrEmpty("JWT_REQUIRED_TOKEN_USE", "access");
        String tenantClaim = r.string("JWT_TENANT_CLAIM", "tenant_id");
        String adminScope = r.string("JWT_ADMIN_SCOPE", "relay:admin");
        if (adminScope.contains(" ")) r.problem("JWT_ADMIN_SCOPE must be a single scope without spaces");
        int skew = r.integer("JWT_CLOCK_SKEW_SECONDS", 60, 0, 600);
        int cache = r.integer("JWT_JWKS_CACHE_SECONDS", 3600, 60, 86_400);
        if (issuer != null && audience == null && clientId == null) {
            r.problem("JWT_AUDIENCE or JWT_CLIENT_ID must be set when JWT_ISSUER_URI is set "
                    + "(otherwise tokens the issuer made for other applications would be accepted)");
        }
        return new Jwt(issuer, jwks, audience, clientId, tokenUse, tenantClaim, adminScope, skew, cache);
    }

    /** docs/CONTRACT.md#notification-and-scheduler-settings plus the start-up check of docs/CONTRACT.md#notification-retry-policy. */
    private static Notify notify(Reader r) {
        List<String> privateHosts = hostList(r.raw("NOTIFY_ALLOWED_PRIVATE_HOSTS"));
        Notify n = new Notify(
                r.integer("NOTIFY_VISIBILITY_TIMEOUT_SECONDS", 180, 11, 43_200),
                r.integer("NOTIFY_MAX_RECEIVES", 5, 1, 1000),
                r.integer("NOTIFY_CONNECT_TIMEOUT_MS", 5_000, 1, 600_000),
                r.integer("NOTIFY_REQUEST_TIMEOUT_MS", 10_000, 1, 600_000),
                r.integer("NOTIFY_MAX_RETRIES", 3, 0, 20),
                r.integer("NOTIFY_RETRY_BASE_MS", 1_000, 0, 3_600_000),
                r.integer("NOTIFY_RETRY_MULTIPLIER", 2, 1, 10),
                r.integer("NOTIFY_RETRY_MAX_DELAY_MS", 32_000, 0, 3_600_000),
                r.integer("NOTIFY_RETRY_JITTER_MAX_MS", 500, 0, 60_000),
                r.integer("NOTIFY_MAX_DELIVERIES", 3, 1, 100),
                r.integer("NOTIFY_REDELIVERY_DELAY_SECONDS", 60, 0, 43_200),
                r.integer("NOTIFY_MAX_AGE_SECONDS", 86_400, 1, 1_209_600),
                r.integer("NOTIFY_DEFER_JITTER_MAX_SECONDS", 5, 0, 300),
                r.integer("NOTIFY_SWEEP_INTERVAL_SECONDS", 60, 1, 86_400),
                r.integer("NOTIFY_SWEEP_AGE_SECONDS", 120, 0, 86_400),
                r.bool("NOTIFY_ALLOW_INSECURE_HTTP", false),
                privateHosts,
                r.integer("NOTIFIER_MAX_CONCURRENCY", 4, 1, 64),
                r.integer("NOTIFICATIONS_TTL_DAYS", 90, 1, 3_650),
                r.integer("SECRET_CACHE_SECONDS", 300, 0, 86_400),
                r.integer("CB_FAILURE_THRESHOLD", 5, 1, 100_000),
                r.integer("CB_FAILURE_WINDOW_SECONDS", 60, 1, 86_400),
                r.integer("CB_OPEN_SECONDS", 30, 1, 86_400),
                r.integer("CB_HALF_OPEN_SUCCESSES", 2, 1, 100),
                // issue 17 quota "notifications per minute" of POST /v1/notifications; 0: no limit
                r.integer("NOTIFY_MANUAL_PER_TENANT_PER_MINUTE", 30, 0, 100_000),
                r.integer("NOTIFIER_RECEIVE_WAIT_SECONDS", 20, 0, 20));
        long longest = (1L + n.maxRetries()) * n.requestTimeoutMs()
                + (long) n.maxRetries() * (n.retryMaxDelayMs() + n.retryJitterMaxMs()) + 10_000L;
        if (longest >= n.visibilityTimeoutSeconds() * 1000L) {
            r.problem("(1 + NOTIFY_MAX_RETRIES) x NOTIFY_REQUEST_TIMEOUT_MS + NOTIFY_MAX_RETRIES x "
                    + "(NOTIFY_RETRY_MAX_DELAY_MS + NOTIFY_RETRY_JITTER_MAX_MS) + 10000 ms (" + longest
                    + " ms) must be less than NOTIFY_VISIBILITY_TIMEOUT_SECONDS x 1000 (" + n.visibilityTimeoutSeconds() * 1000L
                    + " ms): the longest delivery must finish before its lease expires");
        }
        return n;
    }

    static String lastSegment(String url) {
        String trimmed = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        return trimmed.substring(trimmed.lastIndexOf('/') + 1);
    }

    /** Collects problems instead of failing on the first one. */
    private static final class Reader {
        private final Function<String, String> env;
        private final List<String> problems = new ArrayList<>();

        Reader(Function<String, String> env) { this.env = env; }

        String raw(String name) {
            String v = env.apply(name);
            return v == null || v.isBlank() ? null : v.trim();
        }

        RelayMode mode() {
            String v = raw("RELAY_MODE");
            if (v == null) return RelayMode.EMBEDDED;
            return RelayMode.parse(v).orElseGet(() -> {
                problems.add("RELAY_MODE must be one of embedded, localstack, aws (got '" + v + "')");
                return RelayMode.EMBEDDED;
            });
        }

        String string(String name, String dflt) {
            String v = raw(name);
            return v == null ? dflt : v;
        }

        /** Like {@link #string} but a variable set to an empty value yields "" instead of the default. */
        String stringOrEmpty(String name, String dflt) {
            String v = env.apply(name);
            if (v == null) return dflt;
            return v.trim();
        }

        String required(String name, boolean required, String dflt) {
            String v = raw(name);
            if (v != null) return v;
            if (required) problems.add(name + " is required in aws mode");
            return dflt;
        }

        boolean bool(String name, boolean dflt) {
            String v = raw(name);
            if (v == null) return dflt;
            return switch (v.toLowerCase(Locale.ROOT)) {
                case "true" -> true;
                case "false" -> false;
                default -> {
                    problems.add(name + " must be true or false (got '" + v + "')");
                    yield dflt;
                }
            };
        }

        int integer(String name, int dflt, int min, int max) {
            return (int) longInteger(name, dflt, min, max);
        }

        long longInteger(String name, long dflt, long min, long max) {
            String v = raw(name);
            if (v == null) return dflt;
            try {
                long n = Long.parseLong(v);
                if (n < min || n > max) {
                    problems.add(name + " must be between " + min + " and " + max + " (got " + n + ")");
                    return dflt;
                }
                return n;
            } catch (NumberFormatException e) {
                problems.add(name + " must be an integer (got '" + v + "')");
                return dflt;
            }
        }

        /** A value from a fixed list, compared case-insensitively and returned in lower case. */
        String oneOf(String name, String dflt, List<String> allowed) {
            String v = raw(name);
            if (v == null) return dflt;
            String lower = v.toLowerCase(Locale.ROOT);
            if (allowed.contains(lower)) return lower;
            problems.add(name + " must be one of " + String.join(", ", allowed) + " (got '" + v + "')");
            return dflt;
        }

        /** A decimal number in [0, 1]. */
        double ratio(String name, double dflt) {
            String v = raw(name);
            if (v == null) return dflt;
            try {
                double d = Double.parseDouble(v);
                if (!(d >= 0 && d <= 1)) {
                    problems.add(name + " must be a number between 0 and 1 (got " + v + ")");
                    return dflt;
                }
                return d;
            } catch (NumberFormatException e) {
                problems.add(name + " must be a number between 0 and 1 (got '" + v + "')");
                return dflt;
            }
        }

        URI uri(String name, String text) {
            try {
                URI u = new URI(text);
                if (u.getScheme() == null || u.getHost() == null) throw new IllegalArgumentException();
                return u;
            } catch (Exception e) {
                problems.add(name + " must be an absolute URL (got '" + text + "')");
                return null;
            }
        }

        void problem(String p) { problems.add(p); }

        void throwIfProblems() {
            if (!problems.isEmpty()) throw new InvalidSettingsException(problems);
        }
    }
}
