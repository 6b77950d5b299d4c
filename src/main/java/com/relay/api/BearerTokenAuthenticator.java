package com.relay.api;

import com.nimbusds.jose.KeySourceException;
import com.nimbusds.jose.jwk.source.RateLimitReachedException;
import com.relay.config.RelaySettings;
import com.relay.logging.Causes;
import java.text.ParseException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.security.oauth2.core.OAuth2Error;
import org.springframework.security.oauth2.jwt.BadJwtException;
import org.springframework.security.oauth2.jwt.Jwt;
import org.springframework.security.oauth2.jwt.JwtDecoder;
import org.springframework.security.oauth2.jwt.JwtException;
import org.springframework.security.oauth2.jwt.JwtValidationException;
import org.springframework.stereotype.Component;

/**
 * docs/CONTRACT.md#token-validation to docs/CONTRACT.md#claims-to-principal: an {@code Authorization: Bearer} value → a {@link Principal}, using
 * the {@link JwtDecoder} bean of {@link JwtDecoderConfiguration}. Every rejection is a 401 with
 * {@code WWW-Authenticate: Bearer error="invalid_token"} and an {@code auth_rejected} log line that
 * gives the reason, never the token; a JWKS that cannot be fetched is a 503.
 */
@Component
public class BearerTokenAuthenticator {

    private static final Logger log = LoggerFactory.getLogger(BearerTokenAuthenticator.class);
    /** docs/CONTRACT.md#token-validation rule 1: scheme case-insensitive, one space, a compact JWS (JWE has five parts, unsigned an empty third). */
    private static final Pattern BEARER = Pattern.compile(
            "^Bearer ([A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+)$", Pattern.CASE_INSENSITIVE);

    private final JwtDecoder decoder;
    private final RelaySettings.Jwt settings;

    public BearerTokenAuthenticator(ObjectProvider<JwtDecoder> decoder, RelaySettings settings) {
        this.decoder = decoder.getIfAvailable();
        this.settings = settings.api().jwt();
    }

    /** Whether bearer tokens are accepted at all (JWT_ISSUER_URI set). */
    public boolean enabled() {
        return decoder != null && settings.enabled();
    }

    /** @param authorization every {@code Authorization} header value of the request (at least one) */
    public Principal authenticate(List<String> authorization) {
        if (!enabled()) throw ApiException.unauthorized();
        if (authorization.size() != 1) throw rejected("more than one Authorization header");
        Matcher m = BEARER.matcher(authorization.get(0).trim());
        if (!m.matches()) throw rejected("not a Bearer compact JWS");
        Jwt jwt = decode(m.group(1));
        return JwtPrincipals.toPrincipal(jwt, settings).orElseThrow(() -> {
            log.info("auth_forbidden: token of jwt:{} carries neither the admin scope nor a tenant claim", jwt.getSubject());
            return ApiException.forbidden();
        });
    }

    private Jwt decode(String token) {
        try {
            return decoder.decode(token);
        } catch (JwtValidationException e) {
            throw rejected(e.getErrors().stream().map(OAuth2Error::getDescription).distinct().collect(Collectors.joining("; ")));
        } catch (BadJwtException e) {
            throw rejected(Causes.has(e, ParseException.class) ? "malformed token" : rootMessage(e));
        } catch (JwtException e) {
            if (Causes.has(e, RateLimitReachedException.class)) {
                throw rejected("unknown kid (the key set was refetched less than a minute ago)");
            }
            if (Causes.has(e, KeySourceException.class)) {
                log.warn("jwks_unavailable: the JWT key set cannot be fetched and no keys are cached ({})",
                        rootMessage(e));
                throw ApiException.serviceUnavailable();
            }
            throw rejected(rootMessage(e));
        }
    }

    private static ApiException rejected(String reason) {
        log.info("auth_rejected: bearer token rejected: {}", reason);
        return new ApiException(401, "UNAUTHORIZED", "missing or invalid credentials", List.of(), Map.of(),
                Map.of("WWW-Authenticate", "Bearer error=\"invalid_token\""));
    }

    /** Nimbus' messages are fixed texts ("Signed JWT rejected: Invalid signature", …); they never echo the token. */
    private static String rootMessage(Throwable t) {
        Throwable root = Causes.root(t);
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
