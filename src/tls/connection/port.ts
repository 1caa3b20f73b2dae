/**
 * The connection's ports: what its handshake (HandshakeHost) and its record layer (RecordOwner)
 * see of it, and the SSL_set_mode family. Connection (../connection.ts) adds the SSL_* calls,
 * the error queue and the failure rules on top.
 */
import type { Context } from '../context.js';
import type { ContextOptions, MessageEvent, Transport } from '../types.js';
import { ClientHandshake, type ClientParams } from '../handshake/client.js';
import type { HandshakeHost } from '../handshake/host.js';
import { RecordLayer, type RecordOwner } from '../record/layer.js';
import type { HandshakeMsg } from '../record/hsbuffer.js';
import type { RecordProtection } from '../record/protection.js';
import { toHex } from '../codec/bytes.js';
import { alertName } from '../codec/alerts.js';
import type { Session } from '../session/session.js';
import { unexpectedMessage } from '../errors.js';
import type { ExporterSecret } from '../handshake/exporter.js';

/** Callbacks for traces and session capture; all optional. */
export interface ConnectionEvents {
  message?(e: MessageEvent): void;
  keylog?(line: string): void;
  session?(s: Session): void;
  state?(name: string): void;
}

/** The events of a connection given none: one frozen object for all of them. */
const NO_EVENTS: ConnectionEvents = Object.freeze({});

export class ConnectionPort implements HandshakeHost {
  readonly options: ContextOptions;
  readonly handshake: ClientHandshake;
  readonly events: ConnectionEvents;

  protected mode: number;
  protected readonly records: RecordLayer;
  private latestSession?: Session;
  /** The last completed handshake's exporter secret (SSL_export_keying_material). */
  protected exporter?: ExporterSecret;

  constructor(
    protected readonly ctx: Context,
    protected readonly transport: Transport,
    protected readonly params: ClientParams,
    events: ConnectionEvents = NO_EVENTS,
  ) {
    // SSL_new copies the SSL_CTX's settings; a Context reassigns none of its options after
    // construction but the mode, which is copied below, so sharing the object is the same copy
    // without ~220 B per connection (issue #14).
    this.options = ctx.options;
    this.mode = ctx.options.mode;
    this.events = events;
    this.records = new RecordLayer(new RecordPort(this));
    this.handshake = new ClientHandshake(this, params);
  }

  /** The peer's close_notify was received. */
  get receivedShutdown(): boolean {
    return this.records.closeNotifyReceived;
  }

  // --- modes ---------------------------------------------------------------------------------

  /** SSL_set_mode: ORs bits in and returns the new mask. */
  setMode(bits: number): number {
    return (this.mode |= bits);
  }
  /** SSL_clear_mode. */
  clearMode(bits: number): number {
    return (this.mode &= ~bits);
  }
  /** SSL_get_mode. */
  getMode(): number {
    return this.mode;
  }
  /** Debug accessor: bytes held by the read and write buffers (RELEASE_BUFFERS). */
  bufferState(): { readBuffer: number; writeBuffer: number } {
    return this.records.bufferState();
  }

  /** Plaintext bytes per record: max_send_fragment, capped by a negotiated max_fragment_length (§2.2); RecordPort reads it too. */
  sendFragment(): number {
    return Math.min(this.options.maxSendFragment, this.handshake.info.maxSendFragment);
  }

  // --- HandshakeHost -----------------------------------------------------------------------------

  sendHandshake(message: Uint8Array): void {
    this.records.queueHandshake(message);
  }
  sendEarlyData(data: Uint8Array): void {
    const frag = this.sendFragment();
    for (let off = 0; off < data.length; off += frag) this.records.queueAppData(data.subarray(off, off + frag));
    this.handshake.info.appBytes.written += data.length;
  }
  sendChangeCipherSpec(): void {
    this.records.queueChangeCipherSpec();
  }
  setReadProtection(p: RecordProtection): void {
    this.records.setReadProtection(p);
  }
  setWriteProtection(p: RecordProtection): void {
    this.records.setWriteProtection(p);
  }
  endOfFlight(): void {
    if (this.records.handshakeBuffered) throw unexpectedMessage('excess handshake data after the end of a flight');
  }
  setRecordVersion(v: number): void {
    this.records.setRecordVersion(v);
  }
  keylog(label: string, clientRandom: Uint8Array, secret: Uint8Array): void {
    this.events.keylog?.(`${label} ${toHex(clientRandom)} ${toHex(secret)}`);
  }
  exporterSecret(s: ExporterSecret): void {
    this.exporter = s;
  }
  newSession(s: Session): void {
    this.latestSession = s;
    this.events.session?.(s);
  }

  /** SSL_get_session: the newest session of this connection (the offered one after a resumption). */
  get session(): Session | undefined {
    return this.latestSession ?? (this.handshake.info.resumed ? this.params.session : undefined);
  }
  state(name: string): void {
    this.events.state?.(name);
  }
}

/**
 * The connection as its record layer sees it (RecordOwner): the handshake's progress, the traces,
 * the mode. A class with one field rather than an object literal of getters and arrow functions,
 * so an idle connection holds 24 bytes here instead of ~1.6 KB of closures in a dictionary-mode
 * object (issue #14, RELEASE_BUFFERS memory).
 */
class RecordPort implements RecordOwner {
  constructor(private readonly conn: ConnectionPort) {}
  get mode(): number {
    return this.conn.getMode();
  }
  get established(): boolean {
    return this.conn.handshake.done;
  }
  get version(): number | null {
    return this.conn.handshake.info.version;
  }
  get sendFragment(): number {
    return this.conn.sendFragment();
  }
  get handshakeBytes(): { read: number; written: number } {
    return this.conn.handshake.info.handshakeBytes;
  }
  // BoringSSL ssl_max_handshake_message_len: max_cert_list, never below 16384.
  get maxHandshakeMessage(): number | undefined {
    const m = this.conn.options.maxCertList;
    return m === undefined ? undefined : Math.max(m, 16384);
  }
  handshake(m: HandshakeMsg): void {
    this.conn.handshake.handle(m.type, m.body, m.raw);
  }
  changeCipherSpec(): void {
    this.conn.handshake.changeCipherSpec();
  }
  message(e: MessageEvent): void {
    this.conn.events.message?.(e);
  }
  warningAlert(d: number): void {
    this.conn.handshake.info.warningAlerts.push(alertName(d));
    this.conn.handshake.warningAlert(d);
  }
}
