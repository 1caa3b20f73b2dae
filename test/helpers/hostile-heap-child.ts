/**
 * Child process of test/unit/hostile-heap.test.ts (run with --expose-gc):
 *
 *   node --expose-gc --import tsx test/helpers/hostile-heap-child.ts [connections = 10000]
 *
 * Runs that many hostile in-memory connections in this one process, each ending in a fatal alert
 * from the client, and prints one JSON line: the alerts sent, the number of connections that did
 * not end in exactly one alert, and heapUsed / arrayBuffers after a full GC before and after.
 *
 * Key shares come from keygenSafeProvider (node.ts's own X25519 code, fed a random private key):
 * crypto.generateKeyPairSync('x25519') could deadlock Node 20 under this allocation load (fixed in
 * node.ts by ca18da3, guarded by the second test of test/unit/hostile-heap.test.ts); this run
 * measures memory, so it never depends on that.
 *
 * Most connections replay a recorded server flight (its ServerHello's session-ID echo patched to
 * the new client's, then one hostile edit), so only product code runs; every 20th connection runs
 * a cheap case of the live hostile-server catalogue (HOSTILE_CASES) instead.
 */
import { concat } from '../../src/tls/codec/bytes.js';
import { ExtensionType, selectedVersionExt } from '../../src/tls/codec/extensions.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import { memoryPair } from '../../src/net/memory.js';
import { Context } from '../../src/tls/context.js';
import { Connection } from '../../src/tls/connection.js';
import { SslError } from '../../src/tls/types.js';
import { connectPair, handshake, testCredentials } from './tls-server.js';
import {
  HOSTILE_CASES,
  editServerHello,
  keygenSafeProvider,
  keyShareBody,
  record,
  removeExt,
  runCase,
  setExt,
  type EditableServerHello,
} from './hostile-server.js';

const N = Number(process.argv[2] ?? 10000);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** A recorded server flight: the ServerHello message and the records that follow it. */
interface Flight {
  serverHello: Uint8Array;
  rest: Uint8Array;
}

async function recordFlight(version: 0x0303 | 0x0304): Promise<Flight> {
  let serverHello: Uint8Array | undefined;
  const rest: Uint8Array[] = [];
  let records = 0;
  const pair = await connectPair(
    {
      version,
      provider: keygenSafeProvider,
      mutate: (kind, t, b) => {
        if (kind === 'handshake' && t === HandshakeType.server_hello) serverHello = b.slice();
        if (kind === 'record' && records++ > 0) rest.push(b.slice());
        return b;
      },
    },
    { keyShareGroups: ['x25519'], provider: keygenSafeProvider },
  );
  handshake(pair);
  if (!serverHello) throw new Error('no ServerHello recorded');
  return { serverHello, rest: concat(...rest) };
}

type Edit = {
  name: string;
  sh?: (s: EditableServerHello) => void;
  wire?: (shRecord: Uint8Array, rest: Uint8Array) => Uint8Array;
  tls12?: boolean;
};

/** Hostile edits of a replayed flight; each makes the client send a fatal alert. */
const EDITS: Edit[] = [
  { name: 'suite not offered', sh: (s) => (s.cipherSuite = 0x1304) },
  { name: 'compression 1', sh: (s) => (s.compression = 1) },
  {
    name: 'duplicate key_share',
    sh: (s) => s.extensions.push(s.extensions.find((e) => e.type === ExtensionType.key_share)!),
  },
  {
    name: 'x25519 all zero',
    sh: (s) => setExt(s.extensions, ExtensionType.key_share, keyShareBody(0x001d, new Uint8Array(32))),
  },
  {
    name: 'supported_versions 0x0305',
    sh: (s) => setExt(s.extensions, ExtensionType.supported_versions, selectedVersionExt(0x0305).data),
  },
  { name: 'unsolicited server_name', sh: (s) => s.extensions.push({ type: 0, data: new Uint8Array(0) }) },
  { name: 'replayed encrypted flight (other keys)' },
  {
    name: 'truncated ServerHello body',
    wire: (sh) => record(22, concat(Uint8Array.of(2, 0, 0, sh.length - 9 - 2), sh.subarray(9, sh.length - 2))),
  },
  { name: 'oversized first record', wire: () => concat(record(22, new Uint8Array(16385))) },
  { name: 'EncryptedExtensions first', wire: () => record(22, Uint8Array.of(8, 0, 0, 2, 0, 0)) },
  {
    name: 'legacy_version TLS 1.1',
    sh: (s) => {
      s.legacyVersion = 0x0302;
      removeExt(s.extensions, ExtensionType.supported_versions);
    },
  },
  { name: 'TLS 1.2 flight, signature over other randoms', tls12: true },
];

