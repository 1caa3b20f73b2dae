/**
 * Connection.peek (SSL_peek; BoGo -peek-then-read) against the in-memory TestServer: the bytes a
 * peek returns stay for the next peek and read, across records, and a read takes them once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { utf8 } from '../../src/tls/codec/bytes.js';
import { SslError } from '../../src/tls/types.js';
import { connectPair, describeFailure, handshake } from '../helpers/tls-server.js';

const text = (b: Uint8Array, n: number): string => new TextDecoder().decode(b.subarray(0, n));

for (const version of [0x0303, 0x0304] as const) {
  test(`${version.toString(16)}: peek leaves the data; read takes it once`, async () => {
    const pair = await connectPair({ version });
    handshake(pair);
    pair.server.send(utf8('hello '));
    pair.server.send(utf8('world'));
    const buf = new Uint8Array(5);
    const n = pair.conn.peek(buf);
    assert.equal(n, 5, describeFailure(pair, n));
    assert.equal(text(buf, n), 'hello');
    const all = new Uint8Array(64);
    const m = pair.conn.peek(all);
    assert.ok(m >= 5, describeFailure(pair, m));
    assert.ok('hello world'.startsWith(text(all, m)), text(all, m));
    let got = '';
    for (let i = 0; i < 10 && got.length < 11; i++) {
      const r = pair.conn.read(all);
      assert.ok(r > 0, describeFailure(pair, r));
      got += text(all, r);
    }
    assert.equal(got, 'hello world');
    const r = pair.conn.peek(all);
    assert.equal(r, -1);
    assert.equal(pair.conn.getError(r), SslError.WANT_READ, 'nothing left to peek at');
  });
}
