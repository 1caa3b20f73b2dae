/**
 * The TestServer class: record layer, dispatch to the version flows (tls-server13.ts,
 * tls-server12.ts) and the scripted actions. Use it through tls-server.ts, which also builds
 * client/server pairs.
 */
import { concat } from '../../src/tls/codec/bytes.js';
import { AlertDescription, AlertLevel } from '../../src/tls/codec/alerts.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { TlsAlert, decodeError, unexpectedMessage } from '../../src/tls/errors.js';
import {
  ContentType,
  MAX_PLAINTEXT,
  NullProtection,
  RECORD_HEADER,
  type RecordProtection,
} from '../../src/tls/record/protection.js';
import { HandshakeBuffer } from '../../src/tls/record/hsbuffer.js';
import type { MemoryTransport } from '../../src/net/memory.js';
import {
  ServerStore,
  clientVersions,
  decodeClientHello,
  type ParsedClientHello,
  type ServerFacts,
  type ServerHost,
  type TestServerOptions,
} from './tls-server-common.js';
import { Server13Flow } from './tls-server13.js';
import { Server12Flow } from './tls-server12.js';

/** Options a caller gives: the credentials, everything else defaulted. */
export type TestServerInit = Partial<TestServerOptions> & Pick<TestServerOptions, 'chain' | 'key'>;

export class TestServer implements ServerHost {
  readonly opts: TestServerOptions;
  readonly p: CryptoProvider;
  readonly facts: ServerFacts = {
    version: null,
    suite: null,
    group: null,
    resumed: false,
    hrrSent: false,
    psk: null,
    connected: false,
    appWriteReady: false,
    ticketsSent: 0,
    keyUpdatesReceived: 0,
    renegotiations: 0,
    plaintextCcsAccepted: 0,
    extendedMasterSecret: false,
    servername: null,
    alpn: null,
  };
  /** Every ClientHello received, decoded, in order (initial, after HRR, renegotiation). */
  readonly clientHellos: ParsedClientHello[] = [];
  /** Plaintext length of every application-data record received, in order. */
  readonly recordsReceived: number[] = [];
  readonly alertsReceived: { level: number; description: number }[] = [];
  closeNotifyReceived = false;
  /** The client closed the transport (EOF). */
  peerClosed = false;
  /** Why the server stopped (an alert it sent or received, or a bug). */
  error?: Error;

  private inBuf: Uint8Array = new Uint8Array(0);
  private readonly hsBuf = new HandshakeBuffer();
  private readProt: RecordProtection = new NullProtection();
  private writeProt: RecordProtection = new NullProtection();
  private readonly out: Uint8Array[] = [];
  private readonly appData: Uint8Array[] = [];
  private readLimit = Infinity;
  private flow?: Server13Flow | Server12Flow;
  private failed = false;

  constructor(
    readonly transport: MemoryTransport,
    init: TestServerInit,
  ) {
    this.opts = {
      version: 0x0304,
      group: 'x25519',
      hrr: 'auto',
      ccs: 'first-message',
      tickets: 0,
      ticketLifetime: 7200,
      acceptPsk: true,
      ems: true,
      sessionCache: true,
      ticket12: false,
      downgradeSentinel: false,
      acceptPlaintextCcs: false,
      ackServerName: true,
      alpn: [],
      maxFragment: MAX_PLAINTEXT,
      store: new ServerStore(),
      provider: nodeProvider,
      ...init,
    };
    this.p = this.opts.provider;
  }

  // --- driving ---------------------------------------------------------------------------------

  /** Reads what the client wrote (at most readSlowly's n bytes), processes whole records, writes answers. */
  pump(): void {
    this.flush();
    let budget = this.readLimit;
    while (budget > 0 && !this.failed) {
      const r = this.transport.read(Math.min(budget, 1 << 20));
      if ('data' in r) {
        this.inBuf = concat(this.inBuf, r.data);
        budget -= r.data.length;
        continue;
      }
      if ('eof' in r) this.peerClosed = true;
      break;
    }
    this.guard(() => {
      while (!this.failed && this.nextRecord()) {
        /* next */
      }
    });
    this.flush();
  }

  /** Drain at most n bytes per pump (null: everything), so a small client `capacity` blocks writes. */
  readSlowly(n: number | null): void {
    this.readLimit = n ?? Infinity;
  }

