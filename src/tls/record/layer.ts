/**
 * The record layer of one connection, either role: deframe → open → dispatch by content type on
 * the way in; seal → fragment → queue on the way out; and the record-level policy OpenSSL applies
 * there (ssl3_read_bytes, tls_get_more_records): limits on empty records, warning alerts and
 * KeyUpdates, ChangeCipherSpec rules, no interleaving inside a fragmented handshake message, and
 * the record header checks of RecordReader. Alerts received and the record version check are in
 * alert-policy.ts. Sans-IO: it only calls the Transport it is given.
 *
 * What it does not decide is left to its owner (RecordOwner): when the handshake is over, what a
 * handshake message or a ChangeCipherSpec means, and where traces go.
 */
import type { MessageEvent, Transport } from '../types.js';
import { Mode } from '../types.js';
import { RecordReader, WriteBuffer } from './buffers.js';
import { HandshakeBuffer, type HandshakeMsg } from './hsbuffer.js';
import { AppDataQueue } from './appdata.js';
import { ContentType, NullProtection, type RecordProtection } from './protection.js';
import { handshakeName, HandshakeType } from '../codec/handshake.js';
import { ProtocolVersion } from '../codec/names.js';
import { unexpectedMessage } from '../errors.js';
import { AlertPolicy, alertText, checkRecordVersion, decodeAlert } from './alert-policy.js';

/** KeyUpdates tolerated without application data in between (OpenSSL: 32, SSL_R_TOO_MANY_KEY_UPDATES). */
export const MAX_KEY_UPDATES = 32;
/** Records that carry no progress (empty, CCS) tolerated in a row (OpenSSL's MAX_EMPTY_RECORDS: 32). */
export const MAX_EMPTY_RECORDS = 32;

/** What a transport read or write came to: progress, would-block, EOF or an errno. */
export type IoStep = 'ok' | 'block' | 'eof' | { error: string; errno: number };

/** What the record layer asks of the connection (or test server) that owns it. */
export interface RecordOwner {
  /** SSL_MODE_* bits (RELEASE_BUFFERS frees idle buffers). */
  readonly mode: number;
  /** The handshake is complete: application data may flow, handshake messages are post-handshake. */
  readonly established: boolean;
  /** The negotiated version, null before ServerHello. */
  readonly version: number | null;
  /** Largest plaintext per record sent (max_send_fragment, capped by max_fragment_length). */
  readonly sendFragment: number;
  /** Bytes of records read and written while the handshake runs (ConnectionInfo.handshakeBytes). */
  readonly handshakeBytes: { read: number; written: number };
  /** Optional: the largest handshake message accepted (ContextOptions.maxCertList). */
  readonly maxHandshakeMessage?: number;
  /** One complete handshake message received during the handshake. */
  handshake(m: HandshakeMsg, recordVersion: number): void;
  /** A well-formed ChangeCipherSpec received. */
  changeCipherSpec(): void;
  /** Trace of a message sent or received (--msg, --trace). */
  message?(e: MessageEvent): void;
  /** A warning alert was received and tolerated (not close_notify). */
  warningAlert?(description: number): void;
  /**
   * Optional: a look at each record before it is opened; true when the owner took it as it is
   * (a test peer that accepts what the protocol forbids). The client has none.
   */
  takeUnopened?(type: number, body: Uint8Array): boolean;
  /**
   * Optional: each sealed record (header included) before it is queued; what it returns is
   * queued instead, null drops it (a test peer rewriting its records). The client has none.
   */
  sealed?(type: number, record: Uint8Array): Uint8Array | null;
}

export class RecordLayer {
  /** The peer's close_notify arrived: nothing more will be read. */
  closeNotifyReceived = false;
  /**
   * TLS 1.3: take 2-byte alert records in plaintext although read keys are installed (OpenSSL's
   * allow_plain_alerts): a server sets it until the client's Finished, since a client that
   * fails before it has the handshake keys can only alert in plaintext.
   */
  allowPlainAlerts = false;

  private readonly reader = new RecordReader();
  private readonly out = new WriteBuffer();
  private readonly hsBuf: HandshakeBuffer;
  private readProt: RecordProtection = new NullProtection();
  private writeProt: RecordProtection = new NullProtection();
  /** legacy_record_version written (RFC 8446 §5.1: 0x0301 for the first ClientHello, then 0x0303). */
  private recordVersion: number = ProtocolVersion.TLS1_0;
  private readonly appData = new AppDataQueue();
  private emptyRecords = 0;
  private keyUpdates = 0;
  /** The record that completed the handshake carried more handshake data after its last message. */
  excessHandshakeData = false;
  /** Alert records received and the warnings in a row (alert-policy.ts). */
  private readonly alerts = new AlertPolicy();

