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
import type { ExternalPsk } from './psk-offer.js';
import type { ConnectionInfo } from '../types.js';

export interface ClientParams {
  /** SNI to send, or null. */
  servername: string | null;
  /** Name checked against the certificate (host name or IP literal), or null to skip. */
  verifyName: string | null;
  /** A session to offer for resumption. */
  session?: Session;
  /**
   * TLS 1.3 0-RTT: bytes to send as early data when `session`'s ticket allows it (cut to its
   * max_early_data_size). Early data can be replayed (RFC 8446 §8); nothing is sent early without it.
   */
  earlyData?: Uint8Array;
}

/** Early data that went out with the first ClientHello, waiting for the server's verdict (early-data.ts). */
export interface EarlyOffer {
  session: Session;
  /** client_early_traffic_secret, for EndOfEarlyData's protection once accepted. */
  secret: Uint8Array;
  /** Bytes sent (at most the ticket's max_early_data_size). */
  bytes: number;
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
  /** The external PSK that ClientHello offered instead (s_client -psk; psk-offer.ts). */
  pskExternal?: ExternalPsk;
  /** Early data sent with that ClientHello (none after a HelloRetryRequest). */
  early?: EarlyOffer;
  /** Sent a non-empty legacy_session_id and no CCS yet (the server expects one from us, RFC 8446 §D.4). */
  compatMode: boolean;
}
