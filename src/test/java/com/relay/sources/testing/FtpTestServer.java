package com.relay.sources.testing;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.apache.ftpserver.DataConnectionConfigurationFactory;
import org.apache.ftpserver.FtpServer;
import org.apache.ftpserver.FtpServerFactory;
import org.apache.ftpserver.ftplet.FtpException;
import org.apache.ftpserver.ftplet.UserManager;
import org.apache.ftpserver.impl.DefaultFtpServer;
import org.apache.ftpserver.listener.ListenerFactory;
import org.apache.ftpserver.ssl.SslConfiguration;
import org.apache.ftpserver.ssl.SslConfigurationFactory;
import org.apache.ftpserver.usermanager.ClearTextPasswordEncryptor;
import org.apache.ftpserver.usermanager.PropertiesUserManagerFactory;
import org.apache.ftpserver.usermanager.impl.BaseUser;
import org.apache.ftpserver.usermanager.impl.WritePermission;

/**
 * An in-process FTP server (Apache FtpServer) on 127.0.0.1: plain FTP, FTPS explicit (AUTH TLS) or
 * FTPS implicit, with the {@link TestCertificate}; one user, home directory {@code root}; control
 * port and passive data ports ephemeral, passive address 127.0.0.1.
 */
public final class FtpTestServer implements AutoCloseable {

    public enum Mode { PLAIN, EXPLICIT_TLS, IMPLICIT_TLS }

    private final FtpServer server;
    private final Path root;
    private final Mode mode;

    private FtpTestServer(FtpServer server, Path root, Mode mode) {
        this.server = server;
        this.root = root;
        this.mode = mode;
    }

    /** Starts a server; {@code keyStoreDir} receives a copy of the test keystore when {@code mode} uses TLS. */
    public static FtpTestServer start(Mode mode, Path root, String user, String password, Path keyStoreDir) {
        Path home = root.toAbsolutePath().normalize();
        try {
            FtpServerFactory serverFactory = new FtpServerFactory();
            ListenerFactory listener = new ListenerFactory();
            listener.setServerAddress("127.0.0.1");
            listener.setPort(0);
            DataConnectionConfigurationFactory data = new DataConnectionConfigurationFactory();
            data.setPassiveAddress("127.0.0.1");
            data.setPassiveExternalAddress("127.0.0.1");
            data.setPassivePorts("0");
            if (mode != Mode.PLAIN) {
                SslConfigurationFactory ssl = new SslConfigurationFactory();
                ssl.setKeystoreFile(TestCertificate.keyStoreFile(keyStoreDir).toFile());
                ssl.setKeystoreType("PKCS12");
                ssl.setKeystorePassword(TestCertificate.PASSWORD);
                ssl.setKeyPassword(TestCertificate.PASSWORD);
                SslConfiguration sslConfiguration = ssl.createSslConfiguration();
                listener.setSslConfiguration(sslConfiguration);
                listener.setImplicitSsl(mode == Mode.IMPLICIT_TLS);
                data.setSslConfiguration(sslConfiguration);
            }
            listener.setDataConnectionConfiguration(data.createDataConnectionConfiguration());
            serverFactory.addListener("default", listener.createListener());

            PropertiesUserManagerFactory users = new PropertiesUserManagerFactory();
            users.setPasswordEncryptor(new ClearTextPasswordEncryptor());
            UserManager userManager = users.createUserManager();
            BaseUser account = new BaseUser();
            account.setName(user);
            account.setPassword(password);
            account.setHomeDirectory(home.toString());
            account.setAuthorities(List.of(new WritePermission()));
            userManager.save(account);
            serverFactory.setUserManager(userManager);

            FtpServer server = serverFactory.createServer();
            server.start();
            return new FtpTestServer(server, home, mode);
        } catch (FtpException e) {
            throw new IllegalStateException("FTP test server did not start", e);
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int port() {
        return ((DefaultFtpServer) server).getListener("default").getPort();
    }

    public Path root() {
        return root;
    }

    public Mode mode() {
        return mode;
    }

    public Path writeFile(String relativePath, byte[] content, Instant modified) {
        return TestFiles.write(root, relativePath, content, modified);
    }

    public Path writeFileOfSize(String relativePath, long size, Instant modified) {
        return TestFiles.writeOfSize(root, relativePath, size, modified);
    }

    @Override
    public void close() {
        server.stop();
    }
}
