package com.relay.sources;

import com.relay.config.RelayMode;
import com.relay.config.RelaySettings;
import com.relay.tenants.config.TenantConfig;
import com.relay.worker.SourceAccess;
import com.relay.worker.SourceFiles;
import jakarta.mail.Address;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.FetchProfile;
import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.MessagingException;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import jakarta.mail.UIDFolder;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeUtility;
import jakarta.mail.search.AndTerm;
import jakarta.mail.search.FromStringTerm;
import jakarta.mail.search.SearchTerm;
import jakarta.mail.search.SubjectTerm;
import java.io.IOException;
import java.io.UnsupportedEncodingException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.component.mail.MailComponent;
import org.apache.camel.component.mail.MailConfiguration;
import org.springframework.stereotype.Component;

/**
 * The IMAP(S) conversation of {@code direct:fetch-vendor-email} (docs/ROUTES.md "Vendor sources: http
 * and email"). A bean step rather than a camel-mail consumer: the consumer opens the folder
 * read-write and flags every message it hands over \Seen (or \Deleted) when the exchange completes
 * (MailConsumer.processCommit), and closes the folder after the poll, before a route could stream an
 * attachment. Here the folder is opened READ_ONLY (the mailbox cannot change), the session is built
 * by camel-mail's {@link MailConfiguration} (with the {@code imaps} component's
 * {@code sslContextParameters} when set, else the JVM trust store), and the attachment is streamed
 * from the server in chunks (IMAP partial fetch) while the route stores it; {@link #finish} closes
 * the folder and the connection.
 * <p>Choice: the messages of {@code folder} whose From is the address {@code from} and whose Subject
 * contains {@code subject_contains} (case-insensitive; IMAP SEARCH on the server, checked again
 * here), newest first by the date the mailbox received them (IMAP INTERNALDATE: set by the server,
 * unlike the sender's Date header); the first of them with an attachment matching
 * {@code attachment_pattern} gives its first such attachment. At most {@link #MAX_CANDIDATES} of
 * the newest matches are looked at.
 * <p>IMAPS (TLS, port 993 by default) always, except plain IMAP to a loopback host in embedded mode
 * (a local test server).
 */
@Component("emailSource")
public class EmailSource {

    /** Whether {@link #find} found an attachment ({@code Boolean}). */
    public static final String FOUND = "relayEmailFound";
    /** The newest matching messages whose structure is read; older ones are not looked at. */
    static final int MAX_CANDIDATES = 200;
    /**
     * IMAP partial-fetch chunk: what the attachment stream holds in memory at a time, and one round
     * trip per chunk (256 KiB made a 1 GB attachment 4,000 round trips; 1 MiB is still small next to the engine budget).
     */
    static final int FETCH_SIZE = 1024 * 1024;

    private static final Pattern IP_LITERAL = Pattern.compile("[0-9.]+|\\[?[0-9a-fA-F:]+]?");

    private final SourceAccess access;
    private final CamelContext camel;
    private final boolean embedded;
    /** The open connection per exchange id: closed by {@link #finish} once the attachment is stored. */
    private final Map<String, Store> open = new ConcurrentHashMap<>();

    public EmailSource(SourceAccess access, CamelContext camel, RelaySettings settings) {
        this.access = access;
        this.camel = camel;
        this.embedded = settings.mode() == RelayMode.EMBEDDED;
    }

