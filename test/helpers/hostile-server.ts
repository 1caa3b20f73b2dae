/**
 * Hostile servers for the client's failure paths (issue "Hostile servers and fuzzing").
 *
 *  - Wire helpers: records, ServerHello rewriting, sealing extra records under the TestServer's
 *    current write protection (so injected records keep the sequence numbers right), TLS 1.2
 *    ServerKeyExchange re-signing (so a bad point or group gets past the signature check).
 *  - runHostile(): drives an in-memory Connection against a TestServer (tls-server.ts) until the
 *    client fails, closes, or nothing moves any more, and reports the alerts the client sent and
 *    the server received.
 *  - HOSTILE_CASES: the catalogue of malicious servers, each with the alert RFC 8446 §6.2 /
 *    RFC 5246 §7.2 (or OpenSSL, where the RFC leaves it open) requires us to send.
 *  - startHostileServer(): the same TestServer logic (or a raw byte script) behind a real TCP
 *    listener on 127.0.0.1 (a MemoryTransport bridged to the socket), so the CLI can be pointed
 *    at it.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { X509Certificate, createPublicKey, generatePrimeSync, getDiffieHellman } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensurePki } from './pki.js';
import { FFDHE_PRIMES, bigintToBytes } from '../../src/tls/crypto/ffdhe.js';
import { concat, toHex } from '../../src/tls/codec/bytes.js';
import { AlertDescription, AlertLevel, alertName } from '../../src/tls/codec/alerts.js';
import {
  ExtensionType,
  findExtension,
  hrrKeyShareExt,
  readServerKeyShare,
  selectedAlpnExt,
  selectedIdentityExt,
  selectedVersionExt,
  serverKeyShareExt,
  signatureAlgorithmsExt,
  type Extension,
} from '../../src/tls/codec/extensions.js';
import {
  DOWNGRADE_TLS11,
  HandshakeType,
  decodeServerHello,
  decodeServerKeyExchangeEcdhe,
  encodeCertificate,
  encodeCertificateRequest13,
  encodeEncryptedExtensions,
  encodeNewSessionTicket13,
  encodeServerEcdhParams,
  encodeServerHello,
  encodeServerKeyExchangeEcdhe,
  frameHandshake,
} from '../../src/tls/codec/handshake.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { sigSchemeById } from '../../src/tls/codec/sigschemes.js';
import type { CryptoProvider } from '../../src/tls/crypto/provider.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { memoryPair, type MemoryTransport } from '../../src/net/memory.js';
import { TlsAlert, UnexpectedEof, VerifyError } from '../../src/tls/errors.js';
import { NullProtection, RECORD_HEADER, Tls13Protection, writeHeader } from '../../src/tls/record/protection.js';
import type { ContextOptions } from '../../src/tls/types.js';
import { SslError } from '../../src/tls/types.js';
import {
  ServerStore,
  TestServer,
  connectPair,
  handshake,
  testCredentials,
  type ClientSide,
  type MutateHook,
  type TestCredentials,
  type TestPair,
  type TestServerOptions,
} from './tls-server.js';
import type { LeafName } from './pki.js';

// --- wire helpers ----------------------------------------------------------------------------------

/** A plaintext record: header + body, framed by the product's null protection. */
export function record(type: number, body: Uint8Array, version = ProtocolVersion.TLS1_2): Uint8Array {
  return PLAINTEXT.seal(type, body, version);
}
const PLAINTEXT = new NullProtection();

/** Just a record header claiming `length` bytes (for oversized and truncated records). */
export function recordHeader(type: number, length: number, version = ProtocolVersion.TLS1_2): Uint8Array {
  const out = new Uint8Array(RECORD_HEADER);
  writeHeader(out, type, version, length);
  return out;
}

/** A record sealed under the server's current write protection (advances its sequence number). */
export function serverSeal(server: TestServer, type: number, fragment: Uint8Array): Uint8Array {
  return server.records.seal(type, fragment);
}

/**
 * A TLS 1.3 record whose TLSInnerPlaintext is exactly `inner` (content || type || zeros): lets a
 * test send padding-only records or padding beyond 2^14 + 1, which Tls13Protection.seal refuses.
 */
export function sealInner(server: TestServer, inner: Uint8Array): Uint8Array {
  const prot = server.records.writeProtection;
  if (!(prot instanceof Tls13Protection)) throw new Error('sealInner needs TLS 1.3 write keys');
  return prot.sealInnerPlaintext(inner);
}

/** Every field of a ServerHello / HelloRetryRequest, editable. */
export interface EditableServerHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compression: number;
  extensions: Extension[];
}

/** Decodes a ServerHello message (header included), lets `edit` change it, re-encodes it. */
export function editServerHello(message: Uint8Array, edit: (sh: EditableServerHello) => void): Uint8Array {
  const sh = decodeServerHello(message.subarray(4));
  const e: EditableServerHello = {
    legacyVersion: sh.legacyVersion,
    random: sh.random.slice(),
    sessionId: sh.sessionId.slice(),
    cipherSuite: sh.cipherSuite,
    compression: sh.compression,
    extensions: sh.extensions.map((x) => ({ type: x.type, data: x.data.slice() })),
  };
  edit(e);
  return frameHandshake(HandshakeType.server_hello, encodeServerHello(e));
}

/** Replaces (or appends) an extension's body. */
export function setExt(exts: Extension[], type: number, data: Uint8Array): void {
  const i = exts.findIndex((e) => e.type === type);
  if (i >= 0) exts[i] = { type, data };
  else exts.push({ type, data });
}
export function removeExt(exts: Extension[], type: number): void {
  const i = exts.findIndex((e) => e.type === type);
  if (i >= 0) exts.splice(i, 1);
}
/** A key_share body for ServerHello: group(2) key_exchange<1..2^16-1>. */
export function keyShareBody(group: number, key: Uint8Array): Uint8Array {
  return serverKeyShareExt(group, key).data;
}
/** An extensions block body (EncryptedExtensions) with the given extensions, duplicates allowed. */
export function extensionsBlock(exts: Extension[]): Uint8Array {
  return encodeEncryptedExtensions(exts);
}

/** A hook that rewrites the n-th (1-based) handshake message of `type` the server sends. */
export function onHandshake(type: number, fn: (message: Uint8Array) => Uint8Array | null, nth = 1): MutateHook {
  let seen = 0;
  return (kind, t, bytes) => {
    if (kind !== 'handshake' || t !== type) return bytes;
    return ++seen === nth ? fn(bytes) : bytes;
  };
}

/** Chains hooks: each sees what the previous one returned. */
export function hooks(...list: MutateHook[]): MutateHook {
  return (kind, type, bytes) => {
    let b: Uint8Array | null = bytes;
    for (const h of list) {
      if (b === null) return null;
      b = h(kind, type, b);
    }
    return b;
  };
}

/** Drops every handshake message of the given types. */
export function dropHandshake(...types: number[]): MutateHook {
  return (kind, t, bytes) => (kind === 'handshake' && types.includes(t) ? null : bytes);
}

/** Flips one bit of byte `index` (negative: from the end). */
export function flipByte(bytes: Uint8Array, index: number): Uint8Array {
  const out = bytes.slice();
  const i = index < 0 ? out.length + index : index;
  out[i]! ^= 0x01;
  return out;
}

// --- in-memory driving ------------------------------------------------------------------------------

/** How one hostile connection ended, from both sides. */
export interface Outcome {
  /** failed: the client failed; closed: close_notify; idle: nothing moved any more (still connected). */
  end: 'failed' | 'closed' | 'idle';
  failure?: Error;
  /** Alerts the client sent, by name, in order (from its message trace). */
  sent: string[];
  /** Alerts the server received, by name. */
  serverReceived: string[];
  /** Application bytes the client read. */
  appBytes: number;
  /** Driving rounds used (connect/read + pump). */
  rounds: number;
}

/** What a hostile case sets up: server options, client options, a post-handshake action. */
export interface CaseSetup {
  server?: Partial<TestServerOptions>;
  client?: Partial<ContextOptions>;
  clientSide?: ClientSide;
  /** Runs once, when the server has completed its side of the handshake. */
  afterHandshake?(server: TestServer): void;
}

/** Alert names the client sent, from the Connection's message trace. */
export function sentAlerts(pair: TestPair): string[] {
  return pair.messages
    .filter((m) => m.direction === 'sent' && m.contentType === 21)
    .map((m) => m.name.split(' ')[2] ?? m.name);
}

/**
 * Alternates the client (connect, then read) and server.pump() until the client fails, reads
 * close_notify, or three rounds in a row move nothing. `afterHandshake` runs once the server is
 * connected. Bounded by maxRounds: a client that loops forever shows as end 'idle' with rounds
 * at the limit, never as a hang of the test.
 */
export function runHostile(pair: TestPair, afterHandshake?: (s: TestServer) => void, maxRounds = 2000): Outcome {
  const { conn, server } = pair;
  const buf = new Uint8Array(16384);
  let acted = afterHandshake === undefined;
  let appBytes = 0;
  let end: Outcome['end'] = 'idle';
  let idle = 0;
  let rounds = 0;
  for (; rounds < maxRounds; rounds++) {
    if (!acted && server.connected) {
      acted = true;
      afterHandshake!(server);
    }
    const before = pendingToClient(pair) + appBytes;
    const r = conn.handshake.done ? conn.read(buf) : conn.connect();
    if (conn.handshake.done && r > 0) appBytes += r;
    if (conn.handshake.done && r === 0) {
      end = conn.failure ? 'failed' : 'closed';
      break;
    }
    if (r < 0) {
      const e = conn.getError(r);
      if (e !== SslError.WANT_READ && e !== SslError.WANT_WRITE) {
        end = 'failed';
        break;
      }
    }
    server.pump();
    const moved = pendingToClient(pair) + appBytes !== before || r > 0 || (!acted && server.connected);
    idle = moved ? 0 : idle + 1;
    if (idle >= 3 && acted) break;
  }
  // Let the server read what the client sent last (its alert).
  for (let i = 0; i < 3; i++) server.pump();
  return {
    end,
    ...(conn.failure ? { failure: conn.failure } : {}),
    sent: sentAlerts(pair),
    serverReceived: server.alertsReceived.map((a) => alertName(a.description)),
    appBytes,
    rounds,
  };
}

