package kg.neo4jserver;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.cli.AdminTool;
import org.neo4j.cli.ExecutionContext;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.driver.AuthTokens;
import org.neo4j.driver.Config;
import org.neo4j.driver.Driver;
import org.neo4j.driver.GraphDatabase;
import org.neo4j.driver.Logging;
import org.neo4j.driver.Session;
import org.neo4j.driver.SessionConfig;
import org.neo4j.driver.exceptions.AuthenticationException;
import org.neo4j.driver.summary.ResultSummary;
import org.neo4j.server.CommunityBootstrapper;

import kg.neo4jserver.guides.GuideFiles;

/**
 * Starts a Neo4j Community server (Bolt + HTTP on loopback, auth on) for development and tests,
 * or runs a neo4j-admin command in-process. Driven by scripts/neo4j; see README.md.
 *
 * <pre>
 *   Launcher serve HOME          # HOME/conf/neo4j.conf, HOME/password must exist
 *   Launcher admin HOME ARGS...  # same as "neo4j-admin ARGS..." with NEO4J_HOME=HOME
 * </pre>
 *
 * The password is read from HOME/password, never from the command line. Once Bolt answers an
 * authenticated query, HOME/run/ready is written (atomically) with the ports and the version.
 * SIGTERM/SIGINT shut the DBMS down through the bootstrapper's shutdown hook.
 */
public final class Launcher {
    private static final String USER = "neo4j";

    private Launcher() {}

    public static void main(String[] args) throws Exception {
        if (args.length < 2) {
            System.err.println("usage: Launcher serve HOME | Launcher admin HOME ARGS...");
            System.exit(2);
        }
        Path home = Path.of(args[1]).toAbsolutePath().normalize();
        switch (args[0]) {
            case "serve" -> serve(home);
            case "admin" -> System.exit(admin(home, Arrays.copyOfRange(args, 2, args.length)));
            default -> {
                System.err.println("unknown mode: " + args[0]);
                System.exit(2);
            }
        }
    }

    private static int admin(Path home, String... args) {
        return AdminTool.execute(new ExecutionContext(home, home.resolve("conf")), args);
    }

