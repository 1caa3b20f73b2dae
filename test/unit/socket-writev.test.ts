/**
 * SocketTransport.writev on a real loopback socket: chunks that lie next to each other in memory
 * (records sealed one after another into the native AEAD's arena) go to the socket as one write,
 * while each is still taken or refused as if written alone; an emulated --sndbuf gets them one by
 * one. The server checks that the bytes arrive whole and in order.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import { SocketTransport } from '../../src/net/socket.js';

/** A loopback socket whose peer collects what it reads; `received()` resolves at our FIN. */
async function pair(): Promise<{ socket: Socket; received: () => Promise<Buffer>; close: () => void }> {
  let got: Promise<Buffer> = Promise.resolve(Buffer.alloc(0));
  const srv = createServer((s) => {
    const parts: Buffer[] = [];
    got = new Promise((resolve) => {
      s.on('data', (d) => parts.push(d));
      s.on('end', () => resolve(Buffer.concat(parts)));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const socket = connect((srv.address() as AddressInfo).port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  await new Promise((r) => setImmediate(r));
  return { socket, received: () => got, close: () => srv.close() };
}

/** Counts the socket's stream writes. */
function countWrites(socket: Socket): () => number {
  let n = 0;
  const write = socket.write.bind(socket) as (...a: unknown[]) => boolean;
  (socket as unknown as { write: (...a: unknown[]) => boolean }).write = (...a) => {
    n++;
    return write(...a);
  };
  return () => n;
}

const mem = randomBytes(3000);
const [a, b, c] = [0, 1, 2].map((i) => new Uint8Array(mem.buffer, mem.byteOffset + i * 1000, 1000)) as [
  Uint8Array,
  Uint8Array,
  Uint8Array,
];
const apart = new Uint8Array(randomBytes(500));

test('adjacent chunks go to the socket as one write, a chunk elsewhere as another; the bytes arrive in order', async () => {
  const p = await pair();
  const writes = countWrites(p.socket);
  const t = new SocketTransport(p.socket);
  assert.deepEqual(t.writev([a, b, c, apart]), { n: 3500 });
  assert.equal(writes(), 2);
  p.socket.end();
  assert.deepEqual(await p.received(), Buffer.concat([mem, apart]));
  p.close();
});

test('joined or not, each chunk is taken while fewer than sndbuf bytes are queued, as if written alone', async () => {
  const p = await pair();
  const t = new SocketTransport(p.socket, 1500);
  // a is taken at 0 queued, b at 1000 (< 1500), c not at 2000: a short count of two chunks.
  assert.deepEqual(t.writev([a, b, c]), { n: 2000 });
  p.socket.end();
  assert.deepEqual(await p.received(), mem.subarray(0, 2000));
  p.close();
});

test('an emulated --sndbuf gets adjacent chunks one by one (its write callbacks count each)', async () => {
  const p = await pair();
  const writes = countWrites(p.socket);
  const t = new SocketTransport(p.socket, 4096, true);
  assert.deepEqual(t.writev([a, b]), { n: 2000 });
  assert.equal(writes(), 2);
  p.socket.end();
  assert.deepEqual(await p.received(), mem.subarray(0, 2000));
  p.close();
});
