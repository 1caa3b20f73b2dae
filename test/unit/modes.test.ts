/**
 * SSL engine modes over an in-memory transport (spec/openssl-semantics.md §1–§4, Appendix A items
 * 1–6): the SSL_write loop with and without ENABLE_PARTIAL_WRITE (blocking and non-blocking), the
 * pending-write checks (BAD_LENGTH, then BAD_WRITE_RETRY, ACCEPT_MOVING_WRITE_BUFFER), a syscall
 * error in the write retry path (EPIPE, the 3.4+ ERR_LIB_SYS entry), AUTO_RETRY with tickets,
 * KeyUpdate and a TLS 1.2 renegotiation, RELEASE_BUFFERS, the mode API and SSL_get_error's
 * decision order.
 *
 * "Blocking" is a transport that never blocks (capacity Infinity). "Non-blocking" is a
 * MemoryTransport with a capacity (bytes that may sit unread) and a TestServer that reads slowly
 * (readSlowly(4096): at most 4 KB per pump); after WANT_WRITE the test waits for the pipe to drain,
 * as an application waits for POLLOUT / Node's 'drain', and retries with the same buffer and length.
 */
import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { connectPair, handshake, readOnce, type TestPair } from '../helpers/tls-server.js';
import { Connection } from '../../src/tls/connection.js';
import { Context } from '../../src/tls/context.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { memoryPair } from '../../src/net/memory.js';
import { READ_BUFFER_SIZE, WRITE_BUFFER_SIZE } from '../../src/tls/record/buffers.js';
import { AlertDescription, AlertLevel } from '../../src/tls/codec/alerts.js';
import { ExtensionType } from '../../src/tls/codec/extensions.js';
import { Mode, SslError } from '../../src/tls/types.js';
import { toHex, utf8 } from '../../src/tls/codec/bytes.js';

const TOTAL = 100000;
/** 100000 = 6 × 16384 + 1696: seven records. */
const SEVEN = [16384, 16384, 16384, 16384, 16384, 16384, 1696];
const EPIPE = { error: 'EPIPE', errno: 32 };

function payload(n = TOTAL): Uint8Array {
  return new Uint8Array(n).map((_, i) => (i * 131 + 7) & 0xff);
}

async function connected(
  serverOpts: Parameters<typeof connectPair>[0] = {},
  ctx: Parameters<typeof connectPair>[1] = {},
): Promise<TestPair> {
  const pair = await connectPair(serverOpts, ctx);
  handshake(pair);
  return pair;
}

/** Lets the slow server read until everything the client wrote was taken (bounded). */
function drain(pair: TestPair): void {
  for (let i = 0; i < 1000 && pair.serverTransport.incoming.size > 0; i++) pair.server.pump();
  assert.equal(pair.serverTransport.incoming.size, 0, 'the server did not drain the pipe');
}

/** One step of a write loop: "16384", "WANT_WRITE", or the error class. */
type Outcome = number | 'WANT_WRITE';

/**
 * Writes `data` as an application does: after WANT_WRITE it waits (drain) and repeats the call
 * with the same buffer and length; after a success r it goes on with data.subarray(r).
 */
function writeLoop(pair: TestPair, data: Uint8Array, maxCalls = 500): Outcome[] {
  const seq: Outcome[] = [];
  let rest = data;
  for (let i = 0; i < maxCalls && rest.length > 0; i++) {
    const r = pair.conn.write(rest);
    if (r > 0) {
      seq.push(r);
      rest = rest.subarray(r);
      continue;
    }
    const e = pair.conn.getError(r);
    assert.equal(e, SslError.WANT_WRITE, `unexpected ${SslError[e]} ${JSON.stringify(pair.conn.errors)}`);
    seq.push('WANT_WRITE');
    drain(pair);
  }
  assert.equal(rest.length, 0, `write loop did not finish: ${seq.join(' ')}`);
  drain(pair);
  return seq;
}

