/** The initial ConnectionInfo of a handshake, filled in as messages arrive. */
import type { ConnectionInfo } from '../types.js';

/** The empty session id every report starts with (TLS 1.2 replaces it with a copy of the server's). */
const NO_SESSION_ID = new Uint8Array(0);

/** The report's ECH facts until an offer replaces them (ech-hello.ts): one frozen object for all. */
const ECH_NOT_OFFERED: ConnectionInfo['ech'] = Object.freeze({
  status: 'not offered',
  outerServerName: null,
  retryConfigs: null,
});

/** A ConnectionInfo with nothing negotiated yet. */
export function emptyInfo(servername: string | null, maxSendFragment: number): ConnectionInfo {
  return {
    version: null,
    cipherSuite: null,
    group: null,
    handshake: null,
    resumed: false,
    alpn: null,
    servername,
    sniAcknowledged: false,
    peerCertificates: [],
    verify: { ok: false, code: 50, message: 'application verification failure', depth: 0 },
    peerSignatureScheme: null,
    peerSignatureMd5Sha1: false,
    dhBits: null,
    tickets: 0,
    extendedMasterSecret: false,
    secureRenegotiation: false,
    handshakeBytes: { read: 0, written: 0 },
    appBytes: { read: 0, written: 0 },
    clientCertRequested: false,
    clientCertSent: false,
    clientCaNames: [],
    sessionId: NO_SESSION_ID,
    maxSendFragment,
    earlyData: 'not sent',
    maxEarlyData: 0,
    earlyDataSent: 0,
    certificateCompression: null,
    warningAlerts: [],
    renegotiations: 0,
    ech: ECH_NOT_OFFERED,
  };
}
