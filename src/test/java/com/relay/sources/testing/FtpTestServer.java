package com.relay.sources.testing;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ftpserver.filesystem.nativefs.NativeFileSystemFactory;
import org.apache.ftpserver.ftplet.FileSystemFactory;
import org.apache.ftpserver.ftplet.FileSystemView;
import org.apache.ftpserver.ftplet.FtpFile;
import org.apache.ftpserver.ftplet.User;
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
 * port and passive data ports ephemeral, passive address 127.0.0.1. {@link #dropConnectionAfter}
 * makes downloads fail half-way.
 */
public final class FtpTestServer implements AutoCloseable {

    public enum Mode { PLAIN, EXPLICIT_TLS, IMPLICIT_TLS }

    private final FtpServer server;
    private final Path root;
    private final Mode mode;
    private final AtomicLong dropAfterBytes;

    private FtpTestServer(FtpServer server, Path root, Mode mode, AtomicLong dropAfterBytes) {
        this.server = server;
        this.root = root;
        this.mode = mode;
        this.dropAfterBytes = dropAfterBytes;
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

            AtomicLong dropAfterBytes = new AtomicLong(-1);
            serverFactory.setFileSystem(new DroppingFileSystemFactory(dropAfterBytes));
            FtpServer server = serverFactory.createServer();
            server.start();
            return new FtpTestServer(server, home, mode, dropAfterBytes);
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

    /**
     * From now on a download fails on the server after {@code offset} bytes (the server aborts the
     * transfer and closes the data connection); -1 turns it off.
     */
    public void dropConnectionAfter(long offset) {
        dropAfterBytes.set(offset);
    }

    @Override
    public void close() {
        server.stop();
    }

    /** The native file system, whose files' download streams fail after dropAfterBytes bytes. */
    private record DroppingFileSystemFactory(AtomicLong dropAfterBytes) implements FileSystemFactory {
        @Override
        public FileSystemView createFileSystemView(User user) throws FtpException {
            FileSystemView view = new NativeFileSystemFactory().createFileSystemView(user);
            return (FileSystemView) Proxy.newProxyInstance(FileSystemView.class.getClassLoader(),
                    new Class<?>[] {FileSystemView.class}, (proxy, method, args) -> {
                        Object result = invoke(method, view, args);
                        return result instanceof FtpFile file ? droppingFile(file) : result;
                    });
        }

        private FtpFile droppingFile(FtpFile file) {
            return (FtpFile) Proxy.newProxyInstance(FtpFile.class.getClassLoader(), new Class<?>[] {FtpFile.class},
                    (proxy, method, args) -> {
                        Object result = invoke(method, file, args);
                        long limit = dropAfterBytes.get();
                        if ("createInputStream".equals(method.getName()) && limit >= 0) {
                            return new FailingAfter((InputStream) result, limit);
                        }
                        return result;
                    });
        }

        private static Object invoke(java.lang.reflect.Method method, Object target, Object[] args) throws Throwable {
            try {
                return method.invoke(target, args);
            } catch (java.lang.reflect.InvocationTargetException e) {
                throw e.getCause();
            }
        }
    }

    private static final class FailingAfter extends FilterInputStream {
        private long left;

        FailingAfter(InputStream in, long limit) {
            super(in);
            this.left = limit;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) {
                throw new IOException("test server dropped the transfer");
            }
            int n = super.read(b, off, (int) Math.min(len, left));
            if (n > 0) {
                left -= n;
            }
            return n;
        }
    }
}