  constructor(private readonly owner: RecordOwner) {
    this.hsBuf = new HandshakeBuffer(owner);
  }

  // --- state ---------------------------------------------------------------------------------

  /** Bytes of a partial record waiting in the read buffer. */
  get bufferedRecord(): number {
    return this.reader.buffered;
  }
  /** Sealed bytes not yet taken by the transport. */
  get pendingWrite(): number {
    return this.out.pending;
  }
  /** Bytes held by the read and write buffers (RELEASE_BUFFERS). */
  bufferState(): { readBuffer: number; writeBuffer: number } {
    return { readBuffer: this.reader.allocated, writeBuffer: this.out.allocated };
  }
  /** Whether decrypted application data is waiting (empty records are never queued). */
  get hasAppData(): boolean {
    return this.appData.nonEmpty;
  }
  /** Bytes of decrypted application data waiting (SSL_pending). */
  pendingAppData(): number {
    return this.appData.size;
  }

  /** Part of a handshake message (or a whole one not yet handled) waits in the reassembly buffer. */
  get handshakeBuffered(): boolean {
    return !this.hsBuf.empty;
  }
  /** Installs protection for records read from now on (the reassembly buffer must be empty). */
  setReadProtection(p: RecordProtection): void {
    if (!this.hsBuf.empty) throw unexpectedMessage('handshake message not aligned with a key change');
    this.readProt = p;
    this.reader.maxBody = p.maxCiphertext;
  }
  /** Installs protection for records written from now on. */
  setWriteProtection(p: RecordProtection): void {
    this.writeProt = p;
  }
  /** Sets the legacy record version of records written from now on. */
  setRecordVersion(v: number): void {
    this.recordVersion = v;
  }

  // --- records in ----------------------------------------------------------------------------

  /** Reads one record from the transport and dispatches it. */
  readRecord(transport: Transport): IoStep {
    const rec = this.reader.next(transport);
    if (typeof rec === 'string' || 'error' in rec) {
      // A read that would block or hit EOF with nothing buffered frees the read buffer (tls_default_read_n).
      if (this.owner.mode & Mode.RELEASE_BUFFERS) this.reader.release();
      return rec;
    }
    const owner = this.owner;
    if (!owner.established) owner.handshakeBytes.read += 5 + rec.body.length;
    // A plaintext alert is read whatever its version (OpenSSL lets a plaintext alert with the wrong
    // version end the connection without answering it): a peer that refuses our hello may not
    // have switched its record version yet.
    const plainAlert =
      rec.type === ContentType.alert && (this.readProt.isNull || this.isPlaintext13(rec.type, rec.body));
    if (!plainAlert) checkRecordVersion(owner.version, rec.version);
    if (owner.takeUnopened?.(rec.type, rec.body)) {
      /* taken as it is */
    } else if (this.isPlaintext13(rec.type, rec.body) && owner.version === ProtocolVersion.TLS1_3) {
      this.dispatch(rec.type, rec.body, rec.version);
    } else {
      const { type, fragment } = this.readProt.open(rec.type, rec.version, rec.body);
      this.dispatch(type, fragment, rec.version);
    }
    if (owner.mode & Mode.RELEASE_BUFFERS) this.reader.release();
    return 'ok';
  }

  /**
   * TLS 1.3 records that are never protected: compatibility CCS (RFC 8446 §5) and, while
   * allowPlainAlerts, a 2-byte alert (a protected record is at least 17 bytes).
   */
  private isPlaintext13(type: number, body: Uint8Array): boolean {
    if (type === ContentType.change_cipher_spec) return true;
    return type === ContentType.alert && this.allowPlainAlerts && body.length === 2;
  }