/** Bytes the server has written that the client has not read yet. */
function pendingToClient(pair: TestPair): number {
  return pair.clientTransport.incoming.size;
}

/** True for the exception types a hostile peer may legitimately cause. */
export function typedFailure(e: unknown): boolean {
  return e instanceof TlsAlert || e instanceof VerifyError || e instanceof UnexpectedEof;
}

/**
 * nodeProvider with every X25519 share made from a fixed private key (random bytes, through
 * node.ts's own JWK import path), never crypto.generateKeyPairSync. On Node 20 the latter could
 * deadlock the process: exporting the fresh public key as JWK holds the key's mutex while V8
 * allocates, and a GC that destroys the same pair's KeyGenJob then waits on that mutex forever.
 * nodeProvider itself does the same since ca18da3 (test/unit/hostile-heap.test.ts guards it); the
 * long in-process runs (heap measurement, the fuzzer's live target) keep using this so that they
 * never depend on it.
 */
export const keygenSafeProvider: CryptoProvider = {
  ...nodeProvider,
  generateKeyShare(group, privateKey) {
    if (privateKey === undefined && group === 'x25519') privateKey = nodeProvider.randomBytes(32);
    if (privateKey === undefined && group === 'X25519MLKEM768') privateKey = nodeProvider.randomBytes(64 + 32);
    return nodeProvider.generateKeyShare(group, privateKey);
  },
};

/** connectPair + runHostile for one catalogue case (a fresh server and client). */
export async function runCase(
  c: HostileCase,
  maxRounds?: number,
  overrides: { provider?: CryptoProvider } = {},
): Promise<{ pair: TestPair; outcome: Outcome }> {
  const ref: { server?: TestServer } = {};
  const creds = await testCredentials(c.leaf ?? 'p256');
  const setup = await c.setup({ server: () => ref.server!, creds });
  const p = overrides.provider ? { provider: overrides.provider } : {};
  const pair = await connectPair(
    { ...setup.server, ...p },
    { ...setup.client, ...p },
    { ...setup.clientSide, ...(c.leaf ? { leaf: c.leaf } : {}) },
  );
  ref.server = pair.server;
  const outcome = runHostile(pair, setup.afterHandshake, maxRounds);
  return { pair, outcome };
}

// --- the catalogue ----------------------------------------------------------------------------------

export interface CaseContext {
  /** The TestServer of this run (valid once hooks run). */
  server(): TestServer;
  creds: TestCredentials;
}

export interface HostileCase {
  id: string;
  /** What the server does wrong. */
  title: string;
  /**
   * The alert the client must send (RFC 8446 §6.2 / RFC 5246 §7.2 / OpenSSL where the RFC is
   * silent), or 'eof' when the peer vanishes and no alert can matter, or null for a control case
   * that must end without a failure.
   */
  expect: string | null;
  /** Where the expectation comes from. */
  ref: string;
  /** Cheap to run (no resumption setup, no big payloads): used by the heap test. */
  cheap?: boolean;
  leaf?: LeafName;
  /**
   * The client's alert goes out under handshake keys the server does not share (the client
   * installs its handshake write key on ServerHello), so the server cannot read it.
   */
  serverCannotRead?: boolean;
  setup(ctx: CaseContext): CaseSetup | Promise<CaseSetup>;
}

const TLS12 = { version: ProtocolVersion.TLS1_2 } as const;
const EMPTY = new Uint8Array(0);

/** After the record hook has seen `n` records of inner type `type`, append what `extra` returns. */
function afterRecord(type: number, n: number, extra: () => Uint8Array): MutateHook {
  let seen = 0;
  return (kind, t, bytes) => {
    if (kind !== 'record' || t !== type) return bytes;
    return ++seen === n ? concat(bytes, extra()) : bytes;
  };
}

/** Sends `count` copies of what `make` returns, each in its own call. */
function repeat(count: number, make: () => void): void {
  for (let i = 0; i < count; i++) make();
}

/** A 1.3 session from a normal handshake with a ticket, and the store that issued it. */
async function ticketSession(): Promise<{ store: ServerStore; session: NonNullable<ClientSide['session']> }> {
  const store = new ServerStore();
  const pair = await connectPair({ store, tickets: 1 });
  handshake(pair);
  for (let i = 0; i < 5 && pair.sessions.length === 0; i++) {
    pair.server.pump();
    pair.conn.read(new Uint8Array(1024));
  }
  const session = pair.sessions[0];
  if (!session) throw new Error('no TLS 1.3 session from the first handshake');
  return { store, session };
}

/** A 1.2 session (EMS, session ID) from a normal handshake, and the store that cached it. */
async function session12(): Promise<{ store: ServerStore; session: NonNullable<ClientSide['session']> }> {
  const store = new ServerStore();
  const pair = await connectPair({ version: ProtocolVersion.TLS1_2, store });
  handshake(pair);
  const session = pair.sessions[0];
  if (!session) throw new Error('no TLS 1.2 session from the first handshake');
  return { store, session };
}

/**
 * A TLS 1.2 ServerKeyExchange re-signed over new ECDH params, so the client's signature check
 * passes and its point or group check must catch the problem.
 */
function resignedSke(ctx: CaseContext, group: number, point: Uint8Array): MutateHook {
  let serverRandom: Uint8Array | undefined;
  return (kind, t, bytes) => {
    if (kind !== 'handshake') return bytes;
    if (t === HandshakeType.server_hello) serverRandom = bytes.slice(6, 38);
    if (t !== HandshakeType.server_key_exchange) return bytes;
    const ske = decodeServerKeyExchangeEcdhe(bytes.subarray(4));
    const params = encodeServerEcdhParams(group, point);
    const clientRandom = ctx.server().clientHellos.at(-1)!.random;
    const sig = nodeProvider.sign(
      sigSchemeById(ske.scheme)!,
      ctx.creds.key,
      concat(clientRandom, serverRandom!, params),
    );
    return frameHandshake(
      HandshakeType.server_key_exchange,
      encodeServerKeyExchangeEcdhe({ group, point, scheme: ske.scheme, signature: sig }),
    );
  };
}

/** A P-256 uncompressed point that is not on the curve: a real public key with y + 1. */
function offCurvePoint(): Uint8Array {
  const p = nodeProvider.generateKeyShare('secp256r1').publicKey.slice();
  p[64] = (p[64]! + 1) & 0xff;
  return p;
}

const SH = HandshakeType.server_hello;
const EE = HandshakeType.encrypted_extensions;
const CERT = HandshakeType.certificate;
const CV = HandshakeType.certificate_verify;
const FIN = HandshakeType.finished;
const SKE = HandshakeType.server_key_exchange;

/** Edits the n-th ServerHello message the server sends. */
const sh = (edit: (s: EditableServerHello) => void, nth = 1): MutateHook =>
  onHandshake(SH, (m) => editServerHello(m, edit), nth);

/** Hostile DHE groups and public values: id, title, alert, the ServerDHParams to send (signed). */
const DH_CASES: [string, string, string, () => { p: Uint8Array; g: Uint8Array; ys?: Uint8Array }][] = [
  [
    'kx-12-dhe-1024-bit-group',
    'DHE with a 1024-bit group (RFC 2409 group 2) at security level 2',
    'handshake_failure',
    () => ({ p: new Uint8Array(getDiffieHellman('modp2').getPrime()), g: Uint8Array.of(2) }),
  ],
  ['kx-12-dhe-ys-one', 'DHE server public value 1', 'illegal_parameter', () => ffdhe2048({ ys: Uint8Array.of(1) })],
  [
    'kx-12-dhe-ys-p-minus-1',
    'DHE server public value p - 1 (order 2)',
    'illegal_parameter',
    () => ffdhe2048({ ys: bigintToBytes(FFDHE_PRIMES.ffdhe2048 - 1n) }),
  ],
  ['kx-12-dhe-generator-one', 'DHE generator 1', 'illegal_parameter', () => ffdhe2048({ g: Uint8Array.of(1) })],
  [
    'kx-12-dhe-even-prime',
    'DHE "prime" that is even',
    'illegal_parameter',
    () => ffdhe2048({ p: bigintToBytes(FFDHE_PRIMES.ffdhe2048 + 1n) }),
  ],
];

/** RFC 7919 ffdhe2048 with some of p, g, Ys replaced. */
function ffdhe2048(over: { p?: Uint8Array; g?: Uint8Array; ys?: Uint8Array }): {
  p: Uint8Array;
  g: Uint8Array;
  ys?: Uint8Array;
} {
  return { p: bigintToBytes(FFDHE_PRIMES.ffdhe2048), g: Uint8Array.of(2), ...over };
}

