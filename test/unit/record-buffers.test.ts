/**
 * The bulk paths of the record buffers (issue 14): records sealed in parts (header, ciphertext,
 * tag) queued without a copy and handed to a writev transport as one chunk each, short counts
 * that end inside a record, and the reader opening a record that came whole in one transport
 * read where it lies. In-memory transports only: this is our own buffering.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { RecordReader, WriteBuffer } from '../../src/tls/record/buffers.js';
import { ContentType, RECORD_HEADER, Tls13Protection } from '../../src/tls/record/protection.js';
import { nodeProvider } from '../../src/tls/crypto/index.js';
import { MemoryPipe, MemoryTransport } from '../../src/net/memory.js';
import type { Transport, TransportRead, TransportWrite } from '../../src/tls/types.js';

const KEY = new Uint8Array(randomBytes(16));
const IV = new Uint8Array(randomBytes(12));
const protection = () => new Tls13Protection(nodeProvider, 'AES-128-GCM', KEY, IV);

/** A writev transport that takes at most `quota` bytes per call (as a short sendmsg) and keeps what it took. */
class ShortWritev implements Transport {
  readonly wire: number[] = [];
  readonly calls: (Uint8Array | readonly Uint8Array[])[][] = [];
  constructor(private readonly quota: number) {}
  write(bytes: Uint8Array): TransportWrite {
    return this.writev([bytes]);
  }
  writev(chunks: readonly (Uint8Array | readonly Uint8Array[])[]): TransportWrite {
    this.calls.push([...chunks]);
    let n = 0;
    for (const c of chunks) {
      for (const p of c instanceof Uint8Array ? [c] : c) {
        const take = Math.min(p.length, this.quota - n);
        this.wire.push(...p.subarray(0, take));
        n += take;
        if (n === this.quota) return { n };
      }
    }
    return { n };
  }
  read(): TransportRead {
    return { wouldBlock: true };
  }
}

/** Opens every record of `wire` with a fresh protection; returns the plaintexts. */
function openAll(wire: Uint8Array): Uint8Array[] {
  const p = protection();
  const out: Uint8Array[] = [];
  for (let at = 0; at < wire.length;) {
    const len = ((wire[at + 3] ?? 0) << 8) | (wire[at + 4] ?? 0);
    const r = p.open(wire[at] ?? 0, 0x0303, wire.subarray(at + RECORD_HEADER, at + RECORD_HEADER + len));
    assert.equal(r.type, ContentType.application_data);
    out.push(r.fragment);
    at += RECORD_HEADER + len;
  }
  return out;
}

test('a record sealed in parts is the same bytes as the record sealed whole: header, ciphertext, type and tag', () => {
  const inParts = protection();
  const whole = protection();
  for (const d of [randomBytes(16384), randomBytes(1000), randomBytes(1), new Uint8Array(0)]) {
    const parts = inParts.sealParts(ContentType.application_data, d, 0x0303);
    assert.equal(parts.length, d.length ? 3 : 2, 'header, ciphertext (when there is content), then type and tag');
    assert.equal(parts[0]?.length, RECORD_HEADER);
    assert.deepEqual(Buffer.concat(parts), Buffer.from(whole.seal(ContentType.application_data, d, 0x0303)));
  }
});

test('a writev transport gets one chunk per record, in parts; short counts inside a record are resumed', () => {
  const seal = protection();
  const data = [randomBytes(16384), randomBytes(1000), randomBytes(3000)];
  const out = new WriteBuffer();
  for (const d of data) out.appendParts(seal.sealParts(ContentType.application_data, d, 0x0303));
  assert.equal(out.records, 3);
  const t = new ShortWritev(7000);
  assert.equal(out.flush(t), 'done');
  const first = t.calls[0] ?? [];
  assert.equal(first.length, 3, 'the first writev offers the three records');
  assert.ok(
    first.every((c) => !(c instanceof Uint8Array) && c.length === 3),
    'each record as its three parts, not joined',
  );
  assert.ok(t.calls.length >= 3, `20 KiB at 7000 bytes a call takes several calls (${t.calls.length})`);
  assert.equal(out.pending, 0);
  assert.equal(out.records, 0);
  assert.deepEqual(openAll(Uint8Array.from(t.wire)).map(Buffer.from), data);
});

