/**
 * A small seeded mutation fuzzer (no dependency) and its targets: the record deframer, the
 * handshake reassembly and every handshake-message decoder, the extension readers, the session
 * PEM/DER reader, the X.509 path, and a whole client Connection against a live in-memory server
 * whose messages are mutated. The property is always the same: the code under test may only fail
 * with the project's typed errors (TlsAlert, DerError, SessionFormatError/UsageError, VerifyError,
 * UnexpectedEof); anything else (TypeError, RangeError, ...) is a crash, reported with the input
 * as hex so it can be replayed with replay(target, hex).
 *
 * Seeds are real: server flights recorded from the in-memory TestServer (TLS 1.3 and 1.2, several
 * groups and options), the test PKI's certificates, OpenSSL 3.0's session files
 * (test/helpers/openssl-sessions.ts) and sessions from our own handshakes.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Reader, concat, toHex } from '../../src/tls/codec/bytes.js';
import { DerError } from '../../src/tls/codec/der.js';
import {
  readCookie,
  readExtensions,
  readHrrKeyShare,
  readRenegotiationInfo,
  readSelectedAlpn,
  readSelectedIdentity,
  readSelectedVersion,
  readServerKeyShare,
  readU16List,
  type Extension,
} from '../../src/tls/codec/extensions.js';
import {
  HandshakeType,
  decodeCertificate,
  decodeCertificateRequest12,
  decodeCertificateRequest13,
  decodeCertificateVerify,
  decodeEncryptedExtensions,
  decodeKeyUpdate,
  decodeNewSessionTicket12,
  decodeNewSessionTicket13,
  decodeServerHello,
  decodeServerKeyExchangeEcdhe,
  expectEmptyBody,
} from '../../src/tls/codec/handshake.js';
import { TlsAlert, UnexpectedEof, VerifyError } from '../../src/tls/errors.js';
import { UsageError } from '../../src/cli/errors.js';
import { certificateKey } from '../../src/tls/handshake/auth.js';
import { memoryPair } from '../../src/net/memory.js';
import { RecordReader } from '../../src/tls/record/buffers.js';
import { HandshakeBuffer } from '../../src/tls/record/hsbuffer.js';
import { NullProtection } from '../../src/tls/record/protection.js';
import {
  decodeSession,
  decodeSessionPem,
  encodeSession,
  encodeSessionPem,
  formatSslSessionBlock,
} from '../../src/tls/session/index.js';
import { SessionFormatError, type Session } from '../../src/tls/session/session.js';
import { describeCertificate, verifyServerChain, x509ErrorText } from '../../src/tls/x509/index.js';
import { SslError } from '../../src/tls/types.js';
import * as golden from '../helpers/openssl-sessions.js';
import { ensurePki, LEAF_NAMES } from '../helpers/pki.js';
import {
  ServerStore,
  TestServer,
  connectPair,
  handshake,
  testCredentials,
  type TestPair,
  type TestServerOptions,
} from '../helpers/tls-server.js';
import { Context } from '../../src/tls/context.js';
import { Connection } from '../../src/tls/connection.js';
import { keygenSafeProvider } from '../helpers/hostile-server.js';
import type { MutateHook } from '../helpers/tls-server-common.js';

// --- PRNG and mutations ---------------------------------------------------------------------------

/** xorshift32: tiny, seedable, good enough to pick mutations. */
export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  u32(): number {
    let x = this.s;
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    this.s = x >>> 0;
    return this.s;
  }
  /** 0 <= n < max. */
  int(max: number): number {
    return max <= 0 ? 0 : this.u32() % max;
  }
  chance(p: number): boolean {
    return this.u32() / 0x100000000 < p;
  }
  pick<T>(a: readonly T[]): T {
    return a[this.int(a.length)]!;
  }
  bytes(n: number): Uint8Array {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = this.u32() & 0xff;
    return out;
  }
}

/** FNV-1a of the input: a per-input seed for choices a target makes (chunking), so replays repeat them. */
export function inputSeed(b: Uint8Array): number {
  let h = 0x811c9dc5;
  for (const x of b) h = Math.imul(h ^ x, 0x01000193) >>> 0;
  return h;
}