    /** Connects, finds the newest matching attachment and leaves its stream as the body, or sets {@link #FOUND} false. */
    public void find(Exchange exchange) {
        String vendor = HttpSource.fetch(exchange).getVendorId();
        TenantConfig.Remote r = HttpSource.fetch(exchange).getRemote();
        access.checkHost(exchange, r.host());
        String protocol = protocol(r.host());
        String where = protocol + "://" + r.host() + ":" + r.port();
        String password = access.secret(exchange, r.password());
        exchange.setProperty(FOUND, false);
        try {
            Store store = session(protocol, r.host(), r.port()).getStore(protocol);
            open.put(exchange.getExchangeId(), store);
            store.connect(r.host(), r.port(), r.username(), password);
            Folder folder = store.getFolder(r.folder());
            if (!folder.exists()) {
                // like an empty directory: a missing vendor (REQUIRED_VENDOR_MISSING when required)
                return;
            }
            folder.open(Folder.READ_ONLY);
            PathMatcher pattern = FileSystems.getDefault().getPathMatcher(
                    "glob:" + (r.attachmentPattern() == null ? "*" : r.attachmentPattern()));
            for (Message m : newestMatching(folder, r.from(), r.subjectContains())) {
                Part attachment = attachment(m, pattern);
                if (attachment != null) {
                    use(exchange, r, where, folder, (MimeMessage) m, attachment);
                    return;
                }
            }
        } catch (AuthenticationFailedException e) {
            throw new SourceRefusedException(SourceErrors.AUTH_FAILED, vendor, where
                    + ": the server refused the login of " + r.username() + " (check inbound.password)", null);
        } catch (MessagingException | IOException e) {
            throw SourceFailures.classify(e, vendor, where);
        }
    }

    /** Always last: the folder and the connection closed (nothing expunged). */
    public void finish(Exchange exchange) {
        exchange.removeProperty(FOUND);
        Store store = open.remove(exchange.getExchangeId());
        if (store == null) return;
        try {
            store.close();
        } catch (MessagingException e) {
            // the connection is gone either way
        }
    }

    /** Connections open now: none once every route has finished. */
    public int inFlight() {
        return open.size();
    }

    private void use(Exchange exchange, TenantConfig.Remote r, String where, Folder folder, MimeMessage m, Part attachment)
            throws MessagingException, IOException {
        String name = decode(attachment.getFileName());
        Map<String, Object> manifest = new LinkedHashMap<>();
        manifest.put("host", r.host());
        manifest.put("port", r.port());
        manifest.put("folder", r.folder());
        manifest.put("message_id", m.getMessageID());
        manifest.put("date", m.getSentDate() == null ? null : m.getSentDate().toInstant().toString());
        manifest.put("received", m.getReceivedDate() == null ? null : m.getReceivedDate().toInstant().toString());
        manifest.put("sender", sender(m));
        manifest.put("subject", m.getSubject());
        manifest.put("attachment", name);
        if (folder instanceof UIDFolder uids) manifest.put("uid", uids.getUID(m));
        exchange.setProperty(SourceFiles.NAME, name);
        // the part's size is its transfer-encoded size (base64: a third more): not the file's length
        exchange.setProperty(SourceFiles.SIZE, -1L);
        Date received = m.getReceivedDate() != null ? m.getReceivedDate() : m.getSentDate();
        if (received != null) exchange.setProperty(SourceFiles.MODIFIED, received.toInstant());
        exchange.setProperty(SourceFiles.MANIFEST, manifest);
        // decoded while it is read: IMAP fetches it in FETCH_SIZE chunks, BODY.PEEK (no \Seen)
        exchange.getMessage().setBody(attachment.getInputStream());
        exchange.setProperty(FOUND, true);
    }

    /** The matching messages, newest received first (message number as tie-break). */
    static List<Message> newestMatching(Folder folder, String from, String subjectContains) throws MessagingException {
        SearchTerm term = null;
        if (from != null) term = new FromStringTerm(from);
        if (subjectContains != null) term = term == null ? new SubjectTerm(subjectContains) : new AndTerm(term, new SubjectTerm(subjectContains));
        Message[] found = term == null ? folder.getMessages() : folder.search(term);
        // message numbers follow arrival: keep the newest MAX_CANDIDATES before reading their envelopes
        Arrays.sort(found, Comparator.comparingInt(Message::getMessageNumber));
        Message[] candidates = Arrays.copyOfRange(found, Math.max(0, found.length - MAX_CANDIDATES), found.length);
        FetchProfile profile = new FetchProfile();
        profile.add(FetchProfile.Item.ENVELOPE);
        profile.add(FetchProfile.Item.CONTENT_INFO);
        profile.add(UIDFolder.FetchProfileItem.UID);
        folder.fetch(candidates, profile);
        List<Message> matching = new ArrayList<>();
        for (Message m : candidates) {
            if (matches(m, from, subjectContains)) matching.add(m);
        }
        matching.sort(Comparator.comparing(EmailSource::received).thenComparingInt(Message::getMessageNumber).reversed());
        return matching;
    }