/** The §2.3 / R2.3 rule: successes are record multiples except the final tail, and sum to the total. */
function assertAccumulation(seq: Outcome[], total = TOTAL, record = 16384): void {
  const ok = seq.filter((v): v is number => v !== 'WANT_WRITE');
  assert.equal(
    ok.reduce((a, b) => a + b, 0),
    total,
    seq.join(' '),
  );
  for (const v of ok.slice(0, -1)) assert.equal(v % record, 0, `${v} is not a multiple of ${record}: ${seq.join(' ')}`);
  assert.equal(ok[ok.length - 1]! % record, total % record, `the last success must carry the tail: ${seq.join(' ')}`);
}

/** A pair blocked in the middle of a 100000-byte write: 1 record flushed (wnum), 1 pending. */
async function blockedWrite(mode = 0): Promise<{ pair: TestPair; data: Uint8Array }> {
  const pair = await connected();
  if (mode) pair.conn.setMode(mode);
  pair.clientTransport.capacity = 25 * 1024;
  pair.server.readSlowly(4096);
  const data = payload();
  const r = pair.conn.write(data);
  assert.equal(r, -1);
  assert.equal(pair.conn.getError(r), SslError.WANT_WRITE);
  drain(pair);
  assert.deepEqual(pair.server.recordsReceived, [16384], 'one record out, the second one pending');
  return { pair, data };
}

describe('Appendix A 1: blocking 100000-byte write (a transport that never blocks)', () => {
  test('default: one call returns 100000, seven records on the wire', async () => {
    const pair = await connected();
    const data = payload();
    assert.equal(pair.conn.write(data), TOTAL);
    pair.server.pump();
    assert.deepEqual(pair.server.recordsReceived, SEVEN);
    assert.equal(toHex(pair.server.received()), toHex(data));
    assert.equal(pair.conn.handshake.info.appBytes.written, TOTAL);
  });

  test('ENABLE_PARTIAL_WRITE: 16384 per call (one record each), seven calls', async () => {
    const pair = await connected();
    pair.conn.setMode(Mode.ENABLE_PARTIAL_WRITE);
    const data = payload();
    const returns: number[] = [];
    let rest = data;
    for (let i = 0; i < 20 && rest.length; i++) {
      const r = pair.conn.write(rest);
      returns.push(r);
      pair.server.pump();
      assert.equal(pair.server.recordsReceived.length, returns.length, 'exactly one record per call');
      rest = rest.subarray(r);
    }
    assert.deepEqual(returns, SEVEN);
    assert.equal(toHex(pair.server.received()), toHex(data));
  });
});

describe('Appendix A 2/3: non-blocking writes (capacity, slow server, retry after drain)', () => {
  test('PARTIAL_WRITE, 25 KiB in flight: 16384, WANT_WRITE, 32768, WANT_WRITE, WANT_WRITE, 49152, 1696', async () => {
    const pair = await connected();
    pair.conn.setMode(Mode.ENABLE_PARTIAL_WRITE);
    pair.clientTransport.capacity = 25 * 1024;
    pair.server.readSlowly(4096);
    const data = payload();
    const seq = writeLoop(pair, data);
    assertAccumulation(seq);
    // The sequence OpenSSL 3.0.19 and 3.4-dev printed on a real socket (§2.3): the success after a
    // WANT_WRITE counts the record(s) finished during the failed attempts plus one new record.
    assert.deepEqual(seq, [16384, 'WANT_WRITE', 32768, 'WANT_WRITE', 'WANT_WRITE', 49152, 1696]);
    assert.deepEqual(pair.server.recordsReceived, SEVEN);
    assert.equal(toHex(pair.server.received()), toHex(data));
  });

  test('PARTIAL_WRITE, 4 KiB capacity: no 16 KB record can complete in the call that sealed it, so the first success is the whole write', async () => {
    const pair = await connected();
    pair.conn.setMode(Mode.ENABLE_PARTIAL_WRITE);
    pair.clientTransport.capacity = 4096;
    pair.server.readSlowly(4096);
    const data = payload();
    const seq = writeLoop(pair, data);
    assertAccumulation(seq);
    const wants = seq.filter((v) => v === 'WANT_WRITE').length;
    assert.ok(wants >= 24, `only ${wants} WANT_WRITE`);
    assert.deepEqual(seq.slice(wants), [TOTAL]);
    assert.equal(toHex(pair.server.received()), toHex(data));
  });

  for (const capacity of [4096, 25 * 1024]) {
    test(`default mode, ${capacity} bytes capacity: WANT_WRITE until the final call returns exactly 100000`, async () => {
      const pair = await connected();
      pair.clientTransport.capacity = capacity;
      pair.server.readSlowly(4096);
      const data = payload();
      const seq = writeLoop(pair, data);
      assert.ok(seq.length > 2, seq.join(' '));
      assert.deepEqual(
        seq.slice(0, -1).filter((v) => v !== 'WANT_WRITE'),
        [],
        'no success before the last call',
      );
      assert.equal(seq[seq.length - 1], TOTAL);
      assert.deepEqual(pair.server.recordsReceived, SEVEN);
      assert.equal(toHex(pair.server.received()), toHex(data));
      assert.equal(pair.conn.handshake.info.appBytes.written, TOTAL);
    });
  }
});

