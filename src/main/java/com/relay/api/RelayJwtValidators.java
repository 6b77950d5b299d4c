package com.relay.api;

import com.relay.config.RelaySettings;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.springframework.security.oauth2.core.DelegatingOAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.core.OAuth2ErrorCodes;
import org.springframework.security.oauth2.core.OAuth2TokenValidator;
import org.springframework.security.oauth2.core.OAuth2TokenValidatorResult;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtAudienceValidator;
import org.springframework.security.oauth2.jwt.JwtClaimNames;
import org.springframework.security.oauth2.jwt.JwtClaimValidator;
import org.springframework.security.oauth2.jwt.JwtIssuerValidator;
import org.springframework.security.oauth2.jwt.JwtTimestampValidator;

/**
 * The claim checks of docs/CONTRACT.md#token-validation (rules 4–10) as Spring Security token validators.
 * Header, algorithm, key and signature (rules 1–3) are checked by the decoder before these run.
 */
public final class RelayJwtValidators {

    public static final String TOKEN_USE = "token_use";
    public static final String CLIENT_ID = "client_id";

    private RelayJwtValidators() {}

    public static OAuth2TokenValidator<Jwt> of(RelaySettings.Jwt settings, Clock clock) {
        Duration skew = Duration.ofSeconds(settings.clockSkewSeconds());
        List<OAuth2TokenValidator<Jwt>> validators = new ArrayList<>();
        validators.add(new JwtIssuerValidator(settings.issuerUri()));
        JwtTimestampValidator timestamps = new JwtTimestampValidator(skew);
        timestamps.setClock(clock);
        validators.add(timestamps);
        validators.add(expiresStrictly(skew, clock));
        if (!settings.requiredTokenUse().isEmpty()) {
            validators.add(new JwtClaimValidator<>(TOKEN_USE, settings.requiredTokenUse()::equals));
        }
        if (settings.audience() != null) validators.add(new JwtAudienceValidator(settings.audience()));
        if (settings.clientId() != null) validators.add(new JwtClaimValidator<>(CLIENT_ID, settings.clientId()::equals));
        validators.add(new JwtClaimValidator<>(JwtClaimNames.SUB, sub -> sub instanceof String s && !s.isEmpty()));
        return new DelegatingOAuth2TokenValidator<>(validators);
    }

    /**
     * docs/CONTRACT.md#token-validation rule 5: {@code exp} is required and {@code now < exp + skew}. JwtTimestampValidator lets a
     * token without {@code exp} through and still accepts it at exactly {@code exp + skew}.
     */
    static OAuth2TokenValidator<Jwt> expiresStrictly(Duration skew, Clock clock) {
        return jwt -> {
            Instant exp = jwt.getExpiresAt();
            if (exp != null && Instant.now(clock).isBefore(exp.plus(skew))) return OAuth2TokenValidatorResult.success();
            String why = exp == null ? "The exp claim is missing" : "Jwt expired at " + exp;
            return OAuth2TokenValidatorResult.failure(new OAuth2Error(OAuth2ErrorCodes.INVALID_TOKEN, why, null));
        };
    }
}
