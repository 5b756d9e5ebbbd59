import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.codelibs.opensearch.runner.OpenSearchRunner;

/**
 * One embedded OpenSearch node for local runs and tests, run as a single-file source program
 * (`java -cp <classpath> LocalOpenSearch.java --home DIR --http-port N --transport-port N`).
 *
 * The runner's own main picks "base port + 1" and is meant for throwaway clusters; this one binds
 * the exact ports it is given, keeps its data between runs and shuts down cleanly on SIGTERM.
 */
public class LocalOpenSearch {

    /**
     * The runner's default module list minus the user-agent ingest processor, whose regex table
     * alone takes seconds to parse at start and which the directory never uses.
     */
    static final String[] MODULES = {
            "org.opensearch.analysis.common.CommonAnalysisPlugin",
            "org.opensearch.geo.GeoModulePlugin",
            "org.opensearch.index.mapper.MapperExtrasPlugin",
            "org.opensearch.index.rankeval.RankEvalPlugin",
            "org.opensearch.index.reindex.ReindexPlugin",
            "org.opensearch.ingest.common.IngestCommonPlugin",
            "org.opensearch.join.ParentJoinPlugin",
            "org.opensearch.painless.PainlessPlugin",
            "org.opensearch.percolator.PercolatorPlugin",
            "org.opensearch.script.expression.ExpressionPlugin",
            "org.opensearch.script.mustache.MustachePlugin",
            "org.opensearch.search.aggregations.matrix.MatrixAggregationPlugin",
            "org.opensearch.transport.Netty4Plugin",
    };

    /** The line local/engines/opensearch.ts waits for. */
    static final String READY_MARKER = "LOCAL_OPENSEARCH_READY";

    public static void main(final String[] args) throws Exception {
        final Map<String, String> options = parseOptions(args);
        final Path home = Paths.get(required(options, "home")).toAbsolutePath();
        final String httpPort = required(options, "http-port");
        final String transportPort = required(options, "transport-port");
        final String clusterName = options.getOrDefault("cluster-name", "iop-directory-local");

        final OpenSearchRunner runner = new OpenSearchRunner();
        final CountDownLatch stopped = new CountDownLatch(1);
        // SIGTERM and SIGINT run shutdown hooks: closing the node flushes Lucene and releases the
        // data directory lock, so the next start finds its indices intact.
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                if (!runner.isClosed()) runner.close();
            } catch (final IOException e) {
                System.err.println("Failed to close OpenSearch cleanly: " + e);
            } finally {
                stopped.countDown();
            }
        }, "local-opensearch-shutdown"));

        if (options.containsKey("exit-with-parent")) exitWhenStdinCloses();

        // The http.port set below wins anyway; without this the runner would first scan
        // 9201-9299 for a port it does not use, and fail if they were all taken.
        runner.setMaxHttpPort(-1);

        runner.onBuild((index, settings) -> {
            settings.put("node.name", "local");
            settings.put("network.host", "127.0.0.1");
            settings.put("http.port", httpPort);
            settings.put("transport.port", transportPort);
            settings.put("discovery.type", "single-node");
            // CI disks are small and often over the default 85/90% watermarks, which would leave
            // new shards unassigned and the cluster red.
            settings.put("cluster.routing.allocation.disk.threshold_enabled", "false");
            // In AWS the index is created explicitly (with its mapping) before any write; a typo'd
            // index name must fail locally too instead of silently creating a dynamic index.
            settings.put("action.auto_create_index", "false");
            settings.put("bootstrap.memory_lock", "false");
        });
        try {
            runner.build(OpenSearchRunner.newConfigs()
                    .basePath(home.toString())
                    .numOfNode(1)
                    .clusterName(clusterName)
                    .moduleTypes(String.join(",", MODULES))
                    .build());
            runner.ensureYellow();
        } catch (final RuntimeException e) {
            e.printStackTrace();
            System.exit(1);
        }
        System.out.println(READY_MARKER + " http://127.0.0.1:" + httpPort);
        System.out.flush();
        stopped.await();
    }

    /**
     * The parent keeps our stdin open as a pipe and never writes to it; end-of-file means it died
     * without stopping us, and an orphaned node would hold the data directory lock forever.
     */
    private static void exitWhenStdinCloses() {
        final Thread watcher = new Thread(() -> {
            try (InputStream in = System.in) {
                final byte[] buffer = new byte[256];
                while (in.read(buffer) != -1) {
                    // ignore anything written
                }
            } catch (final IOException e) {
                // a broken pipe means the same as end-of-file
            }
            System.exit(0);
        }, "local-opensearch-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static Map<String, String> parseOptions(final String[] args) {
        final Map<String, String> options = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            final String arg = args[i];
            if (!arg.startsWith("--")) throw new IllegalArgumentException("Unexpected argument: " + arg);
            final String name = arg.substring(2);
            final boolean hasValue = i + 1 < args.length && !args[i + 1].startsWith("--");
            options.put(name, hasValue ? args[++i] : "true");
        }
        return options;
    }

    private static String required(final Map<String, String> options, final String name) {
        final String value = options.get(name);
        if (value == null) throw new IllegalArgumentException("Missing --" + name);
        return value;
    }
}