const INTERESTING_8 = [0x00, 0x01, 0x02, 0x03, 0x7f, 0x80, 0xfe, 0xff];
const INTERESTING_16 = [0x0000, 0x0001, 0x00ff, 0x0100, 0x3fff, 0x4000, 0x4001, 0x7fff, 0x8000, 0xfffe, 0xffff];

export type MutationName =
  'bitflip' | 'byte' | 'insert' | 'delete' | 'duplicate' | 'length' | 'splice' | 'truncate' | 'repeat';
const MUTATIONS: MutationName[] = [
  'bitflip',
  'bitflip',
  'byte',
  'insert',
  'delete',
  'duplicate',
  'length',
  'length',
  'length',
  'splice',
  'truncate',
  'repeat',
];

/** One mutation of `input` (never in place). `others` are the seeds to splice with. */
export function mutateOnce(
  rng: Rng,
  input: Uint8Array,
  others: readonly Uint8Array[],
  op: MutationName = rng.pick(MUTATIONS),
): Uint8Array {
  const n = input.length;
  const b = input.slice();
  const at = rng.int(Math.max(1, n));
  switch (op) {
    case 'bitflip': {
      if (n === 0) return rng.bytes(1);
      const flips = 1 + rng.int(8);
      for (let i = 0; i < flips; i++) b[rng.int(n)]! ^= 1 << rng.int(8);
      return b;
    }
    case 'byte':
      if (n === 0) return Uint8Array.of(rng.pick(INTERESTING_8));
      b[at] = rng.chance(0.5) ? rng.pick(INTERESTING_8) : rng.u32() & 0xff;
      return b;
    case 'insert': {
      const ins = rng.chance(0.5)
        ? rng.bytes(1 + rng.int(16))
        : new Uint8Array(1 + rng.int(64)).fill(rng.pick(INTERESTING_8));
      return concat(b.subarray(0, at), ins, b.subarray(at));
    }
    case 'delete': {
      const len = 1 + rng.int(Math.min(64, Math.max(1, n - at)));
      return concat(b.subarray(0, at), b.subarray(Math.min(n, at + len)));
    }
    case 'duplicate': {
      const len = 1 + rng.int(Math.min(128, Math.max(1, n - at)));
      const chunk = b.subarray(at, at + len);
      const to = rng.int(n + 1);
      return concat(b.subarray(0, to), chunk, b.subarray(to));
    }
    case 'length': {
      // Treat the bytes at `at` as a big-endian 1/2/3-byte length field and move it to an edge.
      if (n === 0) return b;
      const width = 1 + rng.int(3);
      const i = Math.min(at, Math.max(0, n - width));
      let v = 0;
      for (let k = 0; k < width && i + k < n; k++) v = (v << 8) | b[i + k]!;
      const max = 2 ** (8 * width) - 1;
      const remaining = n - i - width;
      const choices = [
        0,
        1,
        v + 1,
        v - 1,
        v + 2,
        v - 2,
        max,
        max - 1,
        remaining,
        remaining + 1,
        remaining - 1,
        v * 2,
        v >> 1,
        rng.pick(INTERESTING_16),
      ];
      let nv = rng.pick(choices);
      nv = ((nv % (max + 1)) + (max + 1)) % (max + 1);
      for (let k = width - 1; k >= 0; k--) {
        if (i + k < n) b[i + k] = nv & 0xff;
        nv = Math.floor(nv / 256);
      }
      return b;
    }
    case 'splice': {
      const o = others.length ? rng.pick(others) : b;
      const cutA = rng.int(n + 1);
      const cutB = rng.int(o.length + 1);
      return concat(b.subarray(0, cutA), o.subarray(cutB));
    }
    case 'truncate':
      return b.subarray(0, rng.int(n + 1)).slice();
    case 'repeat': {
      const len = 1 + rng.int(Math.min(16, Math.max(1, n - at)));
      const chunk = b.subarray(at, at + len);
      const times = 2 + rng.int(200);
      return concat(b.subarray(0, at), ...Array.from({ length: times }, () => chunk), b.subarray(at + len));
    }
  }
}

