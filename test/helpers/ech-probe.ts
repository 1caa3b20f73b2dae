/**
 * A raw ECH first flight, for pinning src/tls/ech against real servers before the handshake uses
 * it: builds ClientHelloInner / ClientHelloOuter with the product's functions, sends the outer
 * hello over TCP, reads the ServerHello (or HelloRetryRequest, then sends the second hello and
 * reads ServerHello), and checks the acceptance confirmations. It stops there (no key schedule).
 *
 * Run in-process (echFirstFlight) or as a script inside a server's network namespace:
 *   node --import tsx test/helpers/ech-probe.ts HOST PORT ECHCONFIGLIST_BASE64 INNER_NAME
 * which prints one JSON line (EchProbeResult).
 */
import { connect } from 'node:net';
import { Writer } from '../../src/tls/codec/bytes.js';
import {
  decodeServerHello,
  encodeClientHello,
  frameHandshake,
  HandshakeType,
  type ClientHello,
} from '../../src/tls/codec/handshake.js';
import { suiteById } from '../../src/tls/codec/names.js';
import { nodeProvider as p } from '../../src/tls/crypto/node.js';
import { EchOffer } from '../../src/tls/ech/client.js';

export interface EchProbeResult {
  /** The server's first answer was a HelloRetryRequest. */
  hrr: boolean;
  /** HRR confirmation matched (null without HRR). */
  hrrAccepted: boolean | null;
  /** ServerHello confirmation matched. */
  accepted: boolean;
  /** The ServerHello's cipher suite and selected group. */
  suite: number;
}

const u16list = (type: number, width: 1 | 2, ids: number[]): { type: number; data: Uint8Array } => {
  const w = new Writer();
  const body = (l: Writer): void => ids.forEach((id) => l.u16(id));
  if (width === 1) w.vec8(body);
  else w.vec16(body);
  return { type, data: w.finish().slice() };
};
const sni = (host: string): { type: number; data: Uint8Array } => ({
  type: 0,
  data: new Writer()
    .vec16((w) => w.u8(0).vec16(new TextEncoder().encode(host)))
    .finish()
    .slice(),
});
const keyShareExt = (group: number, key: Uint8Array): { type: number; data: Uint8Array } => ({
  type: 51,
  data: new Writer()
    .vec16((w) => w.u16(group).vec16(key))
    .finish()
    .slice(),
});

const GROUP_IDS = { x25519: 0x001d, secp256r1: 0x0017, secp384r1: 0x0018 } as const;

/** Reads handshake messages from TLS records arriving on `next()` (plaintext records only). */
class HandshakeReader {
  private buf = new Uint8Array(0);
  private hs = new Uint8Array(0);
  constructor(private readonly next: () => Promise<Uint8Array>) {}
  async message(): Promise<Uint8Array> {
    for (;;) {
      if (this.hs.length >= 4) {
        const len = ((this.hs[1] ?? 0) << 16) | ((this.hs[2] ?? 0) << 8) | (this.hs[3] ?? 0);
        if (this.hs.length >= 4 + len) {
          const m = this.hs.slice(0, 4 + len);
          this.hs = this.hs.slice(4 + len);
          return m;
        }
      }
      while (this.buf.length < 5 || this.buf.length < 5 + (((this.buf[3] ?? 0) << 8) | (this.buf[4] ?? 0))) {
        this.buf = new Uint8Array([...this.buf, ...(await this.next())]);
      }
      const type = this.buf[0];
      const len = ((this.buf[3] ?? 0) << 8) | (this.buf[4] ?? 0);
      const body = this.buf.slice(5, 5 + len);
      this.buf = this.buf.slice(5 + len);
      if (type === 21) throw new Error(`alert ${body[0]}/${body[1]}`);
      if (type === 22) this.hs = new Uint8Array([...this.hs, ...body]);
    }
  }
}

function record(message: Uint8Array): Uint8Array {
  return new Writer().u8(22).u16(0x0301).vec16(message).finish().slice();
}