describe('Appendix A 2: the retry must present the same buffer and length (§1.5)', () => {
  test('a copy of the same bytes at a new Uint8Array: fatal SSL error "bad write retry"; the connection is dead', async () => {
    const { pair, data } = await blockedWrite();
    const r = pair.conn.write(data.slice());
    assert.equal(r, -1);
    assert.equal(pair.conn.getError(r), SslError.SSL);
    assert.deepEqual(pair.conn.errors, [{ lib: 'SSL', reason: 'bad write retry' }]);
    // Fatal: even the original buffer is refused now.
    const again = pair.conn.write(data);
    assert.equal(pair.conn.getError(again), SslError.SSL);
    assert.equal(pair.conn.errors[0]?.reason, 'protocol is shutdown');
    // The internal_error alert waits behind the pending record (ssl3_send_alert) and never leaves.
    drain(pair);
    assert.deepEqual(pair.server.alertsReceived, []);
  });

  test('the same retry with ACCEPT_MOVING_WRITE_BUFFER succeeds with exactly 100000', async () => {
    const { pair, data } = await blockedWrite(Mode.ACCEPT_MOVING_WRITE_BUFFER);
    const seq = writeLoop(pair, data.slice());
    assert.deepEqual(
      seq.slice(0, -1).filter((v) => v !== 'WANT_WRITE'),
      [],
    );
    assert.equal(seq[seq.length - 1], TOTAL);
    assert.equal(toHex(pair.server.received()), toHex(data));
  });

  test('ACCEPT_MOVING_WRITE_BUFFER relaxes only the pointer: a shorter retry is still "bad length"', async () => {
    const { pair, data } = await blockedWrite(Mode.ACCEPT_MOVING_WRITE_BUFFER);
    const r = pair.conn.write(data.slice(0, 20000));
    assert.equal(pair.conn.getError(r), SslError.SSL);
    assert.deepEqual(pair.conn.errors, [{ lib: 'SSL', reason: 'bad length' }]);
  });

  test('a retry shorter than done + pending (16384 + 16384) is "bad length", checked before the moved buffer', async () => {
    const { pair, data } = await blockedWrite();
    // Both wrong: a new buffer and too short. BAD_LENGTH is the first check.
    const r = pair.conn.write(data.slice(0, 32767));
    assert.equal(r, -1);
    assert.equal(pair.conn.getError(r), SslError.SSL);
    assert.deepEqual(pair.conn.errors, [{ lib: 'SSL', reason: 'bad length' }]);
    assert.ok(pair.conn.failure, 'fatal');
  });

  test('a shorter length that still covers done + pending passes both checks (OpenSSL accepts it) and completes that length', async () => {
    const { pair, data } = await blockedWrite();
    let r = -1;
    for (let i = 0; i < 50 && r < 0; i++) {
      r = pair.conn.write(data, 40000);
      if (r < 0) {
        assert.equal(pair.conn.getError(r), SslError.WANT_WRITE);
        drain(pair);
      }
    }
    assert.equal(r, 40000);
    drain(pair);
    assert.deepEqual(pair.server.recordsReceived, [16384, 16384, 40000 - 32768]);
    assert.equal(toHex(pair.server.received()), toHex(data.subarray(0, 40000)));
  });
});