export const HOSTILE_CASES: HostileCase[] = [
  // --- record layer ---------------------------------------------------------------------------
  {
    id: 'record-13-ciphertext-overflow',
    title: 'TLS 1.3 record of 2^14 + 257 bytes of ciphertext',
    expect: 'record_overflow',
    ref: 'RFC 8446 §5.2',
    cheap: true,
    setup: () => ({
      afterHandshake: (s) => s.sendRaw(concat(recordHeader(23, 16384 + 257), new Uint8Array(16384 + 257))),
    }),
  },
  {
    id: 'record-13-ciphertext-limit',
    title: 'TLS 1.3 record of exactly 2^14 + 256 bytes of garbage ciphertext',
    expect: 'bad_record_mac',
    ref: 'RFC 8446 §5.2 (length allowed, authentication fails)',
    setup: () => ({
      afterHandshake: (s) => s.sendRaw(concat(recordHeader(23, 16384 + 256), new Uint8Array(16384 + 256))),
    }),
  },
  {
    id: 'record-13-plaintext-overflow',
    title: 'TLS 1.3 record with 2^14 + 1 bytes of content',
    expect: 'record_overflow',
    ref: 'RFC 8446 §5.2, §5.4',
    setup: () => ({ afterHandshake: (s) => s.sendRaw(serverSeal(s, 23, new Uint8Array(16385))) }),
  },
  {
    id: 'record-13-padded-overflow',
    title: 'TLS 1.3 TLSInnerPlaintext of 2^14 + 101 bytes (2^14 content + type + 100 zeros of padding)',
    expect: 'record_overflow',
    ref: 'RFC 8446 §5.2 (TLSInnerPlaintext MUST NOT exceed 2^14 + 1 octets)',
    setup: () => ({
      afterHandshake: (s) => {
        const inner = new Uint8Array(16384 + 1 + 100);
        inner[16384] = 23;
        s.sendRaw(sealInner(s, inner));
      },
    }),
  },
  {
    id: 'record-12-ciphertext-overflow',
    title: 'TLS 1.2 record of 2^14 + 2049 bytes of ciphertext',
    expect: 'record_overflow',
    ref: 'RFC 5246 §6.2.3',
    cheap: true,
    setup: () => ({
      server: TLS12,
      afterHandshake: (s) => s.sendRaw(concat(recordHeader(23, 16384 + 2049), new Uint8Array(16384 + 2049))),
    }),
  },
  {
    id: 'record-12-plaintext-overflow',
    title: 'TLS 1.2 AES-GCM record with 2^14 + 1 bytes of plaintext',
    expect: 'record_overflow',
    ref: 'RFC 5246 §6.2.3',
    setup: () => ({ server: TLS12, afterHandshake: (s) => s.sendRaw(serverSeal(s, 23, new Uint8Array(16385))) }),
  },
  {
    id: 'record-initial-plaintext-overflow',
    title: 'first (plaintext) record of 2^14 + 1 bytes',
    expect: 'record_overflow',
    ref: 'RFC 8446 §5.1',
    cheap: true,
    setup: () => ({
      server: {
        mutate: afterRecordReplace(22, 1, (rec) =>
          record(22, concat(rec.subarray(5), new Uint8Array(16385 - (rec.length - 5)))),
        ),
      },
    }),
  },
  {
    id: 'record-unknown-type-first',
    title: 'first record with content type 24 (heartbeat, not negotiated)',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5 ("unexpected record type ... MUST ... unexpected_message")',
    cheap: true,
    setup: () => ({
      server: { mutate: afterRecordReplace(22, 1, (rec) => concat(Uint8Array.of(24), rec.subarray(1))) },
    }),
  },
  {
    id: 'record-unknown-type-19-first',
    title: 'first record with content type 19',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5',
    cheap: true,
    setup: () => ({
      server: { mutate: afterRecordReplace(22, 1, (rec) => concat(Uint8Array.of(19), rec.subarray(1))) },
    }),
  },
  {
    id: 'record-unknown-type-after-handshake',
    title: 'record with content type 99 after the handshake',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5',
    cheap: true,
    setup: () => ({ afterHandshake: (s) => s.sendRaw(record(99, new Uint8Array(32))) }),
  },
  {
    id: 'record-unknown-inner-type',
    title: 'TLS 1.3 record whose inner content type is 99',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5',
    cheap: true,
    setup: () => ({ afterHandshake: (s) => s.sendRaw(serverSeal(s, 99, Uint8Array.of(1, 2, 3))) }),
  },
  {
    id: 'record-short-aead',
    title: 'TLS 1.3 record of 10 bytes (shorter than the AEAD tag)',
    expect: 'bad_record_mac',
    ref: 'RFC 8446 §5.2',
    cheap: true,
    setup: () => ({ afterHandshake: (s) => s.sendRaw(record(23, new Uint8Array(10))) }),
  },
  {
    id: 'record-truncated-eof-handshake',
    title: 'ServerHello record cut after 20 of its bytes, then TCP EOF',
    expect: 'eof',
    ref: 'RFC 8446 §6.1 (no alert can reach a closed peer; OpenSSL 3 reports "unexpected eof while reading")',
    cheap: true,
    setup: (ctx) => {
      let cut = false;
      return {
        server: {
          // The first record is cut, nothing after it is sent, and the pipe ends (EOF).
          mutate: (kind, _t, rec) => {
            if (kind !== 'record') return rec;
            if (cut) return null;
            cut = true;
            ctx.server().transport.outgoing.closed = true;
            return rec.subarray(0, 20);
          },
        },
      };
    },
  },
  {
    id: 'record-truncated-eof-appdata',
    title: 'application-data record cut in half, then TCP EOF',
    expect: 'eof',
    ref: 'RFC 8446 §6.1',
    cheap: true,
    setup: () => ({
      afterHandshake: (s) => {
        const rec = serverSeal(s, 23, new Uint8Array(100));
        s.sendRaw(rec.subarray(0, 60));
        s.close();
      },
    }),
  },
  {
    id: 'record-truncated-handshake-body',
    title: 'ServerHello body two bytes short (lengths adjusted)',
    expect: 'decode_error',
    ref: 'RFC 8446 §6.2 decode_error',
    cheap: true,
    setup: () => ({ server: { mutate: onHandshake(SH, (m) => frameHandshake(SH, m.subarray(4, m.length - 2))) } }),
  },
  {
    id: 'record-zero-length-handshake-13',
    title: 'zero-length (encrypted) handshake record after EncryptedExtensions',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5.1 ("MUST NOT send zero-length fragments of Handshake types")',
    setup: (ctx) => ({ server: { mutate: afterRecord(22, 2, () => serverSeal(ctx.server(), 22, EMPTY)) } }),
  },
  {
    id: 'record-zero-length-handshake-first',
    title: 'zero-length plaintext handshake record before the ServerHello',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5.1',
    cheap: true,
    setup: () => ({ server: { mutate: afterRecordReplace(22, 1, (rec) => concat(record(22, EMPTY), rec)) } }),
  },
  {
    id: 'record-empty-flood-13',
    title: '40 empty TLS 1.3 application-data records',
    expect: 'unexpected_message',
    ref: 'OpenSSL MAX_EMPTY_RECORDS (32); RFC 8446 §5.4 allows zero-length application data but sets no bound',
    cheap: true,
    setup: () => ({ afterHandshake: (s) => repeat(40, () => s.send(EMPTY)) }),
  },
  {
    id: 'record-empty-flood-12',
    title: '40 empty TLS 1.2 application-data records',
    expect: 'unexpected_message',
    ref: 'OpenSSL MAX_EMPTY_RECORDS (32)',
    cheap: true,
    setup: () => ({ server: TLS12, afterHandshake: (s) => repeat(40, () => s.send(EMPTY)) }),
  },
  {
    id: 'record-padding-only',
    title: 'TLS 1.3 record whose inner plaintext is 100 zero bytes (no content type)',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5.4',
    cheap: true,
    setup: () => ({ afterHandshake: (s) => s.sendRaw(sealInner(s, new Uint8Array(100))) }),
  },
  {
    id: 'record-padded-empty-flood',
    title: '40 TLS 1.3 records of empty content padded with 200 zeros',
    expect: 'unexpected_message',
    ref: 'OpenSSL MAX_EMPTY_RECORDS (32)',
    cheap: true,
    setup: () => ({
      afterHandshake: (s) =>
        repeat(40, () => {
          const inner = new Uint8Array(201);
          inner[0] = 23;
          s.sendRaw(sealInner(s, inner));
        }),
    }),
  },
  {
    id: 'record-ccs-flood-handshake',
    title: '40 plaintext ChangeCipherSpec records after the ServerHello',
    expect: 'unexpected_message',
    ref: 'OpenSSL MAX_EMPTY_RECORDS (32) also counts CCS; RFC 8446 §5 sets no bound',
    cheap: true,
    setup: () => ({
      server: {
        ccs: 'none',
        mutate: afterRecord(22, 1, () => concat(...Array.from({ length: 40 }, () => record(20, Uint8Array.of(1))))),
      },
    }),
  },
  {
    id: 'record-ccs-after-handshake',
    title: 'plaintext ChangeCipherSpec after the handshake (TLS 1.3)',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5',
    cheap: true,
    setup: () => ({ afterHandshake: (s) => s.sendRaw(record(20, Uint8Array.of(1))) }),
  },
  {
    id: 'record-bad-ccs-value',
    title: 'ChangeCipherSpec with the value 2 during the TLS 1.3 handshake',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5',
    cheap: true,
    setup: () => ({ server: { ccs: 'none', mutate: afterRecord(22, 1, () => record(20, Uint8Array.of(2))) } }),
  },
  {
    id: 'record-alert-interleaved-13',
    title: 'warning alert between two fragments of the Certificate (TLS 1.3)',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5.1 ("Handshake messages MUST NOT be interleaved with other record types")',
    // maxFragment 64: EncryptedExtensions is encrypted record 1 (after the 2-record ServerHello), Certificate starts at 2.
    setup: (ctx) => ({
      server: {
        maxFragment: 64,
        mutate: afterEncryptedHandshakeRecord(2, () =>
          serverSeal(ctx.server(), 21, Uint8Array.of(AlertLevel.warning, AlertDescription.user_canceled)),
        ),
      },
    }),
  },
  {
    id: 'record-appdata-interleaved-13',
    title: 'application data between two fragments of the Certificate (TLS 1.3)',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5.1',
    setup: (ctx) => ({
      server: {
        maxFragment: 64,
        mutate: afterEncryptedHandshakeRecord(2, () => serverSeal(ctx.server(), 23, Uint8Array.of(1))),
      },
    }),
  },
  {
    id: 'record-ccs-interleaved-12',
    title: 'ChangeCipherSpec between two fragments of the Certificate (TLS 1.2)',
    expect: 'unexpected_message',
    ref: 'RFC 5246 §7.1 (CCS only before Finished)',
    setup: () => ({
      server: { ...TLS12, maxFragment: 64, mutate: afterNthHandshakeRecord(3, () => record(20, Uint8Array.of(1))) },
    }),
  },
  {
    id: 'record-split-key-change-sh',
    title: 'ServerHello record carrying the first 4 bytes of the next message (spans the key change)',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5.1 ("MUST NOT span key changes")',
    cheap: true,
    setup: () => ({ server: { mutate: onHandshake(SH, (m) => concat(m, Uint8Array.of(EE, 0, 0, 2))) } }),
  },
  {
    id: 'record-split-key-change-finished',
    title: 'server Finished record carrying the start of a NewSessionTicket',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5.1',
    setup: () => ({
      server: { mutate: onHandshake(FIN, (m) => concat(m, Uint8Array.of(HandshakeType.new_session_ticket, 0, 0, 16))) },
    }),
  },
  {
    id: 'record-split-key-change-keyupdate',
    title: 'KeyUpdate record carrying the start of another message',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §5.1',
    cheap: true,
    setup: () => ({
      afterHandshake: (s) =>
        s.sendRaw(
          serverSeal(
            s,
            22,
            concat(frameHandshake(HandshakeType.key_update, Uint8Array.of(0)), Uint8Array.of(4, 0, 0, 16)),
          ),
        ),
    }),
  },
  {
    id: 'record-split-key-change-12',
    title: 'TLS 1.2: first half of the NewSessionTicket, then ChangeCipherSpec',
    expect: 'unexpected_message',
    ref: 'RFC 5246 §7.1',
    setup: () => ({
      server: {
        ...TLS12,
        ticket12: true,
        mutate: (kind, t, b) =>
          kind === 'record' && t === 22 && b[5] === HandshakeType.new_session_ticket
            ? record(22, b.subarray(5, 15))
            : b,
      },
    }),
  },

  // --- message order ----------------------------------------------------------------------------
  {
    id: 'order-cert-before-ee',
    title: 'Certificate before EncryptedExtensions (EE dropped)',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4 / §6.2',
    cheap: true,
    setup: () => ({ server: { mutate: dropHandshake(EE) } }),
  },
  {
    id: 'order-finished-first',
    title: 'Finished right after ServerHello (EE, Certificate, CertificateVerify dropped)',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4',
    cheap: true,
    setup: () => ({ server: { mutate: dropHandshake(EE, CERT, CV) } }),
  },
  {
    id: 'order-cv-before-cert',
    title: 'CertificateVerify without Certificate',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4.4',
    cheap: true,
    setup: () => ({ server: { mutate: dropHandshake(CERT) } }),
  },
  {
    id: 'order-second-certificate',
    title: 'Certificate twice',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4.4',
    setup: () => ({ server: { mutate: onHandshake(CERT, (m) => concat(m, m)) } }),
  },
  {
    id: 'order-second-server-hello',
    title: 'a second ServerHello in place of EncryptedExtensions',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4',
    cheap: true,
    setup: () => {
      let first: Uint8Array | undefined;
      return {
        server: {
          mutate: hooks(
            onHandshake(SH, (m) => (first = m)),
            onHandshake(EE, () => first!),
          ),
        },
      };
    },
  },
  {
    id: 'order-ticket-in-handshake',
    title: 'NewSessionTicket in place of EncryptedExtensions',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4.6.1',
    cheap: true,
    setup: () => ({
      server: {
        mutate: onHandshake(EE, () =>
          frameHandshake(
            HandshakeType.new_session_ticket,
            encodeNewSessionTicket13({
              lifetime: 60,
              ageAdd: 1,
              nonce: Uint8Array.of(0),
              ticket: Uint8Array.of(1, 2, 3),
              extensions: [],
            }),
          ),
        ),
      },
    }),
  },
  {
    id: 'order-keyupdate-in-handshake',
    title: 'KeyUpdate right after EncryptedExtensions',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4.6.3',
    cheap: true,
    setup: () => ({
      server: { mutate: onHandshake(EE, (m) => concat(m, frameHandshake(HandshakeType.key_update, Uint8Array.of(0)))) },
    }),
  },
  {
    id: 'order-unknown-handshake-type',
    title: 'handshake message of type 99 in place of EncryptedExtensions',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4',
    cheap: true,
    setup: () => ({ server: { mutate: onHandshake(EE, () => frameHandshake(99, Uint8Array.of(0, 0))) } }),
  },
  {
    id: 'order-12-ske-before-cert',
    title: 'TLS 1.2 ServerKeyExchange without Certificate',
    expect: 'unexpected_message',
    ref: 'RFC 5246 §7.3',
    cheap: true,
    setup: () => ({ server: { ...TLS12, mutate: dropHandshake(CERT) } }),
  },
  {
    id: 'order-12-done-first',
    title: 'TLS 1.2 ServerHelloDone right after ServerHello',
    expect: 'unexpected_message',
    ref: 'RFC 5246 §7.3',
    cheap: true,
    setup: () => ({ server: { ...TLS12, mutate: dropHandshake(CERT, SKE) } }),
  },
  {
    id: 'order-12-finished-without-ccs',
    title: 'TLS 1.2 server Finished without its ChangeCipherSpec',
    expect: 'unexpected_message',
    ref: 'RFC 5246 §7.1',
    setup: () => ({ server: { ...TLS12, mutate: (kind, t, b) => (kind === 'record' && t === 20 ? null : b) } }),
  },
  {
    id: 'order-12-unsolicited-ticket',
    title: 'TLS 1.2 NewSessionTicket although session_ticket was not negotiated',
    expect: 'unexpected_message',
    ref: 'RFC 5077 §3.3',
    setup: () => ({
      server: {
        ...TLS12,
        ticket12: true,
        mutate: (kind, t, b) =>
          kind === 'handshake' && t === SH
            ? editServerHello(b, (s) => removeExt(s.extensions, ExtensionType.session_ticket))
            : b,
      },
    }),
  },

  // --- extensions -------------------------------------------------------------------------------
  {
    id: 'ext-duplicate-sh',
    title: 'ServerHello with key_share twice',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2 (OpenSSL: illegal_parameter)',
    cheap: true,
    setup: () => ({
      server: { mutate: sh((s) => s.extensions.push(findExtension(s.extensions, ExtensionType.key_share)!)) },
    }),
  },
  {
    id: 'ext-duplicate-ee',
    title: 'EncryptedExtensions with server_name twice',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2',
    cheap: true,
    setup: () => ({
      server: {
        mutate: onHandshake(EE, () =>
          frameHandshake(
            EE,
            extensionsBlock([
              { type: 0, data: EMPTY },
              { type: 0, data: EMPTY },
            ]),
          ),
        ),
      },
    }),
  },
  {
    id: 'ext-unsolicited-alpn-ee',
    title: 'ALPN in EncryptedExtensions although we offered none',
    expect: 'unsupported_extension',
    ref: 'RFC 8446 §4.2',
    cheap: true,
    setup: () => ({
      server: {
        mutate: onHandshake(EE, () => frameHandshake(EE, extensionsBlock([selectedAlpnExt('h2')]))),
      },
    }),
  },
  {
    id: 'ext-not-allowed-ee',
    title: 'key_share in EncryptedExtensions',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2',
    cheap: true,
    setup: () => ({
      server: {
        mutate: onHandshake(EE, () => frameHandshake(EE, extensionsBlock([hrrKeyShareExt(29)]))),
      },
    }),
  },
  {
    id: 'ext-unknown-ee',
    title: 'unknown extension 0x1234 (never offered) in EncryptedExtensions',
    expect: 'unsupported_extension',
    ref: 'RFC 8446 §4.2 (not offered → unsupported_extension)',
    cheap: true,
    setup: () => ({
      server: { mutate: onHandshake(EE, () => frameHandshake(EE, extensionsBlock([{ type: 0x1234, data: EMPTY }]))) },
    }),
  },
  {
    id: 'ext-not-allowed-sh',
    title: 'server_name (which we offered) in a TLS 1.3 ServerHello',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2 ("recognizes and which is not specified for the message ... illegal_parameter"); OpenSSL: illegal_parameter',
    cheap: true,
    setup: () => ({
      server: { mutate: sh((s) => s.extensions.push({ type: ExtensionType.server_name, data: EMPTY })) },
    }),
  },
  {
    id: 'ext-unknown-sh',
    title: 'unknown extension 0x1234 in a TLS 1.3 ServerHello',
    expect: 'unsupported_extension',
    ref: 'RFC 8446 §4.2',
    cheap: true,
    setup: () => ({ server: { mutate: sh((s) => s.extensions.push({ type: 0x1234, data: EMPTY })) } }),
  },
  {
    id: 'ext-psk-not-offered',
    title: 'pre_shared_key in ServerHello although we offered no PSK',
    expect: 'unsupported_extension',
    ref: 'RFC 8446 §4.2 (unsolicited)',
    cheap: true,
    setup: () => ({
      server: { mutate: sh((s) => s.extensions.push(selectedIdentityExt(0))) },
    }),
  },
  {
    id: 'ext-12-unsolicited-alpn',
    title: 'TLS 1.2 ServerHello with ALPN we did not offer',
    expect: 'unsupported_extension',
    ref: 'RFC 5246 §7.4.1.4',
    cheap: true,
    setup: () => ({
      server: {
        ...TLS12,
        mutate: sh((s) => s.extensions.push(selectedAlpnExt('h2'))),
      },
    }),
  },
  {
    id: 'ext-12-duplicate',
    title: 'TLS 1.2 ServerHello with renegotiation_info twice',
    expect: 'illegal_parameter',
    ref: 'RFC 5246 §7.4.1.4 (OpenSSL: illegal_parameter)',
    cheap: true,
    setup: () => ({
      server: {
        ...TLS12,
        mutate: sh((s) => s.extensions.push(findExtension(s.extensions, ExtensionType.renegotiation_info)!)),
      },
    }),
  },

  // --- ServerHello fields ----------------------------------------------------------------------
  {
    id: 'sh-suite-not-offered',
    title: 'ServerHello selecting TLS_AES_128_CCM_SHA256 (not offered)',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.1.3',
    cheap: true,
    setup: () => ({ server: { mutate: sh((s) => (s.cipherSuite = 0x1304)) } }),
  },
  {
    id: 'sh-suite-wrong-version',
    title: 'TLS 1.3 ServerHello selecting a TLS 1.2 suite',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.1.3',
    cheap: true,
    setup: () => ({ server: { mutate: sh((s) => (s.cipherSuite = 0xc02b)) } }),
  },
  {
    id: 'sh-group-not-shared',
    title: 'ServerHello key_share for P-384 (offered, but no share sent)',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.8',
    cheap: true,
    setup: () => ({
      server: {
        mutate: sh((s) =>
          setExt(s.extensions, ExtensionType.key_share, keyShareBody(0x0018, new Uint8Array(97).fill(4))),
        ),
      },
    }),
  },
  {
    id: 'sh-group-unknown',
    title: 'ServerHello key_share for group 0x9999',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.8',
    cheap: true,
    setup: () => ({
      server: {
        mutate: sh((s) =>
          setExt(s.extensions, ExtensionType.key_share, keyShareBody(0x9999, new Uint8Array(32).fill(9))),
        ),
      },
    }),
  },
  {
    id: 'sh-version-not-offered',
    title: 'supported_versions selecting 0x0305',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.1 ("contains a version not offered by the client ... MUST abort ... illegal_parameter")',
    cheap: true,
    setup: () => ({
      server: {
        mutate: sh((s) => setExt(s.extensions, ExtensionType.supported_versions, selectedVersionExt(0x0305).data)),
      },
    }),
  },
  {
    id: 'sh-version-prior-to-13',
    title: 'supported_versions selecting TLS 1.2 (0x0303)',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.1 ("or contains a version prior to TLS 1.3 ... illegal_parameter"); OpenSSL: illegal_parameter',
    cheap: true,
    setup: () => ({
      server: {
        mutate: sh((s) =>
          setExt(s.extensions, ExtensionType.supported_versions, selectedVersionExt(ProtocolVersion.TLS1_2).data),
        ),
      },
    }),
  },
  {
    id: 'sh-version-prior-to-13-12-suite',
    title: 'supported_versions selecting TLS 1.2 with a TLS 1.2 suite',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.1; OpenSSL: illegal_parameter (bad protocol version number)',
    cheap: true,
    setup: () => ({
      server: {
        mutate: sh((s) => {
          setExt(s.extensions, ExtensionType.supported_versions, selectedVersionExt(ProtocolVersion.TLS1_2).data);
          s.cipherSuite = 0xc02b;
        }),
      },
    }),
  },
  {
    id: 'sh-legacy-version-tls11',
    title: 'ServerHello legacy_version TLS 1.1 without supported_versions',
    expect: 'protocol_version',
    ref: 'RFC 8446 §4.1.3 / RFC 5246 §E.1',
    cheap: true,
    setup: () => ({
      server: {
        mutate: sh((s) => {
          s.legacyVersion = ProtocolVersion.TLS1_1;
          removeExt(s.extensions, ExtensionType.supported_versions);
        }),
      },
    }),
  },
  {
    id: 'sh-tls12-to-13-only-client',
    title: 'TLS 1.2 ServerHello (no supported_versions) to a TLS 1.3-only client',
    expect: 'protocol_version',
    ref: 'RFC 8446 §4.1.3',
    cheap: true,
    setup: () => ({
      server: { mutate: sh((s) => removeExt(s.extensions, ExtensionType.supported_versions)) },
      client: { minVersion: ProtocolVersion.TLS1_3 },
    }),
  },
  {
    id: 'sh-session-id-echo',
    title: 'legacy_session_id_echo differs from what we sent',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.1.3',
    cheap: true,
    setup: () => ({ server: { mutate: sh((s) => (s.sessionId = flipByte(s.sessionId, 0))) } }),
  },
  {
    id: 'sh-compression',
    title: 'ServerHello with compression method 1',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.1.3 (OpenSSL: illegal_parameter)',
    cheap: true,
    setup: () => ({ server: { mutate: sh((s) => (s.compression = 1)) } }),
  },
  {
    id: 'sh-12-compression',
    title: 'TLS 1.2 ServerHello with compression method 1',
    expect: 'illegal_parameter',
    ref: 'RFC 5246 §7.4.1.3',
    cheap: true,
    setup: () => ({ server: { ...TLS12, mutate: sh((s) => (s.compression = 1)) } }),
  },
  {
    id: 'sh-downgrade-tls11',
    title: 'TLS 1.2 ServerHello.random ending in the TLS 1.1 downgrade sentinel',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.1.3',
    cheap: true,
    setup: () => ({ server: { ...TLS12, mutate: sh((s) => s.random.set(DOWNGRADE_TLS11, 24)) } }),
  },
  {
    id: 'sh-tls11-not-offered',
    title: 'TLS 1.1 ServerHello to the default offer (TLS 1.2-1.3)',
    expect: 'protocol_version',
    ref: 'RFC 5246 §E.1 (a version the client did not offer); OpenSSL: unsupported protocol',
    cheap: true,
    setup: () => ({ server: { ...TLS12, mutate: sh((s) => (s.legacyVersion = 0x0302)) } }),
  },
  {
    id: 'sh-tls11-downgrade-sentinel',
    title: 'TLS 1.1 ServerHello with the DOWNGRD\\x00 sentinel to a client offering TLS 1.0-1.3',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.1.3 (TLS 1.2 clients check DOWNGRD\\x00 when the server picks 1.1 or below)',
    cheap: true,
    setup: () => ({
      server: {
        ...TLS12,
        mutate: sh((s) => {
          s.legacyVersion = 0x0302;
          s.random.set(DOWNGRADE_TLS11, 24);
        }),
      },
      client: { minVersion: 0x0301 },
    }),
  },
  {
    id: 'sh-tls11-downgrade-sentinel-12-only',
    title: 'TLS 1.1 ServerHello with the DOWNGRD\\x00 sentinel to a client offering TLS 1.0-1.2',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.1.3',
    cheap: true,
    setup: () => ({
      server: {
        ...TLS12,
        mutate: sh((s) => {
          s.legacyVersion = 0x0302;
          s.random.set(DOWNGRADE_TLS11, 24);
        }),
      },
      client: { minVersion: 0x0301, maxVersion: 0x0303 },
    }),
  },
  {
    id: 'sh-psk-identity-not-sent',
    title: 'ServerHello selecting PSK identity 1 when we sent one identity',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.11',
    setup: async () => {
      const { store, session } = await ticketSession();
      return {
        server: {
          store,
          mutate: sh((s) => setExt(s.extensions, ExtensionType.pre_shared_key, selectedIdentityExt(1).data)),
        },
        clientSide: { session },
      };
    },
  },

  // --- HelloRetryRequest ------------------------------------------------------------------------
  {
    id: 'hrr-second',
    title: 'a second HelloRetryRequest in place of the ServerHello',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4.1.4',
    cheap: true,
    setup: () => {
      let hrr: Uint8Array | undefined;
      return {
        server: {
          group: 'secp256r1',
          mutate: hooks(
            onHandshake(SH, (m) => (hrr = m), 1),
            onHandshake(SH, () => hrr!, 2),
          ),
        },
      };
    },
  },
  {
    id: 'hrr-no-change',
    title: 'HelloRetryRequest with neither key_share nor cookie',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.1.4',
    cheap: true,
    setup: () => ({ server: { hrr: 'always', mutate: sh((s) => removeExt(s.extensions, ExtensionType.cookie)) } }),
  },
  {
    id: 'hrr-group-not-offered',
    title: 'HelloRetryRequest for P-521 (not in our supported_groups)',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.8',
    cheap: true,
    setup: () => ({
      server: {
        group: 'secp256r1',
        mutate: sh((s) => setExt(s.extensions, ExtensionType.key_share, hrrKeyShareExt(0x0019).data)),
      },
    }),
  },
  {
    id: 'hrr-group-already-shared',
    title: 'HelloRetryRequest for x25519, which we already sent a share for',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.8',
    cheap: true,
    setup: () => ({
      server: {
        group: 'secp256r1',
        mutate: sh((s) => setExt(s.extensions, ExtensionType.key_share, hrrKeyShareExt(0x001d).data)),
      },
    }),
  },
  {
    id: 'hrr-suite-not-offered',
    title: 'HelloRetryRequest selecting a suite we did not offer',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.1.4',
    cheap: true,
    setup: () => ({ server: { group: 'secp256r1', mutate: sh((s) => (s.cipherSuite = 0x1304)) } }),
  },
  {
    id: 'hrr-suite-changed',
    title: 'ServerHello after HelloRetryRequest with another suite',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.1.4',
    cheap: true,
    setup: () => ({ server: { group: 'secp256r1', mutate: sh((s) => (s.cipherSuite = 0x1302), 2) } }),
  },
  {
    id: 'hrr-not-allowed-ext',
    title: 'HelloRetryRequest with server_name (offered, but not an HRR extension)',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2',
    cheap: true,
    setup: () => ({
      server: {
        group: 'secp256r1',
        mutate: sh((s) => s.extensions.push({ type: ExtensionType.server_name, data: EMPTY })),
      },
    }),
  },

  // --- key shares -------------------------------------------------------------------------------
  {
    id: 'ks-x25519-zero',
    title: 'x25519 share of 32 zero bytes (all-zero shared secret)',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §7.4.2, RFC 7748 §6.1',
    cheap: true,
    setup: () => ({
      server: {
        mutate: sh((s) => setExt(s.extensions, ExtensionType.key_share, keyShareBody(0x001d, new Uint8Array(32)))),
      },
    }),
  },
  {
    id: 'ks-x25519-short',
    title: 'x25519 share of 31 bytes',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.8.2',
    cheap: true,
    setup: () => ({
      server: {
        mutate: sh((s) =>
          setExt(s.extensions, ExtensionType.key_share, keyShareBody(0x001d, new Uint8Array(31).fill(7))),
        ),
      },
    }),
  },
  {
    id: 'ks-p256-off-curve',
    title: 'P-256 share not on the curve',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.8.2',
    cheap: true,
    setup: () => ({
      server: {
        group: 'secp256r1',
        mutate: sh((s) => setExt(s.extensions, ExtensionType.key_share, keyShareBody(0x0017, offCurvePoint()))),
      },
      client: { keyShareGroups: ['secp256r1'] },
    }),
  },
  {
    id: 'ks-p256-infinity',
    title: 'P-256 share encoding the point at infinity (a single 0x00)',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.8.2',
    cheap: true,
    setup: () => ({
      server: {
        group: 'secp256r1',
        mutate: sh((s) => setExt(s.extensions, ExtensionType.key_share, keyShareBody(0x0017, Uint8Array.of(0)))),
      },
      client: { keyShareGroups: ['secp256r1'] },
    }),
  },
  {
    id: 'ks-p256-compressed',
    title: 'P-256 share in compressed form',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.2.8.2 (uncompressed only)',
    cheap: true,
    setup: () => ({
      server: {
        group: 'secp256r1',
        mutate: sh((s) =>
          setExt(
            s.extensions,
            ExtensionType.key_share,
            keyShareBody(0x0017, concat(Uint8Array.of(2), offCurvePoint().subarray(1, 33))),
          ),
        ),
      },
      client: { keyShareGroups: ['secp256r1'] },
    }),
  },
  {
    id: 'ks-mlkem-short',
    title: 'X25519MLKEM768 share one byte short (ML-KEM ciphertext of 1087 bytes)',
    expect: 'illegal_parameter',
    ref: 'draft-ietf-tls-ecdhe-mlkem §3 / FIPS 203 (length check)',
    setup: () => ({
      server: {
        group: 'X25519MLKEM768',
        mutate: sh((s) => {
          const { group: g, key } = readServerKeyShare(findExtension(s.extensions, ExtensionType.key_share)!.data);
          setExt(
            s.extensions,
            ExtensionType.key_share,
            keyShareBody(g, concat(key.subarray(0, 1087), key.subarray(1088))),
          );
        }),
      },
    }),
  },
  {
    id: 'ks-mlkem-garbage',
    title: 'X25519MLKEM768 share with a corrupted ML-KEM ciphertext (right length)',
    expect: 'bad_record_mac',
    ref: 'FIPS 203 implicit rejection: wrong keys, so the first encrypted record fails (RFC 8446 §5.2)',
    serverCannotRead: true,
    setup: () => ({
      server: {
        group: 'X25519MLKEM768',
        mutate: sh((s) => {
          const { group: g, key } = readServerKeyShare(findExtension(s.extensions, ExtensionType.key_share)!.data);
          setExt(s.extensions, ExtensionType.key_share, keyShareBody(g, flipByte(key, 100)));
        }),
      },
    }),
  },
  {
    id: 'ks-12-p256-off-curve',
    title: 'TLS 1.2 ServerKeyExchange (validly signed) with a P-256 point off the curve',
    expect: 'illegal_parameter',
    ref: 'RFC 8422 §5.4 / OpenSSL BAD_ECPOINT',
    cheap: true,
    setup: (ctx) => ({ server: { ...TLS12, group: 'secp256r1', mutate: resignedSke(ctx, 0x0017, offCurvePoint()) } }),
  },
  {
    id: 'ks-12-x25519-zero',
    title: 'TLS 1.2 ServerKeyExchange (validly signed) with an all-zero x25519 point',
    expect: 'illegal_parameter',
    ref: 'RFC 8422 §5.11, RFC 7748 §6.1',
    cheap: true,
    setup: (ctx) => ({ server: { ...TLS12, mutate: resignedSke(ctx, 0x001d, new Uint8Array(32)) } }),
  },
  {
    id: 'ks-12-group-not-offered',
    title: 'TLS 1.2 ServerKeyExchange (validly signed) for P-521, which we did not offer',
    expect: 'illegal_parameter',
    ref: 'RFC 8422 §5.4 / OpenSSL WRONG_CURVE',
    cheap: true,
    setup: (ctx) => ({
      server: { ...TLS12, mutate: resignedSke(ctx, 0x0019, nodeProvider.generateKeyShare('secp521r1').publicKey) },
    }),
  },

  // --- authentication ---------------------------------------------------------------------------
  {
    id: 'auth-bad-cv',
    title: 'CertificateVerify with a corrupted signature',
    expect: 'decrypt_error',
    ref: 'RFC 8446 §4.4.3',
    cheap: true,
    setup: () => ({ server: { mutate: onHandshake(CV, (m) => flipByte(m, -1)) } }),
  },
  {
    id: 'auth-cv-scheme-not-offered',
    title: 'CertificateVerify with rsa_pkcs1_sha1 (not offered, not TLS 1.3)',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.4.3 (OpenSSL: illegal_parameter, wrong signature type)',
    cheap: true,
    setup: () => ({
      server: {
        mutate: onHandshake(CV, (m) => {
          const o = m.slice();
          o[4] = 0x02;
          o[5] = 0x01;
          return o;
        }),
      },
    }),
  },
  {
    id: 'auth-bad-finished',
    title: 'server Finished with one bit flipped',
    expect: 'decrypt_error',
    ref: 'RFC 8446 §4.4.4',
    cheap: true,
    setup: () => ({ server: { mutate: onHandshake(FIN, (m) => flipByte(m, -1)) } }),
  },
  {
    id: 'auth-short-finished',
    title: 'server Finished one byte short',
    expect: 'decrypt_error',
    ref: 'RFC 8446 §4.4.4 ("if incorrect MUST ... decrypt_error"; OpenSSL sends decode_error, BoringSSL decrypt_error)',
    cheap: true,
    setup: () => ({ server: { mutate: onHandshake(FIN, (m) => frameHandshake(FIN, m.subarray(4, m.length - 1))) } }),
  },
  {
    id: 'auth-empty-certificate',
    title: 'Certificate with no entries',
    expect: 'decode_error',
    ref: 'RFC 8446 §4.4.2.4',
    cheap: true,
    setup: () => ({ server: { mutate: onHandshake(CERT, () => frameHandshake(CERT, encodeCertificate([], true))) } }),
  },
  {
    id: 'auth-garbage-certificate',
    title: 'Certificate entry of 300 garbage bytes',
    expect: 'bad_certificate',
    ref: 'RFC 8446 §6.2 bad_certificate (OpenSSL 3 sends decode_error for an undecodable certificate)',
    cheap: true,
    setup: () => ({
      server: {
        mutate: onHandshake(CERT, () =>
          frameHandshake(CERT, encodeCertificate([new Uint8Array(300).fill(0x30)], true)),
        ),
      },
    }),
  },
  {
    id: 'auth-leaf-key-off-curve',
    title: 'leaf certificate whose P-256 public key is not on the curve (parses as X.509)',
    expect: 'bad_certificate',
    ref: 'RFC 8446 §6.2 bad_certificate ("A certificate was corrupt"); never internal_error (found by the fuzzer)',
    cheap: true,
    setup: (ctx) => {
      const leaf = ctx.creds.chain[0]!.slice();
      const at = toHex(leaf).indexOf('03420004') / 2; // BIT STRING of the uncompressed point
      leaf[at + 4]! ^= 0x01;
      return {
        server: {
          mutate: onHandshake(CERT, () =>
            frameHandshake(CERT, encodeCertificate([leaf, ...ctx.creds.chain.slice(1)], true)),
          ),
        },
      };
    },
  },
  {
    id: 'auth-cert-context',
    title: 'server Certificate with a non-empty certificate_request_context',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.4.2',
    cheap: true,
    setup: (ctx) => ({
      server: {
        mutate: onHandshake(CERT, () =>
          frameHandshake(CERT, encodeCertificate(ctx.creds.chain, true, Uint8Array.of(1))),
        ),
      },
    }),
  },
  {
    id: 'auth-100-leaf-copies',
    title: 'chain of 100 certificates (the leaf 100 times)',
    expect: 'unknown_ca',
    ref: 'bounded; X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY → unknown_ca (OpenSSL ssl_verify_alarm_type)',
    setup: (ctx) => ({
      server: {
        mutate: onHandshake(CERT, () =>
          frameHandshake(
            CERT,
            encodeCertificate(
              Array.from({ length: 100 }, () => ctx.creds.chain[0]!),
              true,
            ),
          ),
        ),
      },
    }),
  },
  {
    id: 'auth-1mb-certificate',
    title: 'Certificate message of 1 MB',
    expect: 'illegal_parameter',
    ref: 'OpenSSL excessive message size (max_cert_list)',
    setup: () => ({
      server: {
        mutate: onHandshake(CERT, () =>
          frameHandshake(CERT, encodeCertificate([new Uint8Array(1 << 20).fill(0x41)], true)),
        ),
      },
    }),
  },
  {
    id: 'auth-12-bad-ske-signature',
    title: 'TLS 1.2 ServerKeyExchange with a corrupted signature',
    expect: 'decrypt_error',
    ref: 'RFC 5246 §7.2.2, §7.4.3',
    cheap: true,
    setup: () => ({ server: { ...TLS12, mutate: onHandshake(SKE, (m) => flipByte(m, -1)) } }),
  },
  {
    id: 'auth-12-bad-finished',
    title: 'TLS 1.2 server Finished with one bit flipped',
    expect: 'decrypt_error',
    ref: 'RFC 5246 §7.4.9',
    setup: () => ({ server: { ...TLS12, mutate: onHandshake(FIN, (m) => flipByte(m, -1)) } }),
  },

  // --- TLS 1.0-1.2 DHE, RSA key exchange and CBC padding (issue 13) -------------------------------
  ...DH_CASES.map(([id, title, expect, dh]): HostileCase => ({
    id,
    title,
    expect,
    ref: 'OpenSSL tls_process_ske_dhe (bad dh value / dh key too small), RFC 7919 §5.1, SP 800-56A §5.6.2.3.1',
    leaf: 'rsa2048',
    cheap: true,
    setup: () => ({ server: { ...TLS12, suite: 0x009e, dh: dh() } }),
  })),
  {
    id: 'kx-12-rsa-kx-ecdsa-leaf',
    title: 'RSA key exchange suite with an ECDSA certificate (nothing to encrypt the pre-master to)',
    expect: 'handshake_failure',
    ref: 'RFC 5246 §7.4.2 (OpenSSL ssl3_check_cert_and_algorithm: wrong certificate type)',
    cheap: true,
    setup: () => ({ server: { ...TLS12, suite: 0x002f } }),
  },
  {
    id: 'kx-12-rsa-kx-with-ske',
    title: 'RSA key exchange suite with a ServerKeyExchange after the Certificate',
    expect: 'unexpected_message',
    ref: 'RFC 5246 §7.4.3 (no ServerKeyExchange for RSA key exchange; OpenSSL: unexpected message)',
    leaf: 'rsa2048',
    cheap: true,
    setup: () => ({
      server: {
        ...TLS12,
        suite: 0x002f,
        // A well-formed ServerDHParams-shaped body: the message itself is what is wrong here.
        mutate: onHandshake(CERT, (m) => concat(m, frameHandshake(SKE, Uint8Array.of(0, 1, 2, 0, 1, 2, 0, 1, 2)))),
      },
    }),
  },
  {
    id: 'kx-12-rsa-kx-tiny-key',
    title: 'RSA key exchange to a 256-bit RSA leaf key: too short to carry the 48-byte pre-master',
    expect: 'handshake_failure',
    ref: 'RFC 8017 §7.2.1 (message too long: k - 11 < 48); never internal_error (OpenSSL sends it from tls_construct_cke_rsa)',
    leaf: 'rsa2048',
    setup: async (ctx) => {
      const tiny = await tinyRsaLeaf();
      const chain = [tiny, ...ctx.creds.chain.slice(1)];
      return {
        server: {
          ...TLS12,
          suite: 0x002f,
          mutate: onHandshake(CERT, () => frameHandshake(CERT, encodeCertificate(chain, false))),
        },
        // Past verification (the key is far too small for it) to the RSA encryption itself.
        client: { verifyFailIsFatal: false },
      };
    },
  },
  ...(['padding', 'mac'] as const).map((tamper): HostileCase => ({
    id: `record-12-cbc-bad-${tamper}`,
    title: `MAC-then-encrypt CBC application data with a broken ${tamper === 'mac' ? 'MAC (padding right)' : 'padding (MAC right)'}`,
    expect: 'bad_record_mac',
    ref: 'RFC 5246 §6.2.3.2 (one alert for padding and MAC failures: no padding oracle)',
    setup: () => ({
      server: { ...TLS12, suite: 0xc009, noEtm: true, cbcTamper: tamper },
      afterHandshake: (s) => s.send(new TextEncoder().encode('padding oracle probe')),
    }),
  })),

  // --- TLS 1.2 renegotiation and EMS --------------------------------------------------------------
  {
    id: 'reneg-12-initial-no-ri',
    title: 'TLS 1.2 ServerHello without renegotiation_info, legacyServerConnect off (--no-legacy-server-connect)',
    expect: 'handshake_failure',
    ref: 'RFC 5746 §4.1 (OpenSSL 3.0 default: unsafe legacy renegotiation disabled)',
    cheap: true,
    setup: () => ({
      server: { ...TLS12, mutate: sh((s) => removeExt(s.extensions, ExtensionType.renegotiation_info)) },
      client: { legacyServerConnect: false },
    }),
  },
  {
    id: 'reneg-12-no-ri',
    title: 'TLS 1.2 renegotiation ServerHello without renegotiation_info',
    expect: 'handshake_failure',
    ref: 'RFC 5746 §3.5',
    setup: () => ({
      server: { ...TLS12, mutate: sh((s) => removeExt(s.extensions, ExtensionType.renegotiation_info), 2) },
      afterHandshake: (s) => s.helloRequest(),
    }),
  },
  {
    id: 'reneg-12-wrong-ri',
    title: 'TLS 1.2 renegotiation ServerHello with an empty renegotiation_info',
    expect: 'handshake_failure',
    ref: 'RFC 5746 §3.5',
    setup: () => ({
      server: {
        ...TLS12,
        mutate: sh((s) => setExt(s.extensions, ExtensionType.renegotiation_info, Uint8Array.of(0)), 2),
      },
      afterHandshake: (s) => s.helloRequest(),
    }),
  },
  {
    id: 'reneg-12-legacy-hello-request',
    title: 'TLS 1.2 HelloRequest from a server without renegotiation_info (legacy server)',
    expect: 'no_renegotiation',
    ref: 'RFC 5746 §4.2 (clients refuse with no_renegotiation; issue 13 item 5)',
    setup: () => ({
      server: { ...TLS12, mutate: sh((s) => removeExt(s.extensions, ExtensionType.renegotiation_info)) },
      afterHandshake: (s) => s.helloRequest(),
    }),
  },
  {
    id: 'reneg-12-upgrade',
    title: 'TLS 1.2 renegotiation_info only in the renegotiation ServerHello (unsafe legacy renegotiation allowed)',
    expect: 'handshake_failure',
    ref: 'RFC 5746 §3.5, §4.2 (BoringSSL Renegotiate-Client-Upgrade: RENEGOTIATION_MISMATCH)',
    setup: () => ({
      server: { ...TLS12, mutate: sh((s) => removeExt(s.extensions, ExtensionType.renegotiation_info)) },
      client: { allowUnsafeLegacyRenegotiation: true },
      afterHandshake: (s) => s.helloRequest(),
    }),
  },
  {
    id: 'reneg-12-never',
    title: 'TLS 1.2 HelloRequest with renegotiation off (--no-renegotiation)',
    expect: 'no_renegotiation',
    ref: 'BoringSSL ssl_do_renegotiate (Renegotiate-Client-Forbidden-1), RFC 5246 §7.4.1.1',
    cheap: true,
    setup: () => ({
      server: TLS12,
      client: { renegotiation: 'never' },
      afterHandshake: (s) => s.helloRequest(),
    }),
  },
  {
    id: 'reneg-12-hello-request-packed',
    title: "TLS 1.2 HelloRequest in the same record as the server's Finished",
    expect: 'unexpected_message',
    ref: 'BoringSSL EXCESS_HANDSHAKE_DATA (Renegotiate-Client-Packed)',
    cheap: true,
    setup: () => ({
      server: {
        ...TLS12,
        mutate: onHandshake(FIN, (m) => concat(m, frameHandshake(HandshakeType.hello_request, EMPTY))),
      },
    }),
  },
  {
    id: 'reneg-12-ems-dropped',
    title: 'TLS 1.2 renegotiation ServerHello without extended_master_secret after an EMS handshake',
    expect: 'illegal_parameter',
    ref: 'RFC 7627 §5.2 carried over (BoringSSL ExtendedMasterSecret-Renego-Downgrade: RENEGOTIATION_EMS_MISMATCH)',
    setup: () => ({
      server: { ...TLS12, mutate: sh((s) => removeExt(s.extensions, ExtensionType.extended_master_secret), 2) },
      afterHandshake: (s) => s.helloRequest(),
    }),
  },
  {
    id: 'reneg-12-cert-changed',
    title: 'TLS 1.2 renegotiation Certificate with another leaf (its last signature byte flipped)',
    expect: 'illegal_parameter',
    ref: 'triple handshake, mitls.org 3SHAKE (BoringSSL Renegotiation-CertificateChange: SERVER_CERT_CHANGED)',
    setup: (ctx) => {
      const leaf = ctx.creds.chain[0]!.slice();
      leaf[leaf.length - 1]! ^= 0x01; // the signature's last byte: still decodes, another certificate
      return {
        server: {
          ...TLS12,
          mutate: onHandshake(
            CERT,
            () => frameHandshake(CERT, encodeCertificate([leaf, ...ctx.creds.chain.slice(1)], false)),
            2,
          ),
        },
        afterHandshake: (s) => s.helloRequest(),
      };
    },
  },
  {
    id: 'ems-12-dropped-on-resumption',
    title: 'TLS 1.2 resumption of an EMS session without extended_master_secret',
    expect: 'handshake_failure',
    ref: 'RFC 7627 §5.3 (OpenSSL: inconsistent extms)',
    setup: async () => {
      const { store, session } = await session12();
      return {
        server: { ...TLS12, store, mutate: sh((s) => removeExt(s.extensions, ExtensionType.extended_master_secret)) },
        clientSide: { session },
      };
    },
  },

  // --- post-handshake -------------------------------------------------------------------------------
  {
    id: 'post-keyupdate-flood',
    title: '200 KeyUpdates without application data in between',
    expect: 'unexpected_message',
    ref: 'OpenSSL TOO_MANY_KEY_UPDATES (32); RFC 8446 §4.6.3 sets no bound',
    cheap: true,
    setup: () => ({ afterHandshake: (s) => repeat(200, () => s.keyUpdate(false)) }),
  },
  {
    id: 'post-keyupdate-requested-flood',
    title: '200 KeyUpdates with update_requested (each forces an answer)',
    expect: 'unexpected_message',
    ref: 'OpenSSL TOO_MANY_KEY_UPDATES; RFC 8446 §4.6.3 sets no bound',
    cheap: true,
    setup: () => ({ afterHandshake: (s) => repeat(200, () => s.keyUpdate(true)) }),
  },
  {
    id: 'post-warning-alert-flood',
    title: '100 user_canceled warning alerts',
    expect: 'unexpected_message',
    ref: 'OpenSSL TOO_MANY_WARN_ALERTS (5); connection.ts MAX_EMPTY_RECORDS comment says warning alerts count',
    cheap: true,
    setup: () => ({
      afterHandshake: (s) => repeat(100, () => s.sendAlert(AlertLevel.warning, AlertDescription.user_canceled)),
    }),
  },
  {
    id: 'post-keyupdate-bad-value',
    title: 'KeyUpdate with request_update = 2',
    expect: 'illegal_parameter',
    ref: 'RFC 8446 §4.6.3',
    cheap: true,
    setup: () => ({
      afterHandshake: (s) => s.sendRaw(serverSeal(s, 22, frameHandshake(HandshakeType.key_update, Uint8Array.of(2)))),
    }),
  },
  {
    id: 'post-certificate-request',
    title: 'post-handshake CertificateRequest without post_handshake_auth',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4.6.2',
    cheap: true,
    setup: () => ({
      afterHandshake: (s) =>
        s.sendRaw(
          serverSeal(
            s,
            22,
            frameHandshake(
              HandshakeType.certificate_request,
              encodeCertificateRequest13({ context: Uint8Array.of(1), extensions: [signatureAlgorithmsExt([0x0403])] }),
            ),
          ),
        ),
    }),
  },
  {
    id: 'post-server-hello',
    title: 'ServerHello after the TLS 1.3 handshake',
    expect: 'unexpected_message',
    ref: 'RFC 8446 §4',
    cheap: true,
    setup: () => ({ afterHandshake: (s) => s.sendRaw(serverSeal(s, 22, frameHandshake(SH, new Uint8Array(40)))) }),
  },
];

