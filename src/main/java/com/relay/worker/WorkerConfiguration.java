package com.relay.worker;

import com.relay.config.RelaySettings;
import java.util.concurrent.ExecutorService;
import org.apache.camel.CamelContext;
import org.apache.camel.builder.ThreadPoolProfileBuilder;
import org.apache.camel.spi.ThreadPoolProfile;
import org.apache.camel.spring.boot.CamelContextConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Camel settings that follow the worker's: the context waits for the worker's own shutdown, and the
 * thread pool profile {@value #VENDOR_POOL} runs the per-vendor splits of routes/run-worker.camel.yaml.
 */
@Configuration(proxyBeanMethods = false)
public class WorkerConfiguration {

    /** The thread pool (and its profile) of the vendor splits; routes name it as {@code executorService}. */
    public static final String VENDOR_POOL = "relayVendorPool";

    /**
     * Vendor threads of the whole worker: a share of the cores per concurrent attempt, as many shares
     * as attempts. One attempt may use them all, so the engine sizes its per-vendor memory for that
     * many parses at once (EngineRun's parallelism).
     */
    public static int vendorThreads(RelaySettings settings) {
        int concurrency = settings.worker().maxConcurrency();
        return Math.max(1, Runtime.getRuntime().availableProcessors() / concurrency) * concurrency;
    }

    /**
     * The vendor pool, made by Camel's executor service manager from a profile of that name so it
     * shows (and stops) with the context; an unbounded queue: a split's vendors wait for a thread.
     */
    @Bean(VENDOR_POOL)
    ExecutorService relayVendorPool(CamelContext camel, RelaySettings settings) {
        int threads = vendorThreads(settings);
        ThreadPoolProfile profile = new ThreadPoolProfileBuilder(VENDOR_POOL).poolSize(threads).maxPoolSize(threads)
                .maxQueueSize(-1).allowCoreThreadTimeOut(false).build();
        camel.getExecutorServiceManager().registerThreadPoolProfile(profile);
        return camel.getExecutorServiceManager().newThreadPool(this, "relay-vendor", VENDOR_POOL);
    }

    @Bean
    CamelContextConfiguration workerShutdownTimeout(RelaySettings settings) {
        return new CamelContextConfiguration() {
            @Override
            public void beforeApplicationStart(CamelContext context) {
                // WorkerShutdown hands running attempts back after WORKER_SHUTDOWN_TIMEOUT_SECONDS;
                // Camel's own deadline must not cut that short.
                context.getShutdownStrategy().setTimeout(settings.worker().shutdownTimeoutSeconds() + 30L);
            }

            @Override
            public void afterApplicationStart(CamelContext context) {
                // nothing
            }
        };
    }
}