test('dropLast drops whole records not yet started and refuses one the transport has begun', () => {
  const seal = protection();
  const out = new WriteBuffer();
  for (let i = 0; i < 3; i++) out.appendParts(seal.sealParts(ContentType.application_data, randomBytes(2000), 0x0303));
  const t = new ShortWritev(10);
  // A transport that takes 10 bytes and then would block.
  const once: Transport = {
    ...t,
    write: (b) => t.write(b),
    read: () => t.read(),
    writev: (c) => (t.wire.length ? { wouldBlock: true } : t.writev(c)),
  };
  assert.equal(out.flush(once), 'block');
  assert.equal(out.records, 3);
  assert.throws(() => out.dropLast(3), RangeError, 'the first record has 10 bytes on the wire');
  out.dropLast(2);
  assert.equal(out.records, 1);
  assert.equal(out.pending, RECORD_HEADER + 2000 + 1 + 16 - 10);
  assert.equal(out.flush(new ShortWritev(100_000)), 'done');
});

test('a transport without writev is offered the rest of the first record in one array', () => {
  const seal = protection();
  const out = new WriteBuffer();
  const sizes = [16384, 10, 500];
  for (const n of sizes) out.appendParts(seal.sealParts(ContentType.application_data, randomBytes(n), 0x0303));
  const sink = new MemoryPipe();
  const t = new MemoryTransport(new MemoryPipe(), sink);
  assert.equal(out.flush(t), 'done');
  assert.deepEqual(
    sink.queue.map((c) => c.length),
    sizes.map((n) => RECORD_HEADER + n + 1 + 16),
    'one write per whole record',
  );
});

/** Sealed records of `sizes` bytes of content, one wire array, and the contents. */
function wireOf(sizes: number[]): { wire: Uint8Array; data: Uint8Array[] } {
  const seal = protection();
  const data = sizes.map((n) => new Uint8Array(randomBytes(n)));
  return { wire: Buffer.concat(data.map((d) => seal.seal(ContentType.application_data, d, 0x0303))), data };
}

/** Reads every record `reader` returns from `t`, opened; stops at would-block. */
function readRecords(reader: RecordReader, t: MemoryTransport): { bodies: Uint8Array[]; plain: Uint8Array[] } {
  const p = protection();
  const bodies: Uint8Array[] = [];
  const plain: Uint8Array[] = [];
  for (;;) {
    const r = reader.next(t);
    if (typeof r === 'string' || 'error' in r) return { bodies, plain };
    bodies.push(r.body);
    plain.push(p.open(r.type, r.version, r.body).fragment);
  }
}

test('the reader returns the same records whatever the transport reads are cut at', () => {
  const { wire, data } = wireOf([16384, 1, 700, 16384, 3]);
  for (const cut of [1, 5, 7, 4096, 16406, 65536]) {
    const incoming = new MemoryPipe();
    for (let at = 0; at < wire.length; at += cut) incoming.queue.push(wire.slice(at, at + cut));
    const { plain } = readRecords(new RecordReader(), new MemoryTransport(incoming, new MemoryPipe()));
    assert.deepEqual(plain.map(Buffer.from), data.map(Buffer.from), `reads of ${cut} bytes`);
  }
});

test('a record that comes whole in one transport read is opened where it lies, without a copy', () => {
  const { wire, data } = wireOf([1000, 2000]);
  const incoming = new MemoryPipe();
  incoming.queue.push(wire);
  const reader = new RecordReader();
  const { bodies, plain } = readRecords(reader, new MemoryTransport(incoming, new MemoryPipe()));
  assert.deepEqual(plain.map(Buffer.from), data.map(Buffer.from));
  assert.ok(
    bodies.every((b) => b.buffer === wire.buffer),
    'both bodies are views of the transport chunk',
  );
  assert.equal((bodies[1]?.byteOffset ?? 0) - wire.byteOffset, RECORD_HEADER + 1000 + 17 + RECORD_HEADER);
  assert.equal(reader.buffered, 0);
});