/** A record hook that replaces the n-th record of inner type `type`. */
function afterRecordReplace(type: number, n: number, fn: (rec: Uint8Array) => Uint8Array): MutateHook {
  let seen = 0;
  return (kind, t, bytes) => {
    if (kind !== 'record' || t !== type) return bytes;
    return ++seen === n ? fn(bytes) : bytes;
  };
}

/** After the n-th encrypted (TLS 1.3, outer type 23) handshake record, append what `extra` returns. */
function afterEncryptedHandshakeRecord(n: number, extra: () => Uint8Array): MutateHook {
  let seen = 0;
  return (kind, t, bytes) => {
    if (kind !== 'record' || t !== 22 || bytes[0] !== 23) return bytes;
    return ++seen === n ? concat(bytes, extra()) : bytes;
  };
}

/** After the n-th handshake record (any protection), append what `extra` returns. */
function afterNthHandshakeRecord(n: number, extra: () => Uint8Array): MutateHook {
  return afterRecord(22, n, extra);
}

export function hostileCase(id: string): HostileCase {
  const c = HOSTILE_CASES.find((x) => x.id === id);
  if (!c) throw new Error(`no hostile case ${id}`);
  return c;
}

// --- TCP bridge ------------------------------------------------------------------------------------

/** One accepted TCP connection of a hostile listener. */
export interface HostileConnection {
  index: number;
  socket: Socket;
  /** The TestServer behind it (bridged mode). */
  server?: TestServer;
  /** Resolves when the socket closed (after the server processed everything it received). */
  closed: Promise<void>;
  /** A server-side bug (non-TlsAlert exception), if any. */
  bug?: Error;
  /** Socket error codes seen (ECONNRESET: the client closed with unread data, and a TCP RST may have discarded its last bytes). */
  socketErrors: string[];
}