describe('Appendix A 4: a syscall error in the write retry path (seed commit 933f57d)', () => {
  test('EPIPE while retrying: -1, SYSCALL, errno 32, one SYS entry; the same bytes are retried, never re-encrypted', async () => {
    const { pair, data } = await blockedWrite();
    pair.clientTransport.writeError = EPIPE;
    const sysEntry = {
      lib: 'SYS',
      reason: 'Broken pipe',
      errno: 32,
      func: 'tls_retry_write_records',
      data: 'tls_retry_write_records failure',
    };

    const r1 = pair.conn.write(data);
    assert.equal(r1, -1);
    assert.equal(pair.conn.getError(r1), SslError.SYSCALL);
    assert.deepEqual(pair.conn.lastErrno, { code: 'EPIPE', errno: 32 });
    assert.deepEqual(pair.conn.errors, [sysEntry]);
    assert.equal(pair.conn.failure, undefined, 'not fatal to the state machine (no SSLfatal, no alert)');

    // The queue is cleared at the start of every call: a read now is a plain WANT_READ.
    const rr = pair.conn.read(new Uint8Array(100));
    assert.equal(rr, -1);
    assert.deepEqual(pair.conn.errors, []);
    assert.equal(pair.conn.getError(rr), SslError.WANT_READ);

    // Second call, same arguments: the transport is tried again and a new SYS entry is queued (not two).
    const r2 = pair.conn.write(data);
    assert.equal(pair.conn.getError(r2), SslError.SYSCALL);
    assert.deepEqual(pair.conn.errors, [sysEntry]);

    // The pending bytes are still there: once the transport works again the retry completes.
    pair.clientTransport.writeError = undefined;
    const seq = writeLoop(pair, data);
    assert.equal(seq[seq.length - 1], TOTAL);
    assert.deepEqual(pair.conn.errors, []);
    // The server decrypted every record (a re-encrypted record would fail its AEAD check).
    assert.equal(pair.server.error, undefined);
    assert.deepEqual(pair.server.recordsReceived, SEVEN);
    assert.equal(toHex(pair.server.received()), toHex(data));
  });

  test('peer vanished before the write: the first record is sealed, fails with EPIPE and stays pending', async () => {
    const pair = await connected();
    pair.clientTransport.writeError = EPIPE;
    const data = payload(1000);
    const r = pair.conn.write(data);
    assert.equal(r, -1);
    assert.equal(pair.conn.getError(r), SslError.SYSCALL);
    assert.equal(pair.conn.errors[0]?.lib, 'SYS');
    assert.equal(pair.conn.errors[0]?.errno, 32);
    // The pending record now binds the retry: a moved buffer is a bad write retry.
    const moved = pair.conn.write(data.slice());
    assert.equal(pair.conn.getError(moved), SslError.SSL);
    assert.equal(pair.conn.errors[0]?.reason, 'bad write retry');
  });

  test('a transport write that takes 0 bytes without would-block: SYSCALL with an empty queue and errno 0 (PR #31021), bytes kept', async () => {
    const { pair, data } = await blockedWrite();
    const write = pair.clientTransport.write.bind(pair.clientTransport);
    pair.clientTransport.write = () => ({ n: 0 });
    const r = pair.conn.write(data);
    assert.equal(r, -1);
    assert.equal(pair.conn.getError(r), SslError.SYSCALL);
    assert.deepEqual(pair.conn.errors, []);
    assert.equal(pair.conn.lastErrno?.errno, 0);
    pair.clientTransport.write = write;
    const seq = writeLoop(pair, data);
    assert.equal(seq[seq.length - 1], TOTAL);
    assert.equal(toHex(pair.server.received()), toHex(data));
  });

  test('ECONNRESET is a SYSCALL error too, with its own errno', async () => {
    const { pair, data } = await blockedWrite();
    pair.clientTransport.writeError = { error: 'ECONNRESET', errno: 104 };
    const r = pair.conn.write(data);
    assert.equal(pair.conn.getError(r), SslError.SYSCALL);
    assert.deepEqual(pair.conn.lastErrno, { code: 'ECONNRESET', errno: 104 });
    assert.equal(pair.conn.errors[0]?.reason, 'Connection reset by peer');
  });
});

