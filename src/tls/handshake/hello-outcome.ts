/**
 * What the hello phase (client.ts) hands to a version flow (client13.ts, client12.ts) once the
 * server's ServerHello has fixed the version and suite. Its own module so that the hello phase
 * imports the flows and the flows import nothing back (no import cycle).
 */
import type { HandshakeHost } from './host.js';
import type { Transcript } from './transcript.js';
import type { ClientHello, ServerHello } from '../codec/handshake.js';
import type { CipherSuite } from '../codec/names.js';
import type { KeyShare } from '../crypto/provider.js';
import type { Session } from '../session/session.js';
import type { ConnectionInfo } from '../types.js';

export interface ClientParams {
  /** SNI to send, or null. */
  servername: string | null;
  /** Name checked against the certificate (host name or IP literal), or null to skip. */
  verifyName: string | null;
  /** A session to offer for resumption. */
  session?: Session;
}

/** Shared facts of one handshake, passed from the hello phase to the version flow. */
export interface HelloOutcome {
  host: HandshakeHost;
  params: ClientParams;
  info: ConnectionInfo;
  transcript: Transcript;
  clientRandom: Uint8Array;
  /** The ClientHello the ServerHello answers (the second one after a HelloRetryRequest). */
  hello: ClientHello;
  serverHello: ServerHello;
  suite: CipherSuite;
  /** The key shares of that ClientHello, private keys included (emptied once the handshake is done). */
  keyShares: KeyShare[];
  /** The TLS 1.3 session whose PSK that ClientHello offered. */
  pskSession?: Session;
  /** Sent a non-empty legacy_session_id and no CCS yet (the server expects one from us, RFC 8446 §D.4). */
  compatMode: boolean;
}
