package com.relay.sources;

import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.Session;
import java.util.Map;
import org.apache.camel.component.file.GenericFileEndpoint;
import org.apache.camel.component.file.remote.RemoteFileConfiguration;
import org.apache.camel.component.file.remote.RemoteFileOperations;
import org.apache.camel.component.file.remote.SftpComponent;
import org.apache.camel.component.file.remote.SftpEndpoint;
import org.apache.camel.component.file.remote.SftpOperations;
import org.apache.camel.component.file.remote.SftpRemoteFile;

/**
 * camel-ftp's sftp component whose sessions check the server key against a {@link HostKeyPin}
 * instead of a known_hosts file: a vendor's {@code host_key} is a fingerprint, and JSch's known_hosts
 * needs the whole key. Held by {@link RemoteFileEndpoints} only (never added to the CamelContext, so
 * the context's {@code sftp} component stays Camel's own).
 */
// the annotation names the scheme so Camel binds the URI options with sftp's generated configurers (it
// reads the annotation of the component's own class); components are found by META-INF files, so it
// registers nothing
@org.apache.camel.spi.annotations.Component("sftp")
final class PinnedSftpComponent extends SftpComponent {

    @Override
    protected GenericFileEndpoint<SftpRemoteFile> buildFileEndpoint(String uri, String remaining, Map<String, Object> parameters)
            throws Exception {
        SftpEndpoint plain = (SftpEndpoint) super.buildFileEndpoint(uri, remaining, parameters);
        return new Endpoint(uri, this, plain.getConfiguration());
    }

    /** An sftp endpoint whose sessions use {@link #setHostKeys}. */
    static final class Endpoint extends SftpEndpoint {

        private HostKeyPin hostKeys;

        Endpoint(String uri, SftpComponent component, org.apache.camel.component.file.remote.SftpConfiguration configuration) {
            super(uri, component, configuration);
        }

        void setHostKeys(HostKeyPin hostKeys) {
            this.hostKeys = hostKeys;
        }

        @Override
        public RemoteFileOperations<SftpRemoteFile> createRemoteFileOperations() {
            HostKeyPin pin = hostKeys;
            if (pin == null) throw new IllegalStateException("no host key check set on " + getEndpointUri());
            SftpOperations operations = new SftpOperations(getProxy()) {
                @Override
                protected Session createSession(RemoteFileConfiguration configuration) throws JSchException {
                    Session session = super.createSession(configuration);
                    session.setHostKeyRepository(pin);
                    // "yes": a key the pin does not accept is refused, never asked about or learnt
                    session.setConfig("StrictHostKeyChecking", "yes");
                    return session;
                }
            };
            operations.setEndpoint(this);
            return operations;
        }
    }
}