    /** The server's SEARCH is a substring match: the sender must be the address itself. */
    static boolean matches(Message m, String from, String subjectContains) throws MessagingException {
        if (subjectContains != null) {
            String subject = m.getSubject();
            if (subject == null || !subject.toLowerCase(Locale.ROOT).contains(subjectContains.toLowerCase(Locale.ROOT))) return false;
        }
        if (from == null) return true;
        Address[] senders = m.getFrom();
        if (senders == null) return false;
        for (Address a : senders) {
            if (a instanceof InternetAddress ia && from.equalsIgnoreCase(ia.getAddress())) return true;
        }
        return false;
    }

    /** The first part (depth first) whose file name matches the pattern. */
    static Part attachment(Part part, PathMatcher pattern) throws MessagingException, IOException {
        if (part.isMimeType("multipart/*")) {
            Multipart multipart = (Multipart) part.getContent();
            for (int i = 0; i < multipart.getCount(); i++) {
                Part found = attachment(multipart.getBodyPart(i), pattern);
                if (found != null) return found;
            }
            return null;
        }
        String name = decode(part.getFileName());
        if (name == null || name.isBlank() || name.contains("/") || name.contains("\\")) return null;
        return pattern.matches(Path.of(name)) ? part : null;
    }

    private static Instant received(Message m) {
        try {
            Date d = m.getReceivedDate() != null ? m.getReceivedDate() : m.getSentDate();
            return d == null ? Instant.EPOCH : d.toInstant();
        } catch (MessagingException e) {
            return Instant.EPOCH;
        }
    }

    private static String sender(Message m) throws MessagingException {
        Address[] from = m.getFrom();
        if (from == null || from.length == 0) return null;
        return from[0] instanceof InternetAddress ia ? ia.getAddress() : from[0].toString();
    }

    private static String decode(String name) {
        if (name == null) return null;
        try {
            return MimeUtility.decodeText(name);
        } catch (UnsupportedEncodingException e) {
            return name;
        }
    }

    /** imaps, or imap to a loopback host in embedded mode. */
    String protocol(String host) {
        return embedded && isLoopback(host) ? "imap" : "imaps";
    }

    static boolean isLoopback(String host) {
        if (host == null) return false;
        if (host.equalsIgnoreCase("localhost")) return true;
        if (!IP_LITERAL.matcher(host).matches()) return false;
        try {
            // an IP literal: no DNS lookup
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** camel-mail's session for the protocol: its component's TLS settings, our timeouts, server identity checked. */
    private Session session(String protocol, String host, int port) {
        SessionSettings settings = new SessionSettings(camel);
        MailComponent component = camel.getComponent(protocol, MailComponent.class);
        if (component != null && component.getConfiguration() != null) {
            settings.setSslContextParameters(component.getConfiguration().getSslContextParameters());
        }
        settings.configureProtocol(protocol);
        settings.setHost(host);
        settings.setPort(port);
        settings.setConnectionTimeout(access.connectTimeoutMillis());
        Properties extra = new Properties();
        extra.put("mail." + protocol + ".connectiontimeout", Integer.toString(access.connectTimeoutMillis()));
        extra.put("mail." + protocol + ".timeout", Integer.toString(access.readTimeoutMillis()));
        extra.put("mail." + protocol + ".ssl.checkserveridentity", "true");
        extra.put("mail." + protocol + ".partialfetch", "true");
        // BODY.PEEK: a read-only folder alone does not stop every server from setting \Seen on a fetch
        extra.put("mail." + protocol + ".peek", "true");
        extra.put("mail." + protocol + ".fetchsize", Integer.toString(FETCH_SIZE));
        settings.setAdditionalJavaMailProperties(extra);
        return settings.session();
    }

    /** camel-mail's configuration, for the session it builds (its factory method is protected). */
    private static final class SessionSettings extends MailConfiguration {
        private final CamelContext context;

        SessionSettings(CamelContext context) {
            super(context);
            this.context = context;
        }

        Session session() {
            return createJavaMailSender(context).getSession();
        }
    }
}
