/**
 * What a handshake state machine may ask of its connection: send messages, switch record
 * protection, log keys, hand over sessions. The connection implements it; unit tests can too.
 */
import type { RecordProtection } from '../record/protection.js';
import type { ContextOptions } from '../types.js';
import type { Session } from '../session/session.js';
import type { ExporterSecret } from './exporter.js';

export interface HandshakeHost {
  readonly options: ContextOptions;
  /** Sends one whole handshake message (header included) under the current write epoch. */
  sendHandshake(message: Uint8Array): void;
  /** Sends application data under the current (early) write keys: TLS 1.3 0-RTT (RFC 8446 §2.3). */
  sendEarlyData(data: Uint8Array): void;
  /** Sends a ChangeCipherSpec record (middlebox compatibility in 1.3, real in 1.2). */
  sendChangeCipherSpec(): void;
  /** Installs protection for records read from now on (the reassembly buffer must be empty). */
  setReadProtection(p: RecordProtection): void;
  /**
   * The server's flight ended (HelloRetryRequest, TLS 1.2 ServerHelloDone) and ours goes out: no
   * part of a further handshake message may wait (BoringSSL EXCESS_HANDSHAKE_DATA; RFC 8446 §5.1
   * for the messages before a key change), else unexpected_message.
   */
  endOfFlight(): void;
  /** Installs protection for records written from now on. */
  setWriteProtection(p: RecordProtection): void;
  /** Sets the legacy record version for records written from now on. */
  setRecordVersion(v: number): void;
  /** NSS key log line: `label client_random secret` (the random of the handshake that made it). */
  keylog(label: string, clientRandom: Uint8Array, secret: Uint8Array): void;
  /** A handshake completed: the secret SSL_export_keying_material derives from from now on. */
  exporterSecret(s: ExporterSecret): void;
  /** A resumable session became available (TLS 1.3: per ticket; TLS 1.2: end of full handshake). */
  newSession(s: Session): void;
  /** State machine transition, for --state. */
  state(name: string): void;
}
