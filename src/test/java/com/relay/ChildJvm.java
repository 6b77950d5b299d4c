package com.relay;

import java.io.File;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * How a test starts the application in a child JVM: this JVM's {@code java} and the class path
 * {@code relay.jar} has, i.e. the test's class path without the CDK app's deploy-time libraries
 * ({@code provided} scope: aws-cdk-lib, jsii, constructs; never in the jar). Those matter to a
 * small-heap child: opening aws-cdk-lib's 51,000-entry jar while searching the class path puts its
 * central directory (about 7 MB) on a 32-48 MB heap, and EngineStreamingIT ran out of memory.
 */
public final class ChildJvm {

    /** Path fragments of the deploy-only jars in the local Maven repository. */
    static final List<String> DEPLOY_ONLY = List.of("/software/amazon/awscdk/", "/software/amazon/jsii/",
            "/software/constructs/");

    private ChildJvm() {}

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    public static String classPath() {
        return Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> DEPLOY_ONLY.stream().noneMatch(entry.replace(File.separatorChar, '/')::contains))
                .collect(Collectors.joining(File.pathSeparator));
    }
}
