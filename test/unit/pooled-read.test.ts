/**
 * Socket reads into recycled buffers (src/net/pooled-read.ts, issue 14): over a loopback TCP
 * connection, what a pre-TLS talk reads through the socket's stream, what it gives back with
 * unshift and what comes after reach the SocketTransport intact and in order, although the read
 * buffers of a transfer are read into again once the transport has handed their bytes out.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { connectPooled, PooledReads, READ_SIZE } from '../../src/net/pooled-read.js';
import { SocketTransport } from '../../src/net/socket.js';

/** A loopback server that runs `serve` on its one connection. */
async function server(serve: (s: Socket) => void): Promise<{ srv: Server; port: number }> {
  const srv = createServer(serve);
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return { srv, port: (srv.address() as AddressInfo).port };
}

function connected(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connectPooled({ host: '127.0.0.1', port });
    s.once('connect', () => resolve(s));
    s.once('error', reject);
  });
}

/** Reads everything from `t` until EOF, `max` bytes at most per read, each read used before the next. */
async function drain(t: SocketTransport, max: () => number) {
  const h = createHash('sha256');
  /** The read buffers seen, and how many socket reads went to them (a read's bytes start at offset 0). */
  const buffers = new Set<ArrayBufferLike>();
  let reads = 0;
  let bytes = 0;
  for (;;) {
    const r = t.read(max());
    if ('data' in r) {
      h.update(r.data);
      bytes += r.data.length;
      if (r.data.buffer.byteLength === READ_SIZE) {
        buffers.add(r.data.buffer);
        if (r.data.byteOffset === 0) reads++;
      }
      continue;
    }
    if ('eof' in r) return { hash: h.digest('hex'), bytes, buffers, reads };
    if ('error' in r) throw new Error(r.error);
    await t.wait();
  }
}

test('a 32 MiB download arrives intact through a few recycled read buffers', async () => {
  const block = randomBytes(1 << 20);
  const want = createHash('sha256');
  for (let i = 0; i < 32; i++) want.update(block);
  const { srv, port } = await server((s) => {
    let n = 0;
    const more = (): void => {
      while (n < 32) {
        n++;
        if (!s.write(block)) return void s.once('drain', more);
      }
      s.end();
    };
    more();
  });
  const socket = await connected(port);
  const t = new SocketTransport(socket);
  let i = 0;
  // Record-like reads: a 5-byte header, then a body of up to 16 KiB.
  const got = await drain(t, () => (i++ % 2 ? 5 : 16401));
  socket.destroy();
  srv.close();
  assert.equal(got.bytes, 32 << 20);
  assert.equal(got.hash, want.digest('hex'), 'the same bytes in the same order');
  // Without recycling, every 64 KiB read would have a buffer of its own.
  assert.ok(got.reads >= 64, `${got.reads} reads into 64 KiB read buffers`);
  assert.ok(got.buffers.size < got.reads, `${got.reads} reads went to ${got.buffers.size} buffers`);
});

test('bytes a pre-TLS talk reads and gives back with unshift come first, then the rest, in order', async () => {
  const tail = randomBytes(300_000);
  const { srv, port } = await server((s) => {
    s.write('220 ready\r\nEXTRA');
    s.once('data', () => s.end(tail));
  });
  const socket = await connected(port);
  // A STARTTLS-like reader: the stream in paused mode, the greeting line taken, the rest given back.
  const line = await new Promise<string>((resolve) => {
    let seen = '';
    const onReadable = (): void => {
      for (let c = socket.read() as Buffer | null; c; c = socket.read() as Buffer | null) seen += c.toString('latin1');
      const at = seen.indexOf('\r\n');
      if (at >= 0 && seen.length >= at + 2 + 5) {
        socket.off('readable', onReadable);
        socket.unshift(Buffer.from(seen.slice(at + 2), 'latin1'));
        resolve(seen.slice(0, at));
      }
    };
    socket.on('readable', onReadable);
  });
  assert.equal(line, '220 ready');
  const t = new SocketTransport(socket);
  socket.write('go');
  const got = await drain(t, () => 4096);
  socket.destroy();
  srv.close();
  const want = createHash('sha256').update('EXTRA').update(tail).digest('hex');
  assert.equal(got.bytes, 5 + tail.length);
  assert.equal(got.hash, want, 'the given-back bytes, then the rest');
});

test('while reads come in full, a buffer given back is read into again; after a short read, reads go to the shared buffer', () => {
  const pushed: Buffer[] = [];
  const stream = { push: (b: Buffer) => pushed.push(b) } as unknown as Socket;
  const reads = new PooledReads(stream);
  const shared = reads.next();
  assert.equal(shared.length, READ_SIZE);
  // Before a transport takes over, bytes go to the socket's stream as a copy.
  reads.deliver(3, shared);
  assert.equal(pushed.length, 1);
  assert.notEqual(pushed[0]?.buffer, shared.buffer, 'a copy, not the shared buffer');
  const got: Uint8Array[] = [];
  reads.attach({ received: (bytes) => void got.push(bytes) });
  // A full read into the shared buffer: copied out; the next read goes to a buffer of the connection's own.
  reads.deliver(READ_SIZE, shared);
  assert.notEqual(got[0]?.buffer, shared.buffer, 'copied out of the shared buffer');
  const own = reads.next();
  assert.notEqual(own, shared);
  reads.deliver(READ_SIZE, own);
  assert.equal(got[1]?.buffer, own.buffer, 'lent as it is, not copied');
  const second = reads.next();
  assert.notEqual(second, own, 'a lent buffer is not read into before it is given back');
  reads.release(got[0] ?? new Uint8Array(0)); // a copy: nothing to give back
  reads.release(got[1]?.subarray(100) ?? new Uint8Array(0));
  reads.deliver(READ_SIZE, second);
  assert.equal(reads.next(), own, 'given back, it is read into again');
  // A short read: the peer paused. The next read goes to the shared buffer, and once the transport
  // has handed everything out, the kept buffers go.
  reads.deliver(100, own);
  assert.equal(reads.next(), shared);
  reads.release(got[2] ?? new Uint8Array(0));
  reads.release(got[3] ?? new Uint8Array(0));
  reads.idle();
  reads.deliver(READ_SIZE, shared);
  const fresh = reads.next();
  assert.ok(fresh !== own && fresh !== second && fresh !== shared, 'kept buffers were dropped when idle');
});