  private dispatch(type: number, fragment: Uint8Array, version: number): void {
    const owner = this.owner;
    if (fragment.length === 0 || type === ContentType.change_cipher_spec) {
      if (++this.emptyRecords > MAX_EMPTY_RECORDS) throw unexpectedMessage('too many empty records');
    } else this.emptyRecords = 0;
    if (type !== ContentType.alert && fragment.length !== 0) this.alerts.progress();
    // TLS 1.3: no other record type between the fragments of a handshake message (RFC 8446 §5.1).
    if (type !== ContentType.handshake && !this.hsBuf.empty && owner.version === ProtocolVersion.TLS1_3) {
      throw unexpectedMessage('mixed handshake and non handshake data');
    }
    switch (type) {
      case ContentType.handshake:
        if (fragment.length === 0) throw unexpectedMessage('empty handshake record');
        this.hsBuf.push(fragment);
        // During the handshake every complete message is handled at once; afterwards they wait
        // for nextPostHandshake (SSL_read handles one at a time).
        if (owner.established) return;
        while (!owner.established) {
          const m = this.hsBuf.next();
          if (!m) break;
          this.trace('received', version, ContentType.handshake, m.raw, handshakeName(m.type));
          owner.handshake(m, version);
        }
        // The record that completes the handshake ends with its last message: nothing may follow
        // the Finished in it, e.g. a packed HelloRequest (BoringSSL EXCESS_HANDSHAKE_DATA). The
        // owner raises it once its last flight is out, so that the alert can follow that flight.
        if (owner.established && !this.hsBuf.empty) this.excessHandshakeData = true;
        return;
      case ContentType.change_cipher_spec:
        return this.onChangeCipherSpec(fragment, version);
      case ContentType.alert:
        return this.onAlert(fragment, version);
      case ContentType.application_data:
        if (!owner.established) throw unexpectedMessage('application data before the handshake completed');
        if (!this.hsBuf.empty) throw unexpectedMessage('application data inside a fragmented handshake message');
        if (fragment.length) {
          // Decrypted plaintext is fresh memory; only a view into the read buffer needs a copy.
          this.appData.push(this.readProt.isNull ? fragment.slice() : fragment);
          this.keyUpdates = 0;
        }
        return;
      default:
        throw unexpectedMessage(`unexpected record type ${type}`);
    }
  }

  /**
   * After the handshake: the next buffered post-handshake message, traced and counted (OpenSSL's
   * SSL_R_TOO_MANY_KEY_UPDATES: at most 32 KeyUpdates without application data between), or
   * null when no whole message is buffered.
   */
  nextPostHandshake(): HandshakeMsg | null {
    const m = this.hsBuf.next();
    if (!m) return null;
    this.trace('received', ProtocolVersion.TLS1_2, ContentType.handshake, m.raw, handshakeName(m.type));
    if (m.type === HandshakeType.key_update && ++this.keyUpdates > MAX_KEY_UPDATES)
      throw unexpectedMessage('too many key updates');
    return m;
  }

  /** ChangeCipherSpec: one byte 0x01, never inside a fragmented handshake message (RFC 5246 §7.1, RFC 8446 §5). */
  private onChangeCipherSpec(fragment: Uint8Array, version: number): void {
    // A plaintext fragment is a view into the read buffer, overwritten by the next record
    // (RecordReader.next): the event keeps a copy, as handshake events do (HandshakeBuffer.next).
    this.trace('received', version, ContentType.change_cipher_spec, fragment.slice(), 'ChangeCipherSpec');
    if (fragment.length !== 1 || fragment[0] !== 1) throw unexpectedMessage('bad ChangeCipherSpec');
    if (!this.hsBuf.empty) throw unexpectedMessage('ChangeCipherSpec inside a fragmented handshake message');
    this.owner.changeCipherSpec();
  }

  /** Alerts: traced, then checked by the AlertPolicy (alert-policy.ts); a tolerated warning goes to the owner. */
  private onAlert(fragment: Uint8Array, version: number): void {
    const { level, desc } = decodeAlert(fragment);
    this.trace('received', version, ContentType.alert, fragment.slice(), alertText(level, desc)); // a copy, as for CCS
    const r = this.alerts.receive(level, desc, this.owner.version);
    if (r === 'close_notify') this.closeNotifyReceived = true;
    else this.owner.warningAlert?.(r);
  }

  /**
   * Moves up to buf.length bytes of received application data into buf; returns the count. With
   * `peek` the bytes are copied and stay for the next read (SSL_peek).
   */
  readAppData(buf: Uint8Array, peek = false): number {
    if (peek) return this.appData.peek(buf);
    const n = this.appData.read(buf);
    if (this.owner.mode & Mode.RELEASE_BUFFERS) this.reader.release();
    // Every plaintext opened into reused memory has been copied out: it may be written again.
    if (!this.appData.nonEmpty) this.reuse(this.readProt);
    return n;
  }

  // --- records out ---------------------------------------------------------------------------

  /** Writes pending records to the transport; an emptied buffer is freed under RELEASE_BUFFERS. */
  flush(transport: Transport): IoStep {
    const f = this.flushRaw(transport);
    if (f === 'done') {
      if (this.owner.mode & Mode.RELEASE_BUFFERS) this.out.release();
      return 'ok';
    }
    return f;
  }

