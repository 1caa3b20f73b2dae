/**
 * The issue-16 hostile servers (test/helpers/hostile-2026.ts) in memory: each ends in the expected
 * alert, sent by the client and received by the server (or, sealed under handshake keys the server
 * does not share, unreadable to it); the control cases complete.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { runCase } from '../helpers/hostile-server.js';
import { CASES_2026 } from '../helpers/hostile-2026.js';
import { CASES_ECH } from '../helpers/hostile-ech.js';

for (const c of [...CASES_2026, ...CASES_ECH]) {
  test(`${c.title} → ${c.expect ?? 'handshake completes'} (${c.ref})`, { timeout: 30_000 }, async () => {
    const { outcome } = await runCase(c);
    const why = `end=${outcome.end} sent=${JSON.stringify(outcome.sent)} failure=${outcome.failure?.message ?? 'none'}`;
    if (c.expect === null) {
      assert.notEqual(outcome.end, 'failed', why);
      assert.deepEqual(outcome.sent, [], why);
      return;
    }
    assert.equal(outcome.end, 'failed', why);
    assert.deepEqual(outcome.sent, [c.expect], why);
    if (c.serverCannotRead) assert.deepEqual(outcome.serverReceived, [], why);
    else assert.ok(outcome.serverReceived.includes(c.expect), why);
  });
}
