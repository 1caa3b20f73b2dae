#!/usr/bin/env node
/**
 * Certificate verification timing (issue 17 item 6): milliseconds per verifyServerChain call of the
 * built library (dist/), for
 *   - a 10-certificate chain (leaf, 8 intermediates, root anchor), warm: the same DER arrays again
 *     (parse cache hit) and fresh copies each time (what a new handshake sees: every certificate
 *     parsed again);
 *   - hostile inputs, each bounded by a work counter that npm test asserts by count
 *     (test/unit/x509-paths.test.ts): 401 names x 800 name-constraint subtrees, 60 same-name CAs,
 *     a 150-certificate chain of junk.
 * Targets: under 5 ms warm for the 10-certificate chain, no input over 100 ms. Numbers are for
 * reading; nothing asserts on them.
 *
 *   npm run build --silent && node bench/verify.mjs [--rounds 200]
 */
import { fileURLToPath } from 'node:url';
import { tsImport } from 'tsx/esm/api';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 200;
const lib = await import(new URL('../dist/index.js', import.meta.url).href);
const g = await tsImport(fileURLToPath(new URL('../test/helpers/certgen.ts', import.meta.url)), import.meta.url);
const now = new Date('2030-06-01T00:00:00Z');

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Times `fn` `n` times after `warm` warm-up calls: median and max in ms, and the last result. */
function time(fn, n = rounds, warm = 20) {
  for (let i = 0; i < warm; i++) fn();
  const ms = [];
  let last;
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    last = fn();
    ms.push(performance.now() - t);
  }
  return { median: median(ms), max: Math.max(...ms), last };
}

// A 10-certificate chain: root -> ica1 .. ica8 -> leaf.
const root = g.mkRoot('Bench Root');
let issuer = root;
const icas = [];
for (let i = 1; i <= 8; i++) {
  issuer = g.mkCa(`Bench ICA ${i}`, issuer);
  icas.push(issuer);
}
const leaf = g.mkLeaf(issuer);
const chain = [leaf.der, ...icas.reverse().map((c) => c.der)];
const input = (c) => ({ chain: c, anchors: [root.der], hostname: 'localhost', now });

const rows = [];
const row = (name, r, target) => {
  const code = r.last.code;
  rows.push({ name, median: r.median, max: r.max, code, work: r.last.work, target });
};

// First sight: a chain never seen before (no parse, key or signature cache entry), one call each.
{
  const firsts = [];
  let last;
  for (let n = 0; n < 5; n++) {
    const r0 = g.mkRoot(`First Root ${n}`);
    let up = r0;
    const cs = [];
    for (let i = 1; i <= 8; i++) cs.push((up = g.mkCa(`First ICA ${n}.${i}`, up)));
    const c = [g.mkLeaf(up).der, ...cs.reverse().map((x) => x.der)];
    const t = performance.now();
    last = lib.verifyServerChain({ chain: c, anchors: [r0.der], hostname: 'localhost', now });
    firsts.push(performance.now() - t);
  }
  row('10-cert chain, first sight (5 chains)', { median: median(firsts), max: Math.max(...firsts), last }, 5);
}
row(
  '10-cert chain, warm, same arrays',
  time(() => lib.verifyServerChain(input(chain))),
  5,
);
row(
  '10-cert chain, warm, fresh arrays',
  time(() => lib.verifyServerChain(input(chain.map((d) => d.slice())))),
  5,
);

// Hostile 1: names x constraints (the budget stops it).
{
  const k = g.p256();
  const permitted = Array.from({ length: 400 }, (_, i) => g.gn.dns(`n${i}.allowed.test`));
  const excluded = Array.from({ length: 400 }, (_, i) => g.gn.dns(`x${i}.excluded.test`));
  const ca = g.mkCa('NC', root, {
    key: k,
    extensions: [...g.caExts(k, root.key), g.ext.nameConstraints(permitted, excluded)],
  });
  const lk = g.p256();
  const sans = Array.from({ length: 400 }, (_, i) => g.gn.dns(`h${i}.n${i}.allowed.test`));
  const l = g.mkLeaf(ca, { key: lk, extensions: g.withExt(g.leafExts(lk, ca.key), g.ext.san(sans)) });
  const c = [l.der, ca.der];
  row(
    'hostile: 401 names x 800 subtrees',
    time(() => lib.verifyServerChain({ ...input(c), hostname: 'h1.n1.allowed.test' }), 20, 2),
    100,
  );
}
// Hostile 2: 60 same-name CAs (the path and signature bounds stop it).
{
  const evil = g.mkRoot('Evil');
  const ca = g.mkCa('Same', evil);
  const copies = Array.from({ length: 60 }, () =>
    g.mint({ subject: ca.name, issuer: ca.name, key: ca.key, signer: ca.key, extensions: g.caExts(ca.key, ca.key) }),
  );
  const c = [g.mkLeaf(ca).der, ...copies];
  row(
    'hostile: 60 same-name CAs',
    time(() => lib.verifyServerChain(input(c.map((d) => d.slice()))), 20, 2),
    100,
  );
}
// Hostile 3: 150 certificates, the issuer at position 142 (only the first 100 are looked at).
{
  const junk = g.mkLeaf(issuer).der;
  const c = [leaf.der, ...Array.from({ length: 140 }, () => junk.slice()), ...chain.slice(1)];
  row(
    'hostile: 150-cert chain of junk',
    time(() => lib.verifyServerChain(input(c.map((d) => d.slice()))), 20, 2),
    100,
  );
}

console.log(`verifyServerChain, ms per call (median / max of ${rounds} warm calls; hostile: 20 calls)`);
for (const r of rows) {
  // "under 5 ms warm" is a typical (median) call; "no input over 100 ms" is every call (max).
  const verdict = (r.target === 5 ? r.median : r.max) <= r.target ? 'met' : 'NOT met';
  console.log(
    `${r.name.padEnd(38)} ${r.median.toFixed(2).padStart(7)} / ${r.max.toFixed(2).padStart(7)} ms  ` +
      `code ${String(r.code).padStart(2)}  paths ${r.work.paths} sigs ${r.work.signatures} nc ${r.work.nameComparisons}` +
      `  target < ${r.target} ms: ${verdict}`,
  );
}