    private static void serve(Path home) throws Exception {
        Path confFile = home.resolve("conf").resolve("neo4j.conf");
        Path runDir = home.resolve("run");
        Path ready = runDir.resolve("ready");
        Files.createDirectories(runDir);
        Files.deleteIfExists(ready);

        String password = Files.readString(home.resolve("password"), StandardCharsets.UTF_8).strip();
        if (password.length() < 8) {
            fail("password file must hold at least 8 characters");
        }

        // A brand-new DBMS takes its initial password from data/dbms/auth.ini (what
        // "neo4j-admin dbms set-initial-password" writes); an existing one is synced below.
        boolean fresh = !Files.isDirectory(home.resolve("data").resolve("databases").resolve("system"));
        if (fresh) {
            int rc = admin(home, "dbms", "set-initial-password", password);
            if (rc != 0) {
                fail("setting the initial password failed (exit " + rc + ")");
            }
        }

        // Picked as late as possible; scripts/neo4j retries the start if a port got taken meanwhile.
        int[] ports = ports(System.getenv("KG_NEO4J_BOLT_PORT"), System.getenv("KG_NEO4J_HTTP_PORT"));
        int boltPort = ports[0];
        int httpPort = ports[1];
        if (boltPort == httpPort) {
            fail("bolt and http ports must differ");
        }
        Map<String, String> overrides = new HashMap<>();
        overrides.put("server.default_listen_address", "127.0.0.1");
        overrides.put("server.default_advertised_address", "127.0.0.1");
        overrides.put("server.bolt.enabled", "true");
        overrides.put("server.bolt.listen_address", "127.0.0.1:" + boltPort);
        overrides.put("server.bolt.advertised_address", "127.0.0.1:" + boltPort);
        overrides.put("server.http.enabled", "true");
        overrides.put("server.http.listen_address", "127.0.0.1:" + httpPort);
        overrides.put("server.http.advertised_address", "127.0.0.1:" + httpPort);
        overrides.put("server.https.enabled", "false");
        overrides.put("dbms.security.auth_enabled", "true");

        // Read by kg.neo4jserver.guides.GuideFiles, the extension that serves kg's Browser guide.
        System.setProperty(GuideFiles.FOLDER_PROPERTY, home.resolve("guides").toString());

        CommunityBootstrapper bootstrapper = new CommunityBootstrapper();
        int rc = bootstrapper.start(home, confFile, overrides, false, true);
        if (rc != 0) {
            System.err.println("neo4j failed to start (exit " + rc + "), see " + home.resolve("logs"));
            System.exit(rc);
        }

        String uri = "bolt://127.0.0.1:" + boltPort;
        long t0 = System.nanoTime();
        String version;
        try {
            try {
                version = boltCheck(uri, password);
            } catch (AuthenticationException e) {
                if (fresh) {
                    throw e;
                }
                // Existing DBMS whose stored password differs from the file (e.g. the file was
                // deleted and regenerated): the password file wins.
                System.err.println("kg launcher: stored password differs from the password file; resetting it");
                setPassword(bootstrapper.getDatabaseManagementService(), password);
                version = boltCheck(uri, password);
            }
        } catch (RuntimeException e) {
            System.err.println("kg launcher: Bolt check failed: " + e);
            bootstrapper.stop();
            System.exit(1);
            return;
        }

        String info = "BOLT_PORT=" + boltPort + "\n"
                + "HTTP_PORT=" + httpPort + "\n"
                + "NEO4J_VERSION=\"" + version + "\"\n"
                + "PID=" + ProcessHandle.current().pid() + "\n";
        Path tmp = runDir.resolve("ready.tmp");
        Files.writeString(tmp, info, StandardCharsets.UTF_8);
        Files.move(tmp, ready, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.err.println("kg launcher: Neo4j " + version + " ready, bolt " + uri
                + ", http http://127.0.0.1:" + httpPort + " (Bolt check "
                + (System.nanoTime() - t0) / 1_000_000 + " ms)");

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                Files.deleteIfExists(ready);
            } catch (IOException ignored) {
                // best effort
            }
        }));
        // Neo4j's own non-daemon threads keep the JVM alive too; this just parks the main thread
        // until SIGTERM runs the shutdown hooks (the bootstrapper's hook stops the DBMS).
        new CountDownLatch(1).await();
    }

    /**
     * Opens an authenticated Bolt session as user neo4j, runs a query on database neo4j and
     * returns the server's version, e.g. "5.26.30 community".
     */
    private static String boltCheck(String uri, String password) {
        Config config = Config.builder().withLogging(Logging.none()).build();
        try (Driver driver = GraphDatabase.driver(uri, AuthTokens.basic(USER, password), config);
                Session session = driver.session(SessionConfig.forDatabase("neo4j"))) {
            ResultSummary summary = session.run("RETURN 1").consume();
            String agent = summary.server().agent(); // "Neo4j/5.26.30"
            return agent.substring(agent.indexOf('/') + 1) + " community";
        }
    }

    private static void setPassword(DatabaseManagementService dbms, String password) {
        dbms.database("system").executeTransactionally(
                "ALTER USER " + USER + " SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
    }

    /**
     * Ports from the given values, or free loopback ports chosen by the OS where a value is
     * unset/0. The probe sockets are held together so the two picks differ.
     */
    private static int[] ports(String... fixed) throws IOException {
        int[] result = new int[fixed.length];
        ServerSocket[] probes = new ServerSocket[fixed.length];
        try {
            for (int i = 0; i < fixed.length; i++) {
                String v = fixed[i] == null ? "" : fixed[i].strip();
                if (!v.isEmpty() && !v.equals("0")) {
                    result[i] = Integer.parseInt(v);
                } else {
                    probes[i] = new ServerSocket();
                    probes[i].bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
                    result[i] = probes[i].getLocalPort();
                }
            }
        } finally {
            for (ServerSocket p : probes) {
                if (p != null) {
                    p.close();
                }
            }
        }
        return result;
    }

    private static void fail(String msg) {
        System.err.println("kg launcher: " + msg);
        System.exit(2);
    }
}
