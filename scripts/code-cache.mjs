/**
 * The training run behind the bundle's V8 code cache (dist/bundle/tls-probe.cjs.cache): one default
 * `tls-probe 127.0.0.1:PORT` run, under TLS_PROBE_WRITE_CODE_CACHE=1, against a node:tls server this
 * build process starts on loopback with a chain it mints here (root, intermediate, P-256 leaf, the
 * shape of the test PKI). bin/tls-probe.js writes the cache at that run's exit, so it holds every
 * function a default handshake with chain verification compiled, not only the top level and option
 * parsing a `--help` run compiles: a cold default run then compiles almost nothing (82 to 69 CPU ms
 * in one interleaved A/B run, node:tls script 75; README "Cold start").
 *
 * scripts/sea.mjs runs the same training through the binary's loader (scripts/sea-main.mjs) from
 * files, with TLS_PROBE_SEA_ASSETS naming them: `launcher` and `env` say which loader and where it
 * writes its cache.
 *
 * Nothing here needs the network beyond loopback or any tool beyond Node: the certificates are DER
 * built with the project's own writer (dist/tls/codec/der.js, so tsc runs first) and signed by
 * node:crypto with keys made for this build.
 */
import { spawn } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

/** RFC 5280 §4.1 with the DER writer of dist/tls/codec/der.js (`der`). */
function certificateWriter(der) {
  const { Tag, ctxTag, derConstructed, derEncodeUint, derTlv } = der;
  const seq = (...c) => derConstructed(Tag.SEQUENCE, c);
  const oid = (dotted) => {
    const [a = 0, b = 0, ...rest] = dotted.split('.').map(Number);
    const out = [];
    for (const arc of [a * 40 + b, ...rest]) {
      const bytes = [arc & 0x7f];
      for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift((v & 0x7f) | 0x80);
      out.push(...bytes);
    }
    return derTlv(Tag.OID, Uint8Array.from(out));
  };
  const utf8 = (s) => new TextEncoder().encode(s);
  const cn = (s) => seq(derConstructed(Tag.SET, [seq(oid('2.5.4.3'), derTlv(Tag.UTF8String, utf8(s)))]));
  const time = (d) => derTlv(Tag.UTCTime, utf8(`${d.toISOString().slice(2, 19).replace(/[-:T]/g, '')}Z`));
  const extension = (id, critical, value) =>
    seq(oid(id), ...(critical ? [derTlv(Tag.BOOLEAN, Uint8Array.of(0xff))] : []), derTlv(Tag.OCTET_STRING, value));
  const keyId = (spki) => createHash('sha1').update(spki).digest();
  const ecdsaSha256 = seq(oid('1.2.840.10045.4.3.2'));

  /** One certificate for `spki`, signed by `issuer` ({ name, key, spki }), or self-signed. */
  return ({ subject, spki, serial, ca, issuer }) => {
    const now = Date.now();
    const exts = [
      extension('2.5.29.19', true, seq(...(ca ? [derTlv(Tag.BOOLEAN, Uint8Array.of(0xff))] : []))),
      // keyUsage: keyCertSign + cRLSign for a CA, digitalSignature for the leaf (§4.2.1.3).
      extension('2.5.29.15', true, derTlv(Tag.BIT_STRING, ca ? Uint8Array.of(1, 0x06) : Uint8Array.of(7, 0x80))),
      extension('2.5.29.14', false, derTlv(Tag.OCTET_STRING, keyId(spki))),
      extension('2.5.29.35', false, seq(derTlv(ctxTag(0, false), keyId(issuer.spki)))),
      ...(ca
        ? []
        : [
            extension('2.5.29.37', false, seq(oid('1.3.6.1.5.5.7.3.1'))),
            extension('2.5.29.17', false, seq(derTlv(ctxTag(2, false), utf8('localhost')))),
          ]),
    ];
    const tbs = seq(
      derTlv(ctxTag(0), derEncodeUint(2)),
      derEncodeUint(serial),
      ecdsaSha256,
      cn(issuer.name),
      seq(time(new Date(now - 3_600_000)), time(new Date(now + 86_400_000))),
      cn(subject),
      spki,
      derTlv(ctxTag(3), seq(...exts)),
    );
    const signature = sign('sha256', tbs, issuer.key);
    return seq(tbs, ecdsaSha256, derTlv(Tag.BIT_STRING, Uint8Array.from([0, ...signature])));
  };
}

const pem = (der) =>
  `-----BEGIN CERTIFICATE-----\n${Buffer.from(der)
    .toString('base64')
    .replace(/.{64}/g, '$&\n')
    .replace(/\n?$/, '\n')}-----END CERTIFICATE-----\n`;

/** A root, an intermediate and a localhost leaf, all P-256, valid from an hour ago for a day. */
async function mintChain(repoRoot) {
  const der = await import(pathToFileURL(join(repoRoot, 'dist', 'tls', 'codec', 'der.js')).href);
  const certificate = certificateWriter(der);
  const party = (name) => {
    const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return { name, key: privateKey, spki: new Uint8Array(publicKey.export({ type: 'spki', format: 'der' })) };
  };
  const root = party('tls-probe build root');
  const ica = party('tls-probe build intermediate');
  const leaf = party('localhost');
  return {
    root: pem(certificate({ subject: root.name, spki: root.spki, serial: 1, ca: true, issuer: root })),
    chain:
      pem(certificate({ subject: leaf.name, spki: leaf.spki, serial: 3, ca: false, issuer: ica })) +
      pem(certificate({ subject: ica.name, spki: ica.spki, serial: 2, ca: true, issuer: root })),
    key: leaf.key.export({ type: 'pkcs8', format: 'pem' }),
  };
}

/**
 * Runs `node launcher 127.0.0.1:PORT --servername localhost --cafile ROOT` with `env` (which sets
 * TLS_PROBE_WRITE_CODE_CACHE) against a loopback node:tls server; resolves when it has exited 0
 * with a verified TLS 1.3 handshake, rejects otherwise (the caller keeps the cache it had).
 */
export async function trainingRun(repoRoot, launcher, env) {
  const { root, chain, key } = await mintChain(repoRoot);
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-cache-'));
  // Like the s_server of a default run: the client closes (its stdin is at EOF), the server follows.
  const server = createServer({ cert: chain, key }, (s) => s.on('error', () => {}));
  try {
    writeFileSync(join(dir, 'root.pem'), root);
    await new Promise((resolve, reject) => server.once('error', reject).listen(0, '127.0.0.1', resolve));
    const args = [launcher, `127.0.0.1:${server.address().port}`, '--servername', 'localhost'];
    // stdin /dev/null, as bench/coldstart.mjs runs it: the run ends when the handshake is done.
    const stdout = await new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [...args, '--cafile', join(dir, 'root.pem')], {
        env,
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 60_000,
      });
      let out = '';
      let errText = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (errText += d));
      child.once('error', reject);
      child.once('close', (code, signal) =>
        code === 0 ? resolve(out) : reject(new Error(`exit ${code ?? signal}: ${errText.trim()}`)),
      );
    });
    if (!/Verification: OK[\s\S]*New, TLSv1\.3, Cipher is /.test(stdout)) {
      throw new Error('the training run did not report a verified TLS 1.3 handshake');
    }
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