describe('Appendix A 5: AUTO_RETRY', () => {
  const hello = utf8('hello');

  test('library default (AUTO_RETRY on): two tickets, then the data directly', async () => {
    const pair = await connected({ tickets: 2 });
    assert.ok(pair.conn.getMode() & Mode.AUTO_RETRY);
    pair.server.send(hello);
    const r = readOnce(pair);
    assert.equal(r.ret, 5);
    assert.deepEqual(r.data, hello);
    assert.equal(pair.conn.handshake.info.tickets, 2);
  });

  test('AUTO_RETRY off: one WANT_READ per ticket (each in its own record), then the data', async () => {
    const pair = await connected({ tickets: 2 });
    pair.conn.clearMode(Mode.AUTO_RETRY);
    pair.server.send(hello);
    const seq: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = readOnce(pair);
      seq.push(r.ret > 0 ? String(r.ret) : `${SslError[r.error]} ${pair.conn.wantReason}`);
    }
    assert.deepEqual(seq, ['WANT_READ NewSessionTicket', 'WANT_READ NewSessionTicket', '5']);
    assert.equal(pair.conn.handshake.info.tickets, 2);
    // Nothing else to read: a transport WANT_READ, with no post-handshake reason.
    const idle = readOnce(pair);
    assert.equal(idle.error, SslError.WANT_READ);
    assert.equal(pair.conn.wantReason, undefined);
  });

  for (const requestPeer of [false, true]) {
    test(`KeyUpdate (update_requested=${requestPeer}): one WANT_READ with AUTO_RETRY off, none with it on`, async () => {
      for (const autoRetry of [false, true]) {
        const pair = await connected();
        if (!autoRetry) pair.conn.clearMode(Mode.AUTO_RETRY);
        pair.server.keyUpdate(requestPeer);
        pair.server.send(hello);
        const seq: string[] = [];
        for (let i = 0; i < 3; i++) {
          const r = readOnce(pair);
          seq.push(r.ret > 0 ? String(r.ret) : `${SslError[r.error]} ${pair.conn.wantReason}`);
          if (r.ret > 0) break;
        }
        assert.deepEqual(seq, autoRetry ? ['5'] : ['WANT_READ KeyUpdate', '5']);
        pair.server.pump();
        assert.equal(pair.server.facts.keyUpdatesReceived, requestPeer ? 1 : 0);
        // Both directions still work under the new keys.
        assert.equal(pair.conn.write(utf8('after')), 5);
        pair.server.pump();
        assert.equal(new TextDecoder().decode(pair.server.received()), 'after');
      }
    });
  }

  test('TLS 1.2 HelloRequest, AUTO_RETRY off: the renegotiation completes inside SSL_read, then one WANT_READ', async () => {
    const pair = await connected({ version: 0x0303 });
    pair.conn.clearMode(Mode.AUTO_RETRY);
    pair.server.helloRequest();
    const seq: string[] = [];
    let data = '';
    for (let i = 0; i < 20 && !data; i++) {
      const r = readOnce(pair);
      if (r.ret > 0) {
        data = new TextDecoder().decode(r.data);
        break;
      }
      assert.equal(r.error, SslError.WANT_READ);
      const reason = pair.conn.wantReason;
      seq.push(reason ?? 'transport');
      if (reason) {
        // The exchange is over when the reason is reported: the server has its Finished.
        assert.equal(pair.server.facts.renegotiations, 1);
        pair.server.send(hello);
      }
    }
    assert.equal(data, 'hello');
    // Transport WANT_READs while waiting for the server's flights (the in-memory link is
    // non-blocking), and exactly one for the completed renegotiation, last.
    assert.deepEqual(
      seq.filter((s) => s !== 'transport'),
      ['renegotiation'],
    );
    assert.equal(seq[seq.length - 1], 'renegotiation');
    assert.equal(pair.server.facts.renegotiations, 1);
  });

  test('TLS 1.2 HelloRequest with AUTO_RETRY on: no post-handshake WANT_READ, the data follows', async () => {
    const pair = await connected({ version: 0x0303 });
    pair.server.helloRequest();
    pair.server.send(hello);
    const reasons: string[] = [];
    let got = 0;
    for (let i = 0; i < 20 && !got; i++) {
      const r = readOnce(pair);
      if (r.ret > 0) got = r.ret;
      else if (pair.conn.wantReason) reasons.push(pair.conn.wantReason);
    }
    assert.equal(got, 5);
    assert.deepEqual(reasons, []);
    for (let i = 0; i < 20 && pair.server.facts.renegotiations === 0; i++) {
      pair.server.pump();
      readOnce(pair);
    }
    assert.equal(pair.server.facts.renegotiations, 1);
  });
});

