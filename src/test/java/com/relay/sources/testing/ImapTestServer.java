package com.relay.sources.testing;

import com.icegreen.greenmail.user.GreenMailUser;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import jakarta.activation.DataHandler;
import jakarta.mail.Flags;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import jakarta.mail.util.ByteArrayDataSource;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Date;
import java.util.Properties;

/**
 * An in-process IMAP and IMAPS server (GreenMail) on 127.0.0.1, ephemeral ports, one user (login =
 * e-mail address). IMAPS serves the {@link TestCertificate} (GreenMail's own has no subject
 * alternative name, so JavaMail's server-identity check fails on it); a client trusts it with
 * Camel's {@code sslContextParameters} or the JavaMail property {@code mail.imaps.ssl.trust=127.0.0.1}.
 * GreenMail takes its keystore from JVM-wide system properties, which this class sets.
 */
public final class ImapTestServer implements AutoCloseable {

    private final GreenMail greenMail;
    private final GreenMailUser user;

    private ImapTestServer(GreenMail greenMail, GreenMailUser user) {
        this.greenMail = greenMail;
        this.user = user;
    }

    public static ImapTestServer start(String email, String password) {
        useTestCertificate();
        GreenMail greenMail = new GreenMail(new ServerSetup[] {
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAP).dynamicPort(),
            new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_IMAPS).dynamicPort()});
        greenMail.start();
        GreenMailUser user = greenMail.setUser(email, email, password);
        return new ImapTestServer(greenMail, user);
    }

    private static synchronized void useTestCertificate() {
        if (System.getProperty("greenmail.tls.keystore.file") == null) {
            try {
                Path dir = Files.createTempDirectory("greenmail-tls");
                Path file = TestCertificate.keyStoreFile(dir);
                file.toFile().deleteOnExit();
                dir.toFile().deleteOnExit();
                System.setProperty("greenmail.tls.keystore.file", file.toString());
                System.setProperty("greenmail.tls.keystore.password", TestCertificate.PASSWORD);
                System.setProperty("greenmail.tls.key.password", TestCertificate.PASSWORD);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    public String host() {
        return "127.0.0.1";
    }

    public int imapPort() {
        return greenMail.getImap().getPort();
    }

    public int imapsPort() {
        return greenMail.getImaps().getPort();
    }

    /**
     * Puts a message into the user's INBOX: {@code from}, {@code subject}, Date header and IMAP
     * internal (arrival) date {@code date}, a text part and one attachment {@code attachmentName}.
     */
    public MimeMessage deliver(String from, String subject, Instant date, String attachmentName, byte[] attachment) {
        try {
            MimeMessage message = new MimeMessage(Session.getInstance(new Properties()));
            message.setFrom(new InternetAddress(from));
            message.setRecipients(MimeMessage.RecipientType.TO, user.getEmail());
            message.setSubject(subject);
            message.setSentDate(Date.from(date));
            MimeBodyPart text = new MimeBodyPart();
            text.setText("Stock file attached.");
            MimeBodyPart file = new MimeBodyPart();
            file.setDataHandler(new DataHandler(new ByteArrayDataSource(attachment, "application/octet-stream")));
            file.setFileName(attachmentName);
            // base64, as mail clients send files: left to JavaMail, a text-like attachment goes 7bit and
            // its line ends are not kept byte-exact (a trailing newline is lost)
            file.setHeader("Content-Transfer-Encoding", "base64");
            MimeMultipart multipart = new MimeMultipart();
            multipart.addBodyPart(text);
            multipart.addBodyPart(file);
            message.setContent(multipart);
            message.saveChanges();
            greenMail.getManagers().getImapHostManager().getInbox(user)
                    .appendMessage(message, new Flags(), Date.from(date));
            return message;
        } catch (MessagingException e) {
            throw new IllegalStateException(e);
        } catch (com.icegreen.greenmail.store.FolderException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The messages in the INBOX. */
    public MimeMessage[] inbox() {
        return greenMail.getReceivedMessages();
    }

    /** Whether any INBOX message is flagged \Seen or \Deleted (a fetch that changed the mailbox). */
    public boolean anySeenOrDeleted() {
        return anyFlagged(Flags.Flag.SEEN) || anyFlagged(Flags.Flag.DELETED);
    }

    /** Whether any INBOX message carries {@code flag} (\\Seen, \\Deleted...). */
    public boolean anyFlagged(Flags.Flag flag) {
        try {
            var inbox = greenMail.getManagers().getImapHostManager().getInbox(user);
            for (long uid : inbox.getMessageUids()) {
                if (inbox.getMessage(uid).getFlags().contains(flag)) {
                    return true;
                }
            }
            return false;
        } catch (com.icegreen.greenmail.store.FolderException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        greenMail.stop();
    }
}