  /**
   * Writes pending records to the transport, leaving the buffer as it is (the SSL_write path).
   * Once all are out and the transport keeps no views of them, the memory of the records
   * sealParts sealed may be written again (RecordProtection.recycle).
   */
  flushRaw(transport: Transport): 'done' | 'block' | { error: string; errno: number } {
    const f = this.out.flush(transport);
    if (f === 'done' && transport.holdsNoChunks) this.reuse(this.writeProt);
    return f;
  }

  /** Nothing refers to `prot`'s records any more: their memory is written again, or dropped under RELEASE_BUFFERS. */
  private reuse(prot: RecordProtection): void {
    if (this.owner.mode & Mode.RELEASE_BUFFERS) prot.release?.();
    else prot.recycle?.();
  }

  /**
   * Handshake messages and alerts, cut at the same fragment size as application data (as
   * OpenSSL does), sealed under the current write epoch and queued.
   */
  queueRecord(type: number, data: Uint8Array): void {
    const frag = this.owner.sendFragment;
    for (let off = 0; off < data.length || off === 0; off += frag) {
      const rec = this.writeProt.seal(type, data.subarray(off, off + frag), this.recordVersion);
      if (!this.owner.established) this.owner.handshakeBytes.written += rec.length;
      this.append(type, rec);
      if (data.length === 0) break;
    }
  }

  /** Queues one sealed record, through the owner's `sealed` look when it has one. */
  private append(type: number, rec: Uint8Array): void {
    const look = this.owner.sealed;
    const out = look ? look(type, rec) : rec;
    if (out) this.out.append(out);
  }

  /** Seals one record under the current write epoch (advancing its sequence) without queueing it. */
  seal(type: number, fragment: Uint8Array): Uint8Array {
    return this.writeProt.seal(type, fragment, this.recordVersion);
  }
  /** The current write protection (a test peer crafting records reads it). */
  get writeProtection(): RecordProtection {
    return this.writeProt;
  }

  /** Queues bytes as they are, in order with the records (a test peer's crafted records). */
  queueRaw(bytes: Uint8Array): void {
    this.out.append(bytes);
  }

  /** Queues one whole handshake message (header included). */
  queueHandshake(message: Uint8Array): void {
    this.trace('sent', this.recordVersion, ContentType.handshake, message, handshakeName(message[0] ?? 0));
    this.queueRecord(ContentType.handshake, message);
  }

  /**
   * Queues a ChangeCipherSpec under the current write keys: plaintext initially (and for TLS
   * 1.3's compatibility CCS), protected during a TLS 1.2 renegotiation. Always counted as
   * handshake bytes.
   */
  queueChangeCipherSpec(): void {
    const body = Uint8Array.of(1);
    this.trace('sent', this.recordVersion, ContentType.change_cipher_spec, body, 'ChangeCipherSpec');
    const rec = this.writeProt.seal(ContentType.change_cipher_spec, body, this.recordVersion);
    this.owner.handshakeBytes.written += rec.length;
    this.append(ContentType.change_cipher_spec, rec);
  }

  /** Queues an alert record. */
  queueAlert(level: number, desc: number): void {
    const body = Uint8Array.of(level, desc);
    this.trace('sent', this.recordVersion, ContentType.alert, body, alertText(level, desc));
    this.queueRecord(ContentType.alert, body);
  }

  /**
   * Seals one application-data record of `fragment` and queues it: in parts when the epoch seals
   * in parts and no `sealed` look wants the record whole (issue 14: no copy of the ciphertext).
   */
  queueAppData(fragment: Uint8Array): void {
    const prot = this.writeProt;
    if (prot.sealParts && !this.owner.sealed) {
      this.out.appendParts(prot.sealParts(ContentType.application_data, fragment, this.recordVersion));
      return;
    }
    this.append(
      ContentType.application_data,
      this.writeProt.seal(ContentType.application_data, fragment, this.recordVersion),
    );
  }

  /**
   * True when a write may seal several records before one flush: the epoch can unseal records
   * that never went out, and no `sealed` look sees (or changes) each record.
   */
  get batchable(): boolean {
    return this.writeProt.unseal !== undefined && this.owner.sealed === undefined;
  }
  /** Records queued and not yet wholly written. */
  get pendingRecords(): number {
    return this.out.records;
  }
  /** Drops the last `n` queued application-data records, which never reached the transport, and unseals them. */
  unqueueAppData(n: number): void {
    this.out.dropLast(n);
    this.writeProt.unseal?.(n);
  }

  /** Frees the write buffer if it holds nothing (RELEASE_BUFFERS). */
  releaseWriteBuffer(): void {
    this.out.release();
  }

  private trace(direction: 'sent' | 'received', version: number, contentType: number, bytes: Uint8Array, name: string) {
    this.owner.message?.({ direction, version, contentType, bytes, name });
  }
}
