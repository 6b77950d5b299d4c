package com.relay.deploy;

import software.amazon.awscdk.App;
import software.amazon.awscdk.Environment;
import software.amazon.awscdk.StackProps;

/**
 * {@code cdk deploy --context stage=dev|staging|prod --context certificateArn=… --context imageTag=…}
 * (cdk.json runs this through Maven; docs/INFRA.md#deploying-with-cdk). One stack per invocation,
 * named {@code Relay-<stage>}.
 */
public final class RelayCdkApp {

    private RelayCdkApp() {}

    public static void main(String[] args) {
        App app = new App();
        DeploySettings deploy;
        try {
            deploy = DeploySettings.fromContext(key -> {
                Object v = app.getNode().tryGetContext(key);
                return v == null ? null : v.toString();
            });
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        stack(app, deploy);
        app.synth();
    }

    /** The stage's stack, in the CLI's account and region when it knows them (else environment-agnostic). */
    static RelayStack stack(App app, DeploySettings deploy) {
        StackProps.Builder props = StackProps.builder()
                .description("Relay inventory feed service, stage " + deploy.stage().id());
        String account = System.getenv("CDK_DEFAULT_ACCOUNT");
        String region = System.getenv("CDK_DEFAULT_REGION");
        if (account != null && region != null) {
            props.env(Environment.builder().account(account).region(region).build());
        }
        return new RelayStack(app, "Relay-" + deploy.stage().id(), props.build(), deploy);
    }
}
