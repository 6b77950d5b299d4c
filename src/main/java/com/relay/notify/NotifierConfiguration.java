package com.relay.notify;

import com.relay.security.DestinationPolicy;
import com.relay.secrets.SecretResolver;
import com.relay.secrets.SecretStores;
import com.relay.secrets.AwsSecretStores;
import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import java.time.Clock;
import java.time.Duration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import software.amazon.awssdk.services.dynamodb.DynamoDbClient;

/** Wires the notifier's plain-Java pieces from {@link RelaySettings}. */
@Configuration(proxyBeanMethods = false)
public class NotifierConfiguration {

    /** Per server and tenant; shared through {@code CIRCUIT_BREAKER_TABLE} when set, else per process (docs/CONTRACT.md#circuit-breaker). */
    @Bean
    public CircuitBreakers circuitBreakers(RelaySettings settings, DynamoDbClient dynamoDb, NotifyMetrics metrics,
                                           ObjectProvider<Clock> clock) {
        String table = settings.resources().circuitBreakerTable();
        Clock time = clock.getIfAvailable(Clock::systemUTC);
        BreakerStore store = table == null ? null : new DynamoBreakerStore(dynamoDb, table, time);
        return new CircuitBreakers(BreakerRules.of(settings.notifier()), store, metrics, time);
    }

    @Bean
    public NtfyClient ntfyClient(RelaySettings settings) {
        return new JdkNtfyClient(Duration.ofMillis(settings.notifier().connectTimeoutMs()),
                Duration.ofMillis(settings.notifier().requestTimeoutMs()));
    }

    @Bean
    public SecretResolver tokenResolver(RelaySettings settings, ObjectProvider<Clock> clock, SecretStores stores) {
        return new SecretResolver(settings.mode(), System::getenv, Duration.ofSeconds(settings.notifier().secretCacheSeconds()),
                clock.getIfAvailable(Clock::systemUTC), stores);
    }

    /** SSM and Secrets Manager outside embedded mode (neither is emulated there, docs/CONTRACT.md#run-modes). */
    @Bean(destroyMethod = "close")
    public SecretStores secretStores(RelaySettings settings, com.relay.aws.AwsRuntime aws) {
        return settings.mode() == RelayMode.EMBEDDED ? SecretStores.NONE
                : new AwsSecretStores(aws.clients()::ssm, aws.clients()::secretsManager);
    }

    @Bean
    public DestinationPolicy destinationPolicy(RelaySettings settings) {
        return new DestinationPolicy(settings.mode() == RelayMode.AWS, settings.notifier().allowedPrivateHosts());
    }
}