describe('Appendix A 6: RELEASE_BUFFERS', () => {
  test('the documented sizes: read buffer 5 + 16384 + 2048 = 18437, write buffer 5 + 16384 + 256 = 16645', () => {
    assert.equal(READ_BUFFER_SIZE, 18437);
    assert.equal(WRITE_BUFFER_SIZE, 16645);
  });

  async function idleAfterTraffic(mode: number): Promise<TestPair> {
    const pair = await connected({ tickets: 2 }, { mode: Mode.AUTO_RETRY | mode });
    pair.server.send(utf8('ping'));
    assert.equal(readOnce(pair).ret, 4);
    assert.equal(pair.conn.write(utf8('pong')), 4);
    pair.server.pump();
    const idle = readOnce(pair);
    assert.equal(idle.error, SslError.WANT_READ, 'idle: nothing to read');
    return pair;
  }

  test('without the mode an idle connection holds both buffers', async () => {
    const pair = await idleAfterTraffic(0);
    assert.deepEqual(pair.conn.bufferState(), { readBuffer: READ_BUFFER_SIZE, writeBuffer: WRITE_BUFFER_SIZE });
  });

  test('with the mode an idle connection holds none (after the handshake, tickets, reads, writes and a blocked read)', async () => {
    const pair = await connectPair({ tickets: 2 }, { mode: Mode.AUTO_RETRY | Mode.RELEASE_BUFFERS });
    handshake(pair);
    assert.deepEqual(pair.conn.bufferState(), { readBuffer: 0, writeBuffer: 0 }, 'after the handshake');
    const idle = await idleAfterTraffic(Mode.RELEASE_BUFFERS);
    assert.deepEqual(idle.conn.bufferState(), { readBuffer: 0, writeBuffer: 0 }, 'idle after traffic');
  });

  test('buffers are held while they hold something: a pending write, a partial record', async () => {
    const { pair, data } = await blockedWrite(Mode.RELEASE_BUFFERS);
    assert.ok(pair.conn.bufferState().writeBuffer >= WRITE_BUFFER_SIZE, 'a pending record keeps the write buffer');
    writeLoop(pair, data);
    assert.equal(pair.conn.bufferState().writeBuffer, 0, 'released once flushed');

    // A record that arrives in two pieces: the first piece keeps the read buffer (unprocessed bytes).
    pair.server.send(utf8('split record'));
    const queue = pair.clientTransport.incoming.queue;
    const wire = queue.splice(0, queue.length);
    const all = new Uint8Array(wire.reduce((n, c) => n + c.length, 0));
    let off = 0;
    for (const c of wire) {
      all.set(c, off);
      off += c.length;
    }
    queue.push(all.subarray(0, 10));
    const buf = new Uint8Array(100);
    const first = pair.conn.read(buf);
    assert.equal(pair.conn.getError(first), SslError.WANT_READ);
    assert.equal(pair.conn.bufferState().readBuffer, READ_BUFFER_SIZE);
    queue.push(all.subarray(10));
    assert.equal(pair.conn.read(buf), 12);
    assert.deepEqual(pair.conn.bufferState(), { readBuffer: 0, writeBuffer: 0 });
  });
});