/** 1 to 4 stacked mutations. */
export function mutate(rng: Rng, input: Uint8Array, others: readonly Uint8Array[]): Uint8Array {
  let out = input;
  const k = 1 + rng.int(4);
  for (let i = 0; i < k; i++) out = mutateOnce(rng, out, others);
  return out;
}

// --- targets and the driver ------------------------------------------------------------------------

/** The error types a malformed input may legitimately raise. */
export function typedError(e: unknown): boolean {
  return (
    e instanceof TlsAlert ||
    e instanceof DerError ||
    e instanceof SessionFormatError ||
    e instanceof UsageError ||
    e instanceof VerifyError ||
    e instanceof UnexpectedEof
  );
}

/** A short label for a typed error, for the outcome counts. */
export function errorLabel(e: unknown): string {
  if (e instanceof TlsAlert) return `TlsAlert ${e.alertName}`;
  if (e instanceof VerifyError) return `VerifyError ${e.code}`;
  if (e instanceof Error) return e.name;
  return typeof e;
}

export interface FuzzTarget {
  name: string;
  seeds: Uint8Array[];
  /** Runs one input. Throws what the code under test throws; returns a label for a clean outcome. */
  run(input: Uint8Array): string | void;
  /** Inputs made by this target itself instead of mutate() (the live-server target). */
  generate?(rng: Rng): Uint8Array;
}

export interface Crash {
  target: string;
  iteration: number;
  /** The reproducing input (replay(target, hex)). */
  inputHex: string;
  error: string;
}

export interface FuzzResult {
  target: string;
  iterations: number;
  /** Outcome label → count: 'ok' / clean labels and typed errors ("TlsAlert decode_error"). */
  outcomes: Record<string, number>;
  crashes: Crash[];
  ms: number;
}

/** Runs `iterations` inputs (mutated seeds) through the target; never throws. */
export function fuzz(target: FuzzTarget, iterations: number, seed = 1): FuzzResult {
  const rng = new Rng(seed ^ inputSeed(new TextEncoder().encode(target.name)));
  const outcomes: Record<string, number> = {};
  const crashes: Crash[] = [];
  const t0 = performance.now();
  for (let i = 0; i < iterations; i++) {
    const input = target.generate
      ? target.generate(rng)
      : i < target.seeds.length
        ? target.seeds[i]!
        : mutate(rng, rng.pick(target.seeds), target.seeds);
    let label: string;
    try {
      label = target.run(input) || 'ok';
    } catch (e) {
      if (typedError(e)) label = errorLabel(e);
      else {
        label = 'CRASH';
        if (crashes.length < 20)
          crashes.push({ target: target.name, iteration: i, inputHex: toHex(input), error: describe(e) });
      }
    }
    outcomes[label] = (outcomes[label] ?? 0) + 1;
  }
  return { target: target.name, iterations, outcomes, crashes, ms: performance.now() - t0 };
}