export async function echFirstFlight(
  host: string,
  port: number,
  configList: Uint8Array,
  innerName: string,
): Promise<EchProbeResult> {
  const offer = EchOffer.create(p, configList);
  if (!offer) throw new Error('no usable ECHConfig');
  const x25519 = p.generateKeyShare('x25519');
  const sessionId = p.randomBytes(32);
  const innerRandom = p.randomBytes(32);
  const groups = u16list(10, 2, [GROUP_IDS.x25519, GROUP_IDS.secp256r1, GROUP_IDS.secp384r1]);
  const sigalgs = u16list(13, 2, [0x0403, 0x0804, 0x0805, 0x0806, 0x0503, 0x0807]);
  const innerExts = (share: { type: number; data: Uint8Array }) => [
    sni(innerName),
    u16list(43, 1, [0x0304]),
    groups,
    sigalgs,
    share,
    EchOffer.innerExtension(),
  ];
  const inner1: ClientHello = {
    legacyVersion: 0x0303,
    random: innerRandom,
    sessionId,
    cipherSuites: [0x1301, 0x1302, 0x1303],
    extensions: innerExts(keyShareExt(GROUP_IDS.x25519, x25519.publicKey)),
  };
  const compress = [10, 13, 51];
  const outerBase = (share: { type: number; data: Uint8Array }): ClientHello => ({
    legacyVersion: 0x0303,
    random: p.randomBytes(32),
    sessionId,
    cipherSuites: [0x1301, 0x1302, 0x1303],
    extensions: [sni(offer.publicName), u16list(43, 1, [0x0304, 0x0303]), groups, sigalgs, share],
  });
  const outer1 = offer.seal(inner1, outerBase(keyShareExt(GROUP_IDS.x25519, x25519.publicKey)), compress);

  const sock = connect({ host, port });
  const chunks: Uint8Array[] = [];
  let waiter: ((b: Uint8Array) => void) | undefined;
  let failed: Error | undefined;
  let failWaiter: ((e: Error) => void) | undefined;
  sock.on('data', (d: Buffer) => {
    const b = new Uint8Array(d);
    if (waiter) {
      const w = waiter;
      waiter = undefined;
      w(b);
    } else chunks.push(b);
  });
  const onEnd = (e: Error): void => {
    failed = e;
    failWaiter?.(e);
  };
  sock.on('error', onEnd);
  sock.on('close', () => onEnd(new Error('connection closed')));
  const next = (): Promise<Uint8Array> => {
    const c = chunks.shift();
    if (c) return Promise.resolve(c);
    if (failed) return Promise.reject(failed);
    return new Promise((resolve, reject) => {
      waiter = resolve;
      failWaiter = reject;
    });
  };
  try {
    await new Promise<void>((resolve, reject) => {
      sock.once('connect', resolve);
      sock.once('error', reject);
    });
    sock.write(record(frameHandshake(HandshakeType.client_hello, encodeClientHello(outer1))));
    const reader = new HandshakeReader(next);
    let sh = await reader.message();
    let decoded = decodeServerHello(sh.subarray(4));
    const hashOf = (id: number): 'sha256' | 'sha384' => (suiteById(id)?.hash === 'sha384' ? 'sha384' : 'sha256');
    let hrrAccepted: boolean | null = null;
    if (decoded.isHrr) {
      hrrAccepted = offer.helloRetryRequest(hashOf(decoded.cipherSuite), sh);
      const ksExt = decoded.extensions.find((e) => e.type === 51);
      const selected = ((ksExt?.data[0] ?? 0) << 8) | (ksExt?.data[1] ?? 0);
      const groupName = (Object.keys(GROUP_IDS) as (keyof typeof GROUP_IDS)[]).find((k) => GROUP_IDS[k] === selected);
      if (!groupName) throw new Error(`HRR selected group 0x${selected.toString(16)}`);
      const share2 = keyShareExt(selected, p.generateKeyShare(groupName).publicKey);
      const inner2: ClientHello = { ...inner1, extensions: innerExts(share2) };
      const outer2 = offer.seal(inner2, outerBase(share2), compress);
      sock.write(record(frameHandshake(HandshakeType.client_hello, encodeClientHello(outer2))));
      sh = await reader.message();
      decoded = decodeServerHello(sh.subarray(4));
    }
    const accepted = offer.serverHello(hashOf(decoded.cipherSuite), sh, hrrAccepted);
    if (offer.seals !== (hrrAccepted === null ? 1 : 2)) throw new Error(`ECH made ${offer.seals} HPKE seals`);
    return { hrr: hrrAccepted !== null, hrrAccepted, accepted, suite: decoded.cipherSuite };
  } finally {
    sock.destroy();
  }
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop() ?? '\0')) {
  const [host, port, b64, name] = process.argv.slice(2);
  echFirstFlight(
    host ?? '127.0.0.1',
    Number(port),
    new Uint8Array(Buffer.from(b64 ?? '', 'base64')),
    name ?? 'localhost',
  )
    .then((r) => console.log(JSON.stringify(r)))
    .catch((e: unknown) => {
      console.log(JSON.stringify({ error: e instanceof Error ? e.message : String(e) }));
      process.exitCode = 1;
    });
}