  // --- actions ---------------------------------------------------------------------------------

  /** Application data, split into records of maxFragment bytes. */
  send(data: Uint8Array): void {
    if (!this.facts.appWriteReady) throw new Error('test server: no application keys yet');
    this.sendRecord(ContentType.application_data, data);
    this.flush();
  }
  /** A close_notify alert. */
  closeNotify(): void {
    this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
  }
  /** Any alert, under the current write protection. */
  sendAlert(level: number, description: number): void {
    this.sendRecord(ContentType.alert, Uint8Array.of(level, description));
    this.flush();
  }
  /** EOF on the pipe: the client's next read of an empty pipe sees the end. */
  close(): void {
    this.flush();
    this.transport.outgoing.closed = true;
  }
  /** Raw bytes on the wire, bypassing the record layer. */
  sendRaw(bytes: Uint8Array): void {
    this.out.push(bytes.slice());
    this.flush();
  }
  /** TLS 1.3 KeyUpdate, optionally requesting the client's. */
  keyUpdate(requestPeer: boolean): void {
    this.flow13('KeyUpdate').keyUpdate(requestPeer);
    this.flush();
  }
  /** One more TLS 1.3 NewSessionTicket. */
  newSessionTicket(): void {
    this.flow13('NewSessionTicket').sendTicket();
    this.flush();
  }
  /** TLS 1.2 HelloRequest: starts a server-initiated renegotiation. */
  helloRequest(): void {
    if (!(this.flow instanceof Server12Flow)) throw new Error('test server: HelloRequest needs TLS 1.2');
    this.flow.helloRequest();
    this.flush();
  }

  /** All application data received so far. */
  received(): Uint8Array {
    return concat(...this.appData);
  }
  get connected(): boolean {
    return this.facts.connected;
  }

  private flow13(what: string): Server13Flow {
    if (!(this.flow instanceof Server13Flow)) throw new Error(`test server: ${what} needs TLS 1.3`);
    return this.flow;
  }

  // --- records in ------------------------------------------------------------------------------

  private nextRecord(): boolean {
    if (this.inBuf.length < RECORD_HEADER) return false;
    const len = (this.inBuf[3]! << 8) | this.inBuf[4]!;
    if (this.inBuf.length < RECORD_HEADER + len) return false;
    const type = this.inBuf[0]!;
    const version = (this.inBuf[1]! << 8) | this.inBuf[2]!;
    const body = this.inBuf.slice(RECORD_HEADER, RECORD_HEADER + len);
    this.inBuf = this.inBuf.subarray(RECORD_HEADER + len);
    this.onRecord(type, version, body);
    return true;
  }

  private onRecord(type: number, version: number, body: Uint8Array): void {
    if (type < ContentType.change_cipher_spec || type > ContentType.application_data)
      throw unexpectedMessage(`record type ${type}`);
    if (version >>> 8 !== 3) throw new TlsAlert(AlertDescription.protocol_version, 'record version');
    const tls13 = this.flow instanceof Server13Flow;
    const inHandshake = !this.facts.connected;
    const ccsByte = body.length === 1 && body[0] === 1;
    // RFC 8446 §5: a plaintext CCS is dropped until the peer's Finished.
    if (tls13 && type === ContentType.change_cipher_spec && inHandshake) {
      if (!ccsByte) throw unexpectedMessage('bad ChangeCipherSpec');
      return;
    }
    // A client that failed before installing its handshake keys alerts in plaintext (OpenSSL allows it).
    if (tls13 && type === ContentType.alert && inHandshake && body.length === 2) return this.onAlert(body);
    if (
      !tls13 &&
      type === ContentType.change_cipher_spec &&
      !this.readProt.isNull &&
      ccsByte &&
      this.opts.acceptPlaintextCcs
    ) {
      this.facts.plaintextCcsAccepted++;
      return (this.flow as Server12Flow).changeCipherSpec();
    }
    const { type: t, fragment } = this.readProt.open(type, version, body);
    switch (t) {
      case ContentType.handshake:
        if (fragment.length === 0) throw unexpectedMessage('empty handshake record');
        this.hsBuf.push(fragment);
        for (let m = this.hsBuf.next(); m && !this.failed; m = this.hsBuf.next())
          this.onHandshake(m.type, m.body, m.raw);
        return;
      case ContentType.change_cipher_spec:
        if (tls13 || !(this.flow instanceof Server12Flow)) throw unexpectedMessage('unexpected ChangeCipherSpec');
        if (fragment.length !== 1 || fragment[0] !== 1) throw unexpectedMessage('bad ChangeCipherSpec');
        return this.flow.changeCipherSpec();
      case ContentType.alert:
        return this.onAlert(fragment);
      case ContentType.application_data:
        if (!this.facts.connected) throw unexpectedMessage('application data before the handshake completed');
        this.appData.push(fragment.slice());
        this.recordsReceived.push(fragment.length);
        return;
      default:
        throw unexpectedMessage(`inner content type ${t}`);
    }
  }