/** Runs one recorded input again (for a crash report's hex). */
export function replay(target: FuzzTarget, hex: string): string | void {
  const input = Uint8Array.from(hex.match(/../g) ?? [], (h) => parseInt(h, 16));
  return target.run(input);
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}\n${(e.stack ?? '').split('\n').slice(1, 6).join('\n')}`;
  return String(e);
}

// --- seeds ---------------------------------------------------------------------------------------

export interface Corpus {
  /** Whole server flights as wire bytes (what the client reads), TLS 1.2 and 1.3. */
  flights: Uint8Array[];
  /** Plaintext handshake messages the servers sent (header included). */
  messages: Uint8Array[];
  /** Extension bodies from ServerHello / EncryptedExtensions / ClientHello, with their type. */
  extensions: Extension[];
  /** DER certificates of the test PKI. */
  certificates: Uint8Array[];
  root: Uint8Array;
  ica: Uint8Array;
  /** Session PEM texts (OpenSSL 3.0's and ours). */
  sessionPems: string[];
}

/** One in-memory handshake, recording the server's wire records and plaintext messages. */
async function record(
  opts: Partial<TestServerOptions>,
  client: { session?: Session } = {},
): Promise<{ wire: Uint8Array; messages: Uint8Array[]; sessions: Session[]; chExts: Extension[] }> {
  const wire: Uint8Array[] = [];
  const messages: Uint8Array[] = [];
  const hook: MutateHook = (kind, _t, b) => {
    (kind === 'record' ? wire : messages).push(b.slice());
    return b;
  };
  const pair = await connectPair({ ...opts, mutate: hook }, {}, client.session ? { session: client.session } : {});
  handshake(pair);
  for (let i = 0; i < 5; i++) {
    pair.server.pump();
    const r = pair.conn.read(new Uint8Array(4096));
    if (r <= 0 && pair.conn.getError(r) !== SslError.WANT_READ) break;
  }
  return {
    wire: concat(...wire),
    messages,
    sessions: pair.sessions,
    chExts: pair.server.clientHellos.flatMap((c) => c.extensions),
  };
}

function pemCerts(path: string): Uint8Array[] {
  const blocks =
    readFileSync(path, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((b) => new Uint8Array(new X509Certificate(b).raw));
}

let corpusPromise: Promise<Corpus> | undefined;

/** Records the seed corpus once per process. */
export function buildCorpus(): Promise<Corpus> {
  corpusPromise ??= (async () => {
    const runs = [
      await record({ tickets: 2 }),
      await record({ group: 'secp256r1' }), // HelloRetryRequest
      await record({ group: 'X25519MLKEM768', suite: 0x1302, alpn: ['h2'] }),
      await record({ hrr: 'always', cookie: Uint8Array.of(1, 2, 3, 4) }),
      await record({ version: 0x0303 }),
      await record({ version: 0x0303, ticket12: true, sessionCache: false, group: 'secp256r1', suite: 0xcca9 }),
      await record({ version: 0x0303, suite: 0xc009, maxFragment: 700 }),
    ];
    const store = new ServerStore();
    const first = await record({ store, tickets: 1 });
    const resumed = await record({ store }, first.sessions[0] ? { session: first.sessions[0] } : {});
    const store12 = new ServerStore();
    const first12 = await record({ version: 0x0303, store: store12 });
    const resumed12 = await record(
      { version: 0x0303, store: store12 },
      first12.sessions[0] ? { session: first12.sessions[0] } : {},
    );
    runs.push(first, resumed, first12, resumed12);

    const messages = runs.flatMap((r) => r.messages);
    const extensions: Extension[] = runs.flatMap((r) => r.chExts);
    for (const m of messages) {
      try {
        if (m[0] === HandshakeType.server_hello) extensions.push(...decodeServerHello(m.subarray(4)).extensions);
        if (m[0] === HandshakeType.encrypted_extensions) extensions.push(...decodeEncryptedExtensions(m.subarray(4)));
      } catch {
        /* not a seed then */
      }
    }
    const pki = await ensurePki();
    const certificates: Uint8Array[] = [];
    for (const leaf of LEAF_NAMES) {
      try {
        certificates.push(...pemCerts(pki.leaf(leaf).chain));
      } catch {
        /* the generator made no such leaf */
      }
    }
    const root = pemCerts(pki.root)[0]!;
    const ica = pemCerts(pki.ica)[0]!;
    certificates.push(root, ...pemCerts(pki.file('untrusted-root.pem')));
    const ours = runs.flatMap((r) => r.sessions);
    const sessionPems = [
      golden.s13Pem,
      golden.s12Pem,
      golden.s12SidPem,
      golden.s13StatefulPem,
      golden.ed13Pem,
      golden.rsakx12Pem,
      ...ours.map((s) => encodeSessionPem([s])),
    ];
    return {
      flights: runs.map((r) => r.wire),
      messages,
      extensions,
      certificates: dedupe(certificates),
      root,
      ica,
      sessionPems,
    };
  })();
  return corpusPromise;
}

function dedupe(list: Uint8Array[]): Uint8Array[] {
  const seen = new Set<string>();
  return list.filter((b) => {
    const k = toHex(b);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// --- the targets -----------------------------------------------------------------------------------

/** Every handshake decoder the client uses, by message type (what client.ts/client13.ts/client12.ts call). */
export function decodeHandshakeMessage(type: number, body: Uint8Array, tls13: boolean): void {
  switch (type) {
    case HandshakeType.server_hello:
      decodeServerHello(body);
      return;
    case HandshakeType.encrypted_extensions:
      decodeEncryptedExtensions(body);
      return;
    case HandshakeType.certificate:
      decodeCertificate(body, tls13);
      return;
    case HandshakeType.certificate_verify:
      decodeCertificateVerify(body);
      return;
    case HandshakeType.certificate_request:
      if (tls13) decodeCertificateRequest13(body);
      else decodeCertificateRequest12(body);
      return;
    case HandshakeType.new_session_ticket:
      if (tls13) decodeNewSessionTicket13(body);
      else decodeNewSessionTicket12(body);
      return;
    case HandshakeType.key_update:
      decodeKeyUpdate(body);
      return;
    case HandshakeType.server_key_exchange:
      decodeServerKeyExchangeEcdhe(body);
      return;
    case HandshakeType.server_hello_done:
      expectEmptyBody(body, 'ServerHelloDone');
      return;
    case HandshakeType.hello_request:
      expectEmptyBody(body, 'HelloRequest');
      return;
    default:
      return;
  }
}

/**
 * Record deframer + handshake reassembly + decoders: the input is what a server writes; it is fed
 * to a RecordReader through a MemoryTransport in input-derived chunk sizes; records are opened
 * with the null protection, handshake fragments reassembled and each message decoded (TLS 1.2
 * form and TLS 1.3 form).
 */
function deframerTarget(c: Corpus): FuzzTarget {
  return {
    name: 'record-deframer',
    seeds: c.flights,
    run(input) {
      const rng = new Rng(inputSeed(input));
      const [client, server] = memoryPair();
      for (let off = 0; off < input.length;) {
        const n = 1 + rng.int(rng.chance(0.3) ? 8 : 2048);
        server.write(input.subarray(off, off + n));
        off += n;
      }
      server.outgoing.closed = true;
      const reader = new RecordReader();
      const hs = new HandshakeBuffer();
      const nul = new NullProtection();
      let records = 0;
      for (let guard = 0; guard < 100_000; guard++) {
        const rec = reader.next(client);
        if (typeof rec === 'string' || 'error' in rec)
          return records ? `${rec === 'eof' ? 'eof' : 'end'} after records` : 'no record';
        records++;
        const { type, fragment } = nul.open(rec.type, rec.version, rec.body);
        if (type === 20) return `key change after ${records} records`; // what follows a CCS is protected
        if (type !== 22) continue;
        hs.push(fragment);
        for (let m = hs.next(); m; m = hs.next()) {
          // The TLS 1.3 or the TLS 1.2 form of the message must decode (both are tried).
          try {
            decodeHandshakeMessage(m.type, m.body, true);
          } catch (e) {
            if (!typedError(e)) throw e;
            decodeHandshakeMessage(m.type, m.body, false);
          }
        }
      }
      throw new Error('record deframer did not finish in 100000 steps');
    },
  };
}

/** Every decoder on a handshake message: input = whole message (type, length, body). */
function decodersTarget(c: Corpus): FuzzTarget {
  return {
    name: 'handshake-decoders',
    seeds: c.messages,
    run(input) {
      if (input.length < 1) return 'empty';
      const body = input.subarray(Math.min(4, input.length));
      // Each decoder on the body whatever the type byte says, both versions' forms.
      const types = [
        input[0]!,
        HandshakeType.server_hello,
        HandshakeType.encrypted_extensions,
        HandshakeType.certificate,
        HandshakeType.certificate_verify,
        HandshakeType.certificate_request,
        HandshakeType.new_session_ticket,
        HandshakeType.key_update,
        HandshakeType.server_key_exchange,
      ];
      let ok = 0;
      let lastTyped: unknown;
      for (const t of types) {
        for (const tls13 of [true, false]) {
          try {
            decodeHandshakeMessage(t, body, tls13);
            ok++;
          } catch (e) {
            if (!typedError(e)) throw e;
            lastTyped = e;
          }
        }
      }
      if (ok === 0 && lastTyped) throw lastTyped;
      return 'decoded';
    },
  };
}

/** Every extension reader on an extension body: input = type(2) || body. */
function extensionsTarget(c: Corpus): FuzzTarget {
  const readers: ((d: Uint8Array) => unknown)[] = [
    readSelectedVersion,
    readServerKeyShare,
    readHrrKeyShare,
    readCookie,
    readSelectedAlpn,
    readSelectedIdentity,
    (d) => readU16List(d, 'list'),
    readRenegotiationInfo,
    (d) => readExtensions(new Reader(d), 'fuzz'),
  ];
  return {
    name: 'extension-readers',
    seeds: c.extensions.map((e) => concat(Uint8Array.of(e.type >> 8, e.type & 0xff), e.data)),
    run(input) {
      const data = input.subarray(Math.min(2, input.length));
      let ok = 0;
      let lastTyped: unknown;
      for (const read of readers) {
        try {
          read(data);
          ok++;
        } catch (e) {
          if (!typedError(e)) throw e;
          lastTyped = e;
        }
      }
      if (ok === 0 && lastTyped) throw lastTyped;
      return 'read';
    },
  };
}

const verifyText = (code: number): string => x509ErrorText(code);

/** A decoded session must also print and re-encode without an exception. */
function useSession(s: Session): void {
  formatSslSessionBlock(s, { verifyText });
  decodeSession(encodeSession(s), 0);
}

/** The session PEM reader: input = file text (latin1, as readSessionFile reads it). */
function sessionPemTarget(c: Corpus): FuzzTarget {
  return {
    name: 'session-pem',
    seeds: c.sessionPems.map((p) => new Uint8Array(Buffer.from(p, 'latin1'))),
    run(input) {
      const sessions = decodeSessionPem(Buffer.from(input).toString('latin1'), 1_700_000_000);
      sessions.forEach(useSession);
      return 'decoded';
    },
  };
}

/** The session DER reader: input = SSL_SESSION_ASN1 DER. */
function sessionDerTarget(c: Corpus): FuzzTarget {
  const ders: Uint8Array[] = [];
  for (const p of c.sessionPems) {
    const b64 = p.replace(/-----[^-]+-----/g, '').replace(/\s+/g, '');
    ders.push(new Uint8Array(Buffer.from(b64, 'base64')));
  }
  return {
    name: 'session-der',
    seeds: ders,
    run(input) {
      useSession(decodeSession(input, 1_700_000_000));
      return 'decoded';
    },
  };
}

/**
 * The X.509 path on a mutated certificate: describeCertificate, the handshake's certificateKey,
 * and verifyServerChain with the mutated certificate as the leaf (with the real intermediate) or
 * as the intermediate (with the real p256 leaf), against the real root.
 */
function x509Target(c: Corpus, leaf: Uint8Array): FuzzTarget {
  const now = new Date('2030-01-01T00:00:00Z');
  return {
    name: 'x509',
    seeds: c.certificates,
    run(input) {
      let typed: unknown;
      const attempt = (f: () => unknown): void => {
        try {
          f();
        } catch (e) {
          if (!typedError(e)) throw e;
          typed = e;
        }
      };
      attempt(() => describeCertificate(input));
      attempt(() => certificateKey(input));
      let code = -1;
      attempt(
        () => (code = verifyServerChain({ chain: [input, c.ica], anchors: [c.root], hostname: 'localhost', now }).code),
      );
      attempt(() => verifyServerChain({ chain: [leaf, input], anchors: [c.root], hostname: 'localhost', now }));
      attempt(() => verifyServerChain({ chain: [input], anchors: [input], ip: '127.0.0.1', now }));
      if (code >= 0) return `verify ${code}`;
      if (typed) throw typed;
      return 'ok';
    },
  };
}

/**
 * A whole client against a live in-memory TestServer whose n-th handshake message (or record) is
 * replaced by a mutation of it. The input encodes the choice: [version, which, kind, seed(4)].
 * The client may only fail with a typed error and must end within a bounded number of rounds.
 */
function liveTarget(c: Corpus, creds: { chain: Uint8Array[]; key: Uint8Array }): FuzzTarget {
  const others = c.messages;
  return {
    name: 'client-handshake',
    seeds: [],
    generate(rng) {
      return Uint8Array.of(rng.int(256), rng.int(256), rng.int(256), ...rng.bytes(4));
    },
    run(input) {
      if (input.length < 7) return 'short';
      const tls12 = input[0]! % 3 === 0;
      const which = input[1]! % 8;
      const recordLevel = input[2]! % 4 === 0;
      const rng = new Rng(((input[3]! << 24) | (input[4]! << 16) | (input[5]! << 8) | input[6]!) >>> 0);
      let seen = 0;
      let mutated: Uint8Array | undefined;
      const hook: MutateHook = (kind, _t, b) => {
        if ((kind === 'record') !== recordLevel) return b;
        if (seen++ !== which) return b;
        mutated = mutate(rng, b, others);
        return mutated;
      };
      return runLive({ ...(tls12 ? { version: 0x0303 } : {}), mutate: hook }, creds, () => mutated);
    },
  };
}

/** Drives one connection (sync); throws the client's failure when it is one, else returns a label. */
function runLive(
  opts: Partial<TestServerOptions>,
  creds: { chain: Uint8Array[]; key: Uint8Array },
  mutated: () => Uint8Array | undefined,
): string {
  const pairP = connectPairSync(opts, creds);
  const { conn, server } = pairP;
  const buf = new Uint8Array(16384);
  let quiet = 0;
  for (let round = 0; round < 200; round++) {
    const r = conn.handshake.done ? conn.read(buf) : conn.connect();
    if (r < 0) {
      const e = conn.getError(r);
      if (e !== SslError.WANT_READ && e !== SslError.WANT_WRITE) {
        const f = conn.failure;
        if (!typedError(f) || conn.errors.some((x) => x.reason.startsWith('internal error'))) {
          const err = new Error(
            `client failed with an untyped error: ${f?.name}: ${f?.message} (mutated message ${toHex(mutated() ?? new Uint8Array(0))})`,
          );
          err.stack = f?.stack;
          throw err;
        }
        throw f;
      }
    }
    try {
      server.pump();
    } catch {
      return 'server gave up'; // a TestServer limitation (it is not the code under test)
    }
    if (conn.handshake.done && server.connected && conn.pending() === 0 && pairP.clientTransport.incoming.size === 0)
      return 'connected';
    // Blocked on a read with nothing more coming (e.g. a message whose length field grew): the
    // client waits for the rest, which is right; the CLI's --connect-timeout/--timeout ends it.
    quiet = r < 0 && pairP.clientTransport.incoming.size === 0 ? quiet + 1 : 0;
    if (quiet >= 3) return server.error ? 'server gave up' : 'waiting for more data';
  }
  throw new Error(`client still running after 200 rounds (mutated message ${toHex(mutated() ?? new Uint8Array(0))})`);
}

let rootDer: Uint8Array | undefined;

/** A synchronous connectPair (credentials loaded beforehand; one x25519 share to keep it cheap), for the live target. */
function connectPairSync(opts: Partial<TestServerOptions>, creds: { chain: Uint8Array[]; key: Uint8Array }): TestPair {
  const [clientTransport, serverTransport] = memoryPair();
  // keygenSafeProvider: generateKeyPairSync('x25519') can deadlock Node 20 in a long run (see its doc).
  const ctx = new Context(keygenSafeProvider, { trustAnchors: [rootDer!], keyShareGroups: ['x25519'], now: Date.now });
  const conn = new Connection(ctx, clientTransport, { servername: 'localhost', verifyName: 'localhost' }, {});
  const server = new TestServer(serverTransport, {
    chain: creds.chain,
    key: creds.key,
    provider: keygenSafeProvider,
    ...opts,
  });
  return { conn, server, ctx, clientTransport, serverTransport, sessions: [], messages: [] };
}

/** All targets, with their seeds recorded. */
export async function buildTargets(): Promise<FuzzTarget[]> {
  const c = await buildCorpus();
  const creds = await testCredentials();
  rootDer = creds.root;
  return [
    deframerTarget(c),
    decodersTarget(c),
    extensionsTarget(c),
    sessionPemTarget(c),
    sessionDerTarget(c),
    x509Target(c, creds.chain[0]!),
    liveTarget(c, creds),
  ];
}
