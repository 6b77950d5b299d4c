package com.relay.aws;

import java.net.URI;

/**
 * Where each AWS service is reached. All null in {@code aws} mode without an override (the SDK
 * resolves the regional endpoint); one URL for all in {@code localstack}; one emulator each in
 * {@code embedded}.
 */
public record AwsEndpoints(URI sqs, URI s3, URI dynamoDb, URI cloudWatch) {

    public static AwsEndpoints all(URI endpoint) {
        return new AwsEndpoints(endpoint, endpoint, endpoint, endpoint);
    }

    public static AwsEndpoints sdkDefaults() {
        return new AwsEndpoints(null, null, null, null);
    }
}
