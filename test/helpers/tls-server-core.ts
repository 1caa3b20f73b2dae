/**
 * The TestServer class: the product's RecordLayer in the server role (records in and out, the
 * record-level policy), the version flows (tls-server13.ts, tls-server12.ts) behind it, and the
 * scripted actions. What is the server's own here is policy only: which version flow, which
 * mutation of what it sends, which lenience. Use it through tls-server.ts, which also builds
 * client/server pairs.
 */
import { concat } from '../../src/tls/codec/bytes.js';
import { AlertDescription, AlertLevel } from '../../src/tls/codec/alerts.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { TlsAlert, unexpectedMessage } from '../../src/tls/errors.js';
import { ContentType, MAX_PLAINTEXT, type RecordProtection } from '../../src/tls/record/protection.js';
import { RecordLayer, type RecordOwner } from '../../src/tls/record/layer.js';
import type { HandshakeMsg } from '../../src/tls/record/hsbuffer.js';
import type { MessageEvent, Transport } from '../../src/tls/types.js';
import type { MemoryTransport } from '../../src/net/memory.js';
import {
  ServerStore,
  clientVersions,
  parseClientHello,
  type ParsedClientHello,
  type ServerFacts,
  type ServerHost,
  type TestServerOptions,
} from './tls-server-common.js';
import { Server13Flow } from './tls-server13.js';
import { openClientHelloOuter } from './tls-server-ech.js';
import type { PhaResult } from './tls-server-pha.js';
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
    earlyData: 'not offered',
  };
  /** Every ClientHello received, decoded, in order (initial, after HRR, renegotiation). */
  readonly clientHellos: ParsedClientHello[] = [];
  /** Plaintext length of every application-data record received, in order. */
  readonly recordsReceived: number[] = [];
  readonly alertsReceived: { level: number; description: number }[] = [];
  /** The client closed the transport (EOF). */
  peerClosed = false;
  /** Why the server stopped (an alert it sent or received, or a bug). */
  error?: Error;
  /** The product's record layer, in the server role. */
  readonly records: RecordLayer;

  private readonly appData: Uint8Array[] = [];
  private readLimit = Infinity;
  private flow?: Server13Flow | Server12Flow;
  private failed = false;
  /** The client's records are protected (TLS 1.2 acceptPlaintextCcs looks at it). */
  private readEncrypted = false;

  constructor(
    readonly transport: MemoryTransport,
    init: TestServerInit,
  ) {
    this.opts = {
      version: ProtocolVersion.TLS1_3,
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
    this.records = new RecordLayer(this.recordOwner());
    this.records.setRecordVersion(ProtocolVersion.TLS1_2);
  }

  /** The server as its record layer sees it: the flow's version, the policy hooks. */
  private recordOwner(): RecordOwner {
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the getters read the live server
    const server = this;
    const owner: RecordOwner = {
      mode: 0,
      get established() {
        return server.facts.connected;
      },
      get version() {
        if (server.flow instanceof Server13Flow) return ProtocolVersion.TLS1_3;
        return server.flow ? ProtocolVersion.TLS1_2 : null;
      },
      get sendFragment() {
        return server.opts.maxFragment;
      },
      handshakeBytes: { read: 0, written: 0 },
      handshake: (m: HandshakeMsg) => this.onHandshake(m),
      changeCipherSpec: () => this.onChangeCipherSpec(),
      message: (e: MessageEvent) => this.onMessage(e),
    };
    const mutate = this.opts.mutate;
    if (mutate) owner.sealed = (type, rec) => mutate('record', type, rec);
    // TLS 1.3 early data (tls-server-early.ts) is taken before the record layer opens it.
    owner.takeUnopened = (type, body) =>
      (this.flow instanceof Server13Flow && this.flow.early.take(type, body)) ||
      (this.opts.acceptPlaintextCcs && this.plaintextCcs(type, body));
    return owner;
  }

  // --- driving ---------------------------------------------------------------------------------

  /** Reads what the client wrote (at most readSlowly's n bytes), processes whole records, writes answers. */
  pump(): void {
    this.flush();
    if (!this.failed) {
      const input = budgeted(this.transport, this.readLimit);
      this.guard(() => {
        while (!this.failed) {
          // OpenSSL's allow_plain_alerts: until the client's Finished (TLS 1.3 only, see RecordLayer).
          this.records.allowPlainAlerts = !this.facts.connected;
          const s = this.records.readRecord(input);
          if (s === 'eof') this.peerClosed = true;
          if (s !== 'ok') break;
          this.takeAppData();
          for (let m = this.records.nextPostHandshake(); m && !this.failed; m = this.records.nextPostHandshake())
            this.onHandshake(m);
        }
      });
      // What the client wrote after the record that failed is read and dropped, as a server
      // that stops reading would otherwise leave the client's writes blocked on a full pipe.
      if (this.failed) this.drain(input);
    }
    this.flush();
  }

  /** Reads and drops what is left in `input`, noting EOF. */
  private drain(input: Transport): void {
    for (;;) {
      const r = input.read(1 << 20);
      if ('data' in r) continue;
      if ('eof' in r) this.peerClosed = true;
      return;
    }
  }

  /** Drain at most n bytes per pump (null: everything), so a small client `capacity` blocks writes. */
  readSlowly(n: number | null): void {
    this.readLimit = n ?? Infinity;
  }

  // --- actions ---------------------------------------------------------------------------------

  /** Application data, split into records of maxFragment bytes. */
  send(data: Uint8Array): void {
    if (!this.facts.appWriteReady) throw new Error('test server: no application keys yet');
    this.records.queueRecord(ContentType.application_data, data);
    this.flush();
  }
  /** The client's close_notify arrived. */
  get closeNotifyReceived(): boolean {
    return this.records.closeNotifyReceived;
  }
  /** A close_notify alert. */
  closeNotify(): void {
    this.sendAlert(AlertLevel.warning, AlertDescription.close_notify);
  }
  /** Any alert, under the current write protection. */
  sendAlert(level: number, description: number): void {
    this.records.queueAlert(level, description);
    this.flush();
  }
  /** EOF on the pipe: the client's next read of an empty pipe sees the end. */
  close(): void {
    this.flush();
    this.transport.outgoing.closed = true;
  }
  /** Raw bytes on the wire, bypassing the record layer. */
  sendRaw(bytes: Uint8Array): void {
    this.records.queueRaw(bytes.slice());
    this.flush();
  }
  /** TLS 1.3 KeyUpdate, optionally requesting the client's. */
  keyUpdate(requestPeer: boolean): void {
    this.flow13('KeyUpdate').keyUpdate(requestPeer);
    this.flush();
  }
  /** TLS 1.3 post-handshake CertificateRequest (default: ECDSA P-256 SHA-256 and RSA-PSS SHA-256). */
  requestClientCertificate(sigalgs: number[] = [0x0403, 0x0804]): void {
    this.flow13('CertificateRequest').requestClientCertificate(sigalgs);
    this.flush();
  }
  /** Post-handshake authentications completed (TLS 1.3). */
  get phaResults(): PhaResult[] {
    return this.flow instanceof Server13Flow ? this.flow.pha.results : [];
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
  /** TLS 1.3 0-RTT: the early data read (accepted) and how many early records were skipped (rejected). */
  get earlyData(): { received: Uint8Array; skipped: number } {
    const e = this.flow instanceof Server13Flow ? this.flow.early : undefined;
    return { received: concat(...(e?.received ?? [])), skipped: e?.skipped ?? 0 };
  }

  private flow13(what: string): Server13Flow {
    if (!(this.flow instanceof Server13Flow)) throw new Error(`test server: ${what} needs TLS 1.3`);
    return this.flow;
  }

  // --- records in ------------------------------------------------------------------------------

  /** One application-data record's plaintext, kept for received() and counted. */
  private takeAppData(): void {
    const n = this.records.pendingAppData();
    if (n === 0) return;
    const data = new Uint8Array(n);
    this.records.readAppData(data);
    this.appData.push(data);
    this.recordsReceived.push(n);
  }

  private onHandshake(m: HandshakeMsg): void {
    let ch: ParsedClientHello | null = null;
    if (m.type === HandshakeType.client_hello) {
      ch = parseClientHello(m.raw);
      this.clientHellos.push(ch);
      // RFC 9849 §7.1: a first ClientHelloOuter this server's ECH key opens is answered as its inner hello.
      const inner = !this.flow && this.opts.ech ? openClientHelloOuter(this.p, this.opts.ech, ch) : null;
      if (inner) {
        this.facts.echInnerRandom = inner.random;
        ch = inner;
      }
    }
    if (!this.flow) {
      if (!ch) throw unexpectedMessage('test server: expected ClientHello');
      if (!clientVersions(ch).includes(this.opts.version))
        throw new TlsAlert(AlertDescription.protocol_version, 'client does not offer our version');
      this.flow = this.opts.version === ProtocolVersion.TLS1_3 ? new Server13Flow(this) : new Server12Flow(this);
    }
    this.flow.handle(m.type, m.body, m.raw, ch);
  }

  /** A ChangeCipherSpec the record layer passed: TLS 1.2 switches keys; TLS 1.3 drops it until the client's Finished. */
  private onChangeCipherSpec(): void {
    if (this.flow instanceof Server13Flow && !this.facts.connected) return;
    if (!(this.flow instanceof Server12Flow)) throw unexpectedMessage('unexpected ChangeCipherSpec');
    this.flow.changeCipherSpec();
  }

  /** Policy acceptPlaintextCcs: a TLS 1.2 renegotiation's CCS taken in plaintext under encrypted reads. */
  private plaintextCcs(type: number, body: Uint8Array): boolean {
    if (!(this.flow instanceof Server12Flow) || type !== ContentType.change_cipher_spec || !this.readEncrypted)
      return false;
    if (body.length !== 1 || body[0] !== 1) return false;
    this.facts.plaintextCcsAccepted++;
    this.flow.changeCipherSpec();
    return true;
  }

  /** Every alert the client sent, as the record layer traced it. */
  private onMessage(e: MessageEvent): void {
    if (e.direction !== 'received' || e.contentType !== ContentType.alert) return;
    this.alertsReceived.push({ level: e.bytes[0] ?? 0, description: e.bytes[1] ?? 0 });
  }

  /** Runs protocol work; a TlsAlert becomes a fatal alert to the client, anything else is a bug and rethrown. */
  private guard(body: () => void): void {
    try {
      body();
    } catch (e) {
      this.failed = true;
      if (e instanceof TlsAlert && e.received) {
        // The client's fatal alert (the record layer raised it): nothing to answer.
        this.error = new TlsAlert(e.description, 'from client', true);
        return;
      }
      this.error = e as Error;
      const desc = e instanceof TlsAlert ? e.description : AlertDescription.internal_error;
      try {
        this.records.queueAlert(AlertLevel.fatal, desc);
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
    if (this.opts.mutate) m = this.opts.mutate('handshake', message[0] ?? 0, message);
    if (m === null) return;
    transcript?.add(m);
    this.records.queueRecord(ContentType.handshake, m);
  }
  sendChangeCipherSpec(): void {
    this.records.queueChangeCipherSpec();
  }
  setReadProtection(p: RecordProtection): void {
    this.records.setReadProtection(p);
    this.readEncrypted = !p.isNull;
  }
  setWriteProtection(p: RecordProtection): void {
    this.records.setWriteProtection(p);
  }

  private flush(): void {
    const f = this.records.flush(this.transport);
    if (typeof f === 'object') {
      this.failed = true;
      this.error ??= new Error(`test server: write failed: ${f.error}`);
    }
  }
}

/** `transport` reading at most `budget` bytes in all (readSlowly), then as if it would block. */
function budgeted(transport: Transport, budget: number): Transport {
  if (budget === Infinity) return transport;
  let left = budget;
  return {
    read(n: number) {
      if (left <= 0) return { wouldBlock: true };
      const r = transport.read(Math.min(n, left));
      if ('data' in r) left -= r.data.length;
      return r;
    },
    write: (data: Uint8Array) => transport.write(data),
  };
}