describe('mode API (§2.1)', () => {
  async function bareConnection(ctx: Context): Promise<Connection> {
    const [t] = memoryPair();
    return new Connection(ctx, t, { servername: 'localhost', verifyName: 'localhost' });
  }

  test("a new context has AUTO_RETRY (0x4) only; the bit values are OpenSSL's", () => {
    const ctx = new Context(nodeProvider, { now: Date.now });
    assert.equal(ctx.getMode(), 0x4);
    assert.deepEqual(Mode, {
      ENABLE_PARTIAL_WRITE: 0x1,
      ACCEPT_MOVING_WRITE_BUFFER: 0x2,
      AUTO_RETRY: 0x4,
      RELEASE_BUFFERS: 0x10,
    });
  });

  test('set ORs bits in and returns the mask, clear ANDs them out and returns the mask, get returns it', async () => {
    const ctx = new Context(nodeProvider, { now: Date.now });
    assert.equal(ctx.setMode(Mode.ENABLE_PARTIAL_WRITE), 0x5);
    assert.equal(ctx.setMode(Mode.ENABLE_PARTIAL_WRITE), 0x5, 'idempotent');
    assert.equal(ctx.clearMode(Mode.AUTO_RETRY), 0x1);
    const conn = await bareConnection(ctx);
    assert.equal(conn.getMode(), 0x1);
    assert.equal(conn.setMode(Mode.ACCEPT_MOVING_WRITE_BUFFER | Mode.RELEASE_BUFFERS), 0x13);
    assert.equal(conn.clearMode(Mode.ENABLE_PARTIAL_WRITE), 0x12);
    assert.equal(conn.getMode(), 0x12);
    assert.equal(conn.clearMode(0), 0x12);
  });

  test('a connection copies the context mask once, at creation', async () => {
    const ctx = new Context(nodeProvider, { now: Date.now });
    const before = await bareConnection(ctx);
    ctx.setMode(Mode.RELEASE_BUFFERS);
    const after = await bareConnection(ctx);
    assert.equal(before.getMode(), 0x4);
    assert.equal(after.getMode(), 0x14);
    before.setMode(Mode.ENABLE_PARTIAL_WRITE);
    assert.equal(ctx.getMode(), 0x14, 'a connection change does not reach the context');
  });
});

describe('record sizing (§2.2)', () => {
  test('max_send_fragment 512: application records of at most 512 bytes, PARTIAL_WRITE returns 512 per call', async () => {
    const pair = await connected({}, { maxSendFragment: 512 });
    const data = payload();
    assert.equal(pair.conn.write(data), TOTAL);
    pair.server.pump();
    assert.equal(pair.server.recordsReceived.length, Math.ceil(TOTAL / 512));
    assert.ok(pair.server.recordsReceived.every((n) => n <= 512));
    assert.equal(pair.server.recordsReceived[pair.server.recordsReceived.length - 1], TOTAL % 512);
    assert.equal(toHex(pair.server.received()), toHex(data));
    pair.conn.setMode(Mode.ENABLE_PARTIAL_WRITE);
    assert.equal(pair.conn.write(data.subarray(0, 2000)), 512);
  });

  test('max_send_fragment 512 cuts handshake records too (the ClientHello), as OpenSSL does', async () => {
    const pair = await connectPair({}, { maxSendFragment: 512 });
    const sizes: number[] = [];
    const write = pair.clientTransport.write.bind(pair.clientTransport);
    let wire = new Uint8Array(0);
    pair.clientTransport.write = (bytes) => {
      const r = write(bytes);
      if ('n' in r) {
        const next = new Uint8Array(wire.length + r.n);
        next.set(wire);
        next.set(bytes.subarray(0, r.n), wire.length);
        wire = next;
      }
      return r;
    };
    handshake(pair);
    for (let off = 0; off + 5 <= wire.length; off += 5 + sizes[sizes.length - 1]!)
      sizes.push((wire[off + 3]! << 8) | wire[off + 4]!);
    assert.ok(
      pair.server.clientHellos[0]!.raw.length > 512,
      'the ClientHello (with its ML-KEM share) is longer than 512',
    );
    // Plaintext records ≤ 512; TLS 1.3 protected ones ≤ 512 + 1 (type) + 16 (tag).
    assert.ok(sizes.length > 2 && sizes.every((n) => n <= 512 + 17), sizes.join(' '));
  });

  test('max_fragment_length is offered (code 1..4); while the server does not echo it records stay at 16384', async () => {
    const pair = await connected({}, { maxFragmentLength: 2 });
    const ext = pair.server.clientHellos[0]!.extensions.find((e) => e.type === ExtensionType.max_fragment_length);
    assert.deepEqual(ext && [...ext.data], [2]);
    assert.equal(pair.conn.handshake.info.maxSendFragment, 16384);
    assert.equal(pair.conn.write(payload(20000)), 20000);
    pair.server.pump();
    assert.deepEqual(pair.server.recordsReceived, [16384, 20000 - 16384]);
  });
});