export interface HostileListener {
  host: string;
  port: number;
  connections: HostileConnection[];
  close(): Promise<void>;
}

/**
 * What a listener does with each connection: bridge a TestServer configured by `setup(index)`
 * (with its afterHandshake action), or run `raw(socket)` for byte-level scripts (stalls, garbage).
 */
export type HostileScript =
  | { setup: (index: number) => CaseSetup | Promise<CaseSetup>; leaf?: LeafName }
  | { raw: (socket: Socket, index: number) => void };

/** Starts a hostile TCP server on 127.0.0.1, port 0. */
export async function startHostileServer(script: HostileScript): Promise<HostileListener> {
  const connections: HostileConnection[] = [];
  const sockets = new Set<Socket>();
  const srv: Server = createServer({ noDelay: true }, (socket) => {
    sockets.add(socket);
    const index = connections.length;
    let resolveClosed!: () => void;
    const conn: HostileConnection = {
      index,
      socket,
      closed: new Promise((r) => (resolveClosed = r)),
      socketErrors: [],
    };
    socket.on('error', (e: NodeJS.ErrnoException) => conn.socketErrors.push(e.code ?? e.message));
    connections.push(conn);
    socket.once('close', () => {
      sockets.delete(socket);
      resolveClosed();
    });
    if ('raw' in script) {
      script.raw(socket, index);
      return;
    }
    // Buffer what arrives until the (possibly async) setup is ready.
    const early: Buffer[] = [];
    let earlyEnd = false;
    const onEarly = (d: Buffer): number => early.push(d);
    const onEarlyEnd = (): void => {
      earlyEnd = true;
    };
    socket.on('data', onEarly);
    socket.once('end', onEarlyEnd);
    void (async () => {
      const setup = await script.setup(index);
      const creds = await testCredentials(script.leaf ?? 'p256');
      socket.off('data', onEarly);
      socket.off('end', onEarlyEnd);
      bridge(conn, setup, creds, early, earlyEnd);
    })().catch((e: unknown) => {
      conn.bug = e as Error;
      socket.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => resolve());
  });
  const addr = srv.address();
  if (!addr || typeof addr === 'string') throw new Error('hostile server: no port');
  return {
    host: '127.0.0.1',
    port: addr.port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

/** Runs a TestServer over a MemoryTransport whose pipes are fed from and drained to the socket. */
function bridge(
  conn: HostileConnection,
  setup: CaseSetup,
  creds: TestCredentials,
  early: Buffer[],
  earlyEnd: boolean,
): void {
  const { socket } = conn;
  const [, serverSide] = memoryPair();
  const transport: MemoryTransport = serverSide;
  const server = new TestServer(transport, { chain: creds.chain, key: creds.key, ...setup.server });
  conn.server = server;
  let acted = setup.afterHandshake === undefined;
  let ended = false;
  // One socket.write per flight, as a real server's flush: node's Writable holds back every write
  // after the first until the next loop turn, so record-by-record writes would trail the first
  // record by milliseconds, and a client that already failed on it would close before the rest
  // arrives (then the late writes hit EPIPE and node drops the socket before reading the alert).
  const drain = (): void => {
    const q = transport.outgoing.queue;
    if (q.length && !socket.destroyed) socket.write(concat(...q.splice(0, q.length)));
    if (transport.outgoing.closed && !ended) {
      ended = true;
      socket.end();
    }
  };
  const step = (): void => {
    try {
      server.pump();
      if (!acted && server.connected) {
        acted = true;
        setup.afterHandshake!(server);
      }
    } catch (e) {
      conn.bug ??= e as Error;
    }
    drain();
  };
  const feed = (d: Buffer): void => {
    transport.incoming.queue.push(new Uint8Array(d.buffer, d.byteOffset, d.length).slice());
    step();
  };
  for (const d of early) feed(d);
  socket.on('data', feed);
  const onEnd = (): void => {
    transport.incoming.closed = true;
    step();
  };
  if (earlyEnd) onEnd();
  else socket.once('end', onEnd);
  step();
}

/**
 * A leaf under the test intermediate whose RSA public key has a 256-bit modulus (made with openssl's
 * -force_pubkey; neither node nor openssl generates RSA keys under 512 bits): RSAES-PKCS1-v1_5
 * cannot carry the 48-byte TLS pre-master in it (RFC 8017 §7.2.1: at most k - 11 = 21 bytes).
 */
async function tinyRsaLeaf(): Promise<Uint8Array> {
  const pki = await ensurePki();
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-tiny-rsa-'));
  try {
    const n = generatePrimeSync(128, { bigint: true }) * generatePrimeSync(128, { bigint: true });
    const jwk = {
      kty: 'RSA',
      n: Buffer.from(n.toString(16).padStart(64, '0'), 'hex').toString('base64url'),
      e: 'AQAB',
    };
    const pub = join(dir, 'tiny.pub.pem');
    writeFileSync(pub, createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' }));
    const rsa = pki.leaf('rsa2048');
    const csr = join(dir, 'tiny.csr');
    const cert = join(dir, 'tiny.pem');
    execFileSync('openssl', ['req', '-new', '-key', rsa.key, '-subj', '/CN=localhost', '-out', csr]);
    const sign = ['-CA', pki.ica, '-CAkey', pki.icaKey, '-force_pubkey', pub, '-days', '30', '-out', cert];
    execFileSync('openssl', ['x509', '-req', '-in', csr, ...sign], { stdio: 'ignore' });
    return new Uint8Array(new X509Certificate(readFileSync(cert)).raw);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
