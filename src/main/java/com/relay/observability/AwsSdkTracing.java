package com.relay.observability;

import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import software.amazon.awssdk.core.interceptor.Context;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;

/**
 * A client span {@code <Service>.<Operation>} ({@code S3.GetObject}, {@code DynamoDb.TransactWriteItems})
 * for every AWS SDK call made inside a trace. AwsConfiguration puts every ExecutionInterceptor
 * bean on the SQS, S3 and DynamoDB clients.
 *
 * <p>Our own interceptor rather than {@code opentelemetry-aws-sdk-2.2}: the versions of that
 * library our registry holds (2.23+) need an OpenTelemetry API of 1.57 or newer, Spring Boot
 * 3.5.9 manages 1.49; and its SQS part writes its own trace attributes into the messages and
 * wraps received messages, where Relay already carries the context itself ({@link MessageTracing}).
 *
 * <p>A call with no span in scope starts no trace: the consumers' idle long polls (one per
 * consumer every 20 s) and the metrics publisher would otherwise each be a trace of their own.
 * Attributes are the service, the operation, the HTTP status and the AWS request id: no bucket
 * key, item, message body or header (so nothing secret and nothing unbounded).
 */
@Component("awsSdkTracing")
public class AwsSdkTracing implements ExecutionInterceptor {

    private static final ExecutionAttribute<Span> SPAN = new ExecutionAttribute<>("relay.tracing.span");

    private final ObjectProvider<Tracer> tracer;

    public AwsSdkTracing(ObjectProvider<Tracer> tracer) {
        this.tracer = tracer;
    }

    @Override
    public void beforeExecution(Context.BeforeExecution context, ExecutionAttributes attributes) {
        Tracer t = tracer.getIfAvailable();
        if (t == null || t.currentSpan() == null) return;
        String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
        String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
        Span span = t.spanBuilder().name(service + "." + operation).kind(Span.Kind.CLIENT)
                .tag("rpc.system", "aws-api").tag("rpc.service", String.valueOf(service))
                .tag("rpc.method", String.valueOf(operation)).start();
        attributes.putAttribute(SPAN, span);
    }

    @Override
    public void afterExecution(Context.AfterExecution context, ExecutionAttributes attributes) {
        Span span = attributes.getAttribute(SPAN);
        if (span == null) return;
        span.tag("http.response.status_code", Integer.toString(context.httpResponse().statusCode()));
        context.httpResponse().firstMatchingHeader("x-amzn-RequestId")
                .or(() -> context.httpResponse().firstMatchingHeader("x-amz-request-id"))
                .ifPresent(id -> span.tag("aws.request_id", id.length() > 64 ? id.substring(0, 64) : id));
        span.end();
    }

    @Override
    public void onExecutionFailure(Context.FailedExecution context, ExecutionAttributes attributes) {
        Span span = attributes.getAttribute(SPAN);
        if (span == null) return;
        context.httpResponse().ifPresent(r -> span.tag("http.response.status_code", Integer.toString(r.statusCode())));
        span.error(MessageTracing.bounded(context.exception()));
        span.end();
    }
}
