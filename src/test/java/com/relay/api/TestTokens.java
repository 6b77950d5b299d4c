package com.relay.api;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test issuer for docs/CONTRACT.md#jwt-bearer-authentication: RSA keys generated per run, tokens signed here, and the
 * public key served as a JWKS by a JDK {@link HttpServer} on loopback (no network needed).
 */
final class TestTokens {

    final RSAKey key;
    /** Same kid as {@link #key}, different key pair: signatures made with it must fail. */
    final RSAKey impostor;
    /** A kid the JWKS does not publish. */
    final RSAKey unpublished;
    private HttpServer server;
    final AtomicInteger jwksRequests = new AtomicInteger();

    TestTokens() {
        try {
            key = new RSAKeyGenerator(2048).keyID("k1").keyUse(KeyUse.SIGNATURE).generate();
            impostor = new RSAKeyGenerator(2048).keyID("k1").generate();
            unpublished = new RSAKeyGenerator(2048).keyID("k-unknown").generate();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts the JWKS server on a free loopback port and returns its JWKS URL. */
    String serveJwks() {
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        byte[] jwks = new JWKSet(key.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        server.createContext("/jwks.json", exchange -> {
            jwksRequests.incrementAndGet();
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(jwks);
            }
        });
        server.start();
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/jwks.json";
    }

    void stop() {
        if (server != null) server.stop(0);
    }

    /** Base claims of docs/CONTRACT.md#jwt-vectors for the given issuer, with exp = now + 300. */
    static JWTClaimsSet.Builder base(String issuer, String subject, Instant now) {
        return new JWTClaimsSet.Builder().issuer(issuer).subject(subject)
                .expirationTime(Date.from(now.plusSeconds(300))).claim("token_use", "access");
    }

    String sign(JWTClaimsSet.Builder claims) {
        return sign(key, claims.build());
    }

    static String sign(RSAKey with, JWTClaimsSet claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), claims);
            jwt.sign(new RSASSASigner(with));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** RS256 without a kid header. */
    String signWithoutKid(JWTClaimsSet.Builder claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).build(), claims.build());
            jwt.sign(new RSASSASigner(key));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** HS256 with the given kid (a classic confusion attack uses the public key's bytes as secret). */
    String signHs256(JWTClaimsSet.Builder claims) {
        try {
            SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(key.getKeyID()).build(),
                    claims.build());
            jwt.sign(new MACSigner(key.toPublicJWK().toRSAPublicKey().getEncoded()));
            return jwt.serialize();
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code alg: none}: header and payload, optionally a made-up signature part. */
    static String unsigned(JWTClaimsSet.Builder claims, String signaturePart) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        String header = b64.encodeToString("{\"alg\":\"none\",\"kid\":\"k1\"}".getBytes(StandardCharsets.UTF_8));
        String payload = b64.encodeToString(claims.build().toString().getBytes(StandardCharsets.UTF_8));
        return header + "." + payload + "." + signaturePart;
    }
}