let root: Uint8Array;

/** One replayed hostile connection; returns the alerts the client sent. */
function replayed(flight13: Flight, flight12: Flight, edit: Edit): string[] {
  const [clientT, serverT] = memoryPair();
  const sent: string[] = [];
  const ctx = new Context(keygenSafeProvider, { trustAnchors: [root], keyShareGroups: ['x25519'], now: Date.now });
  const conn = new Connection(
    ctx,
    clientT,
    { servername: 'localhost', verifyName: 'localhost' },
    {
      message: (m) => {
        if (m.direction === 'sent' && m.contentType === 21) sent.push(m.name.split(' ')[2]!);
      },
    },
  );
  conn.connect();
  const ch = serverT.read(1 << 20);
  if (!('data' in ch)) throw new Error('no ClientHello');
  const sid = ch.data.subarray(44, 44 + ch.data[43]!);
  const flight = edit.tls12 ? flight12 : flight13;
  const sh = editServerHello(flight.serverHello, (s) => {
    s.sessionId = edit.tls12 ? s.sessionId : sid.slice();
    edit.sh?.(s);
  });
  const shRecord = record(22, sh);
  serverT.write(edit.wire ? edit.wire(shRecord, flight.rest) : concat(shRecord, flight.rest));
  for (let i = 0; i < 5; i++) {
    const r = conn.connect();
    if (r === 1) break;
    const e = conn.getError(r);
    if (e !== SslError.WANT_READ && e !== SslError.WANT_WRITE) break;
  }
  conn.free();
  return sent;
}

async function main(): Promise<void> {
  const creds = await testCredentials();
  root = creds.root;
  const flight13 = await recordFlight(0x0304);
  const flight12 = await recordFlight(0x0303);
  const live = HOSTILE_CASES.filter((c) => c.cheap && c.expect !== 'eof' && !c.id.startsWith('post-keyupdate'));
  const alerts: Record<string, number> = {};
  let notOneAlert = 0;
  const examples: string[] = [];
  const one = async (i: number): Promise<void> => {
    let sent: string[];
    let what: string;
    if (i % 20 === 19) {
      const c = live[Math.floor(i / 20) % live.length]!;
      what = c.id;
      sent = (await runCase(c, undefined, { provider: keygenSafeProvider })).outcome.sent;
    } else {
      const edit = EDITS[i % EDITS.length]!;
      what = edit.name;
      sent = replayed(flight13, flight12, edit);
    }
    for (const a of sent) alerts[a] = (alerts[a] ?? 0) + 1;
    if (sent.length !== 1 || sent[0] === 'internal_error') {
      notOneAlert++;
      if (examples.length < 10) examples.push(`${what}: ${JSON.stringify(sent)}`);
    }
  };
  const warmup = Math.min(500, N);
  for (let i = 0; i < warmup; i++) await one(i);
  const fullGc = (): void => {
    for (let k = 0; k < 4; k++) gc!();
  };
  fullGc();
  const before = process.memoryUsage();
  const t0 = performance.now();
  for (const k of Object.keys(alerts)) delete alerts[k];
  notOneAlert = 0;
  examples.length = 0;
  for (let i = 0; i < N; i++) await one(i);
  const ms = performance.now() - t0;
  fullGc();
  const after = process.memoryUsage();
  console.log(
    JSON.stringify({
      connections: N,
      warmup,
      ms: Math.round(ms),
      alerts,
      notOneAlert,
      examples,
      heapUsedBefore: before.heapUsed,
      heapUsedAfter: after.heapUsed,
      heapGrowth: after.heapUsed - before.heapUsed,
      arrayBuffersBefore: before.arrayBuffers,
      arrayBuffersAfter: after.arrayBuffers,
      arrayBuffersGrowth: after.arrayBuffers - before.arrayBuffers,
      rssBefore: before.rss,
      rssAfter: after.rss,
    }),
  );
}

main().then(
  () => process.exit(0),
  (e: unknown) => {
    console.error(e);
    process.exit(1);
  },
);