  private onHandshake(type: number, body: Uint8Array, raw: Uint8Array): void {
    let ch: ParsedClientHello | null = null;
    if (type === HandshakeType.client_hello) {
      ch = decodeClientHello(raw);
      this.clientHellos.push(ch);
    }
    if (!this.flow) {
      if (!ch) throw unexpectedMessage('test server: expected ClientHello');
      if (!clientVersions(ch).includes(this.opts.version))
        throw new TlsAlert(AlertDescription.protocol_version, 'client does not offer our version');
      this.flow = this.opts.version === 0x0304 ? new Server13Flow(this) : new Server12Flow(this);
    }
    this.flow.handle(type, body, raw, ch);
  }

  private onAlert(fragment: Uint8Array): void {
    if (fragment.length !== 2) throw decodeError('bad alert record');
    const [level, description] = [fragment[0]!, fragment[1]!];
    this.alertsReceived.push({ level, description });
    if (description === AlertDescription.close_notify) {
      this.closeNotifyReceived = true;
      return;
    }
    if (
      level === AlertLevel.warning &&
      description !== AlertDescription.user_canceled &&
      this.flow instanceof Server12Flow
    )
      return;
    if (description === AlertDescription.user_canceled && level === AlertLevel.warning) return;
    this.failed = true;
    this.error = new TlsAlert(description, 'from client', true);
  }

  /** Runs protocol work; a TlsAlert becomes a fatal alert to the client, anything else is a bug and rethrown. */
  private guard(body: () => void): void {
    try {
      body();
    } catch (e) {
      this.failed = true;
      this.error = e as Error;
      const desc = e instanceof TlsAlert ? e.description : AlertDescription.internal_error;
      try {
        this.sendRecord(ContentType.alert, Uint8Array.of(AlertLevel.fatal, desc));
        this.flush();
      } catch {
        /* best effort */
      }
      if (!(e instanceof TlsAlert)) throw e;
    }
  }

  // --- records out (ServerHost) ------------------------------------------------------------------

  sendHandshake(message: Uint8Array, transcript?: { add(m: Uint8Array): void }): void {
    let m: Uint8Array | null = message;
    if (this.opts.mutate) m = this.opts.mutate('handshake', message[0]!, message);
    if (m === null) return;
    transcript?.add(m);
    this.sendRecord(ContentType.handshake, m);
  }
  sendChangeCipherSpec(): void {
    this.sendRecord(ContentType.change_cipher_spec, Uint8Array.of(1));
  }
  setReadProtection(p: RecordProtection): void {
    if (!this.hsBuf.empty) throw unexpectedMessage('handshake message not aligned with a key change');
    this.readProt = p;
  }
  setWriteProtection(p: RecordProtection): void {
    this.writeProt = p;
  }

  private sendRecord(type: number, data: Uint8Array): void {
    const max = this.opts.maxFragment;
    for (let off = 0; off < data.length || off === 0; off += max) {
      let rec: Uint8Array | null = this.writeProt.seal(type, data.subarray(off, off + max), 0x0303);
      if (this.opts.mutate) rec = this.opts.mutate('record', type, rec);
      if (rec !== null) this.out.push(rec);
      if (data.length === 0) break;
    }
  }

  private flush(): void {
    while (this.out.length) {
      const chunk = this.out[0]!;
      const r = this.transport.write(chunk);
      if ('n' in r) {
        if (r.n >= chunk.length) this.out.shift();
        else this.out[0] = chunk.subarray(r.n);
        continue;
      }
      if ('error' in r) {
        this.failed = true;
        this.error ??= new Error(`test server: write failed: ${r.error}`);
      }
      return;
    }
  }
}
