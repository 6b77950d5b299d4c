package com.relay.sources.testing;

import static org.assertj.core.api.Assertions.assertThat;

import jakarta.mail.Folder;
import jakarta.mail.Message;
import jakarta.mail.Multipart;
import jakarta.mail.Part;
import jakarta.mail.Session;
import jakarta.mail.Store;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class ImapTestServerTest {

    @Test
    void aDeliveredMessageIsReadableOverImapAndImapsWithItsAttachment() throws Exception {
        try (ImapTestServer server = ImapTestServer.start("feeds@merchant.example", "secret")) {
            Instant date = Instant.parse("2026-01-02T06:00:00Z");
            server.deliver("stock@gamma.example", "Daily stock", date, "stock.csv",
                    "sku,qty\nA,1\n".getBytes(StandardCharsets.UTF_8));
            for (String protocol : new String[] {"imap", "imaps"}) {
                Properties props = new Properties();
                props.setProperty("mail." + protocol + ".ssl.trust", "127.0.0.1");
                // BODY.PEEK: GreenMail flags a fetched message \Seen even in a read-only (EXAMINE) folder
                props.setProperty("mail." + protocol + ".peek", "true");
                Store store = Session.getInstance(props).getStore(protocol);
                store.connect(server.host(), "imap".equals(protocol) ? server.imapPort() : server.imapsPort(),
                        "feeds@merchant.example", "secret");
                Folder inbox = store.getFolder("INBOX");
                inbox.open(Folder.READ_ONLY);
                Message message = inbox.getMessage(1);
                assertThat(message.getSubject()).isEqualTo("Daily stock");
                assertThat(message.getFrom()[0].toString()).isEqualTo("stock@gamma.example");
                assertThat(message.getSentDate().toInstant()).isEqualTo(date);
                assertThat(message.getReceivedDate().toInstant()).isEqualTo(date);
                Part attachment = ((Multipart) message.getContent()).getBodyPart(1);
                assertThat(attachment.getFileName()).isEqualTo("stock.csv");
                assertThat(new String(attachment.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                        .isEqualTo("sku,qty\nA,1\n");
                inbox.close(false);
                store.close();
            }
            assertThat(server.anySeenOrDeleted()).isFalse();
        }
    }
}