describe('SSL_get_error decision order (§1.4)', () => {
  test('1: ret > 0 is NONE even with an entry on the queue', async () => {
    const { pair, data } = await blockedWrite();
    pair.conn.write(data.slice());
    assert.equal(pair.conn.errors.length, 1);
    assert.equal(pair.conn.getError(1), SslError.NONE);
    assert.equal(pair.conn.getError(-1), SslError.SSL);
  });

  test('2: the queue decides before the want state (SYS → SYSCALL, otherwise SSL)', async () => {
    const { pair, data } = await blockedWrite();
    pair.clientTransport.writeError = EPIPE;
    const r = pair.conn.write(data);
    assert.equal(pair.conn.getError(r), SslError.SYSCALL);
    pair.clientTransport.writeError = undefined;
    const w = pair.conn.write(data);
    assert.equal(pair.conn.getError(w), SslError.WANT_WRITE);
    assert.deepEqual(pair.conn.errors, []);
  });

  test('3/4: WANT_READ while reading, WANT_WRITE while writing', async () => {
    const pair = await connected();
    const r = pair.conn.read(new Uint8Array(10));
    assert.equal(pair.conn.getError(r), SslError.WANT_READ);
    pair.clientTransport.capacity = 0;
    const w = pair.conn.write(utf8('x'));
    assert.equal(pair.conn.getError(w), SslError.WANT_WRITE);
  });

  test('6: close_notify received → read returns 0, ZERO_RETURN (and again on the next call)', async () => {
    const pair = await connected();
    pair.server.closeNotify();
    const r = readOnce(pair);
    assert.equal(r.ret, 0);
    assert.equal(r.error, SslError.ZERO_RETURN);
    assert.equal(readOnce(pair).error, SslError.ZERO_RETURN);
  });

  test('a fatal alert from the peer → SSL with "ssl/tls alert <name>"', async () => {
    const pair = await connected();
    pair.server.sendAlert(AlertLevel.fatal, AlertDescription.handshake_failure);
    const r = readOnce(pair);
    assert.equal(r.ret, -1);
    assert.equal(r.error, SslError.SSL);
    assert.deepEqual(pair.conn.errors, [{ lib: 'SSL', reason: 'ssl/tls alert handshake_failure' }]);
  });

  test('an EOF without close_notify while reading → SSL "unexpected eof while reading" (3.0+)', async () => {
    const pair = await connected();
    pair.server.close();
    const r = readOnce(pair);
    assert.equal(r.error, SslError.SSL);
    assert.deepEqual(pair.conn.errors, [{ lib: 'SSL', reason: 'unexpected eof while reading' }]);
  });

  test('7: anything else → SYSCALL (SSL_write of 0 bytes returns 0 with an empty queue)', async () => {
    const pair = await connected();
    const r = pair.conn.write(new Uint8Array(0));
    assert.equal(r, 0);
    assert.deepEqual(pair.conn.errors, []);
    assert.equal(pair.conn.getError(r), SslError.SYSCALL);
  });
});
