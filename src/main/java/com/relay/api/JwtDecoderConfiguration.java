package com.relay.api;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.source.JWKSource;
import com.nimbusds.jose.jwk.source.JWKSourceBuilder;
import com.nimbusds.jose.proc.DefaultJOSEObjectTypeVerifier;
import com.nimbusds.jose.proc.JWSKeySelector;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jose.util.DefaultResourceRetriever;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.relay.config.RelaySettings;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URL;
import java.time.Clock;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.NimbusJwtDecoder;
import org.springframework.util.StringUtils;

/**
 * The bearer-token decoder of docs/CONTRACT.md#jwt-bearer-authentication (a bean only when {@code JWT_ISSUER_URI} is set):
 * Spring Security's {@link NimbusJwtDecoder} restricted to RS256 with a {@code kid}, keys from the
 * JWKS cached for {@code JWT_JWKS_CACHE_SECONDS}, and the claim checks of {@link RelayJwtValidators}.
 */
@Configuration(proxyBeanMethods = false)
public class JwtDecoderConfiguration {

    /** docs/CONTRACT.md#jwt-configuration: an unknown {@code kid} triggers one JWKS refetch, at most one per minute. */
    static final long REFETCH_INTERVAL_MILLIS = 60_000;
    private static final int HTTP_TIMEOUT_MILLIS = 2_000;
    private static final int JWKS_SIZE_LIMIT = 256 * 1024;

    @Bean
    @Conditional(JwtIssuerConfigured.class)
    public JwtDecoder relayJwtDecoder(RelaySettings settings, ObjectProvider<Clock> clock) {
        RelaySettings.Jwt jwt = settings.api().jwt();
        URI jwks = jwt.jwksUri() != null ? jwt.jwksUri() : JwksDiscovery.jwksUri(jwt.issuerUri());
        return decoder(jwt, jwks, clock.getIfAvailable(Clock::systemUTC));
    }

    public static NimbusJwtDecoder decoder(RelaySettings.Jwt settings, URI jwks, Clock clock) {
        JWKSource<SecurityContext> keys = JWKSourceBuilder.create(url(jwks),
                        new DefaultResourceRetriever(HTTP_TIMEOUT_MILLIS, HTTP_TIMEOUT_MILLIS, JWKS_SIZE_LIMIT))
                .cache(settings.jwksCacheSeconds() * 1000L, HTTP_TIMEOUT_MILLIS * 2L)
                .rateLimited(REFETCH_INTERVAL_MILLIS)
                .build();
        // also requires use "sig" or absent and kty RSA (Nimbus' JWKMatcher for a JWS header)
        JWSKeySelector<SecurityContext> rs256 = new JWSVerificationKeySelector<>(JWSAlgorithm.RS256, keys);
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        // docs/CONTRACT.md#token-validation rule 2: a token without kid would otherwise be tried against every RSA key
        processor.setJWSKeySelector((header, context) ->
                header.getKeyID() == null ? List.of() : rs256.selectJWSKeys(header, context));
        processor.setJWSTypeVerifier(new DefaultJOSEObjectTypeVerifier<>(
                JOSEObjectType.JWT, new JOSEObjectType("at+jwt"), null));
        // claims are checked by Spring's validators, with the configured skew (not Nimbus' fixed 60 s)
        processor.setJWTClaimsSetVerifier((claims, context) -> { });
        NimbusJwtDecoder decoder = new NimbusJwtDecoder(processor);
        decoder.setJwtValidator(RelayJwtValidators.of(settings, clock));
        return decoder;
    }

    private static URL url(URI uri) {
        try {
            return uri.toURL();
        } catch (MalformedURLException e) {
            throw new IllegalArgumentException("JWKS location is not a URL", e);
        }
    }

    /**
     * Matches when {@code JWT_ISSUER_URI} is set (the same rule as RelaySettings) and tokens can be
     * presented at all: not when the API role or authentication is switched off, so a worker-only
     * process never depends on the issuer's discovery document.
     */
    static final class JwtIssuerConfigured implements Condition {
        @Override
        public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
            var env = context.getEnvironment();
            return StringUtils.hasText(env.getProperty("JWT_ISSUER_URI"))
                    && !isFalse(env.getProperty("API_ENABLED")) && !isFalse(env.getProperty("AUTH_ENABLED"));
        }

        private static boolean isFalse(String value) {
            return value != null && value.trim().equalsIgnoreCase("false");
        }
    }
}
