#!/usr/bin/env node
/**
 * `npm run demo`: makes a throwaway root CA and a localhost leaf (openssl CLI, temp dir), starts a
 * node:tls server on 127.0.0.1 that answers each line reversed, probes it with the built
 * tls-probe, prints what tls-probe prints, stops the server and exits with tls-probe's exit code.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import tls from 'node:tls';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const CLI = join(ROOT, 'bin', 'tls-probe.js');
const LINE = 'hello from the tls-probe demo';
const REVERSED = [...LINE].reverse().join('');
const CLIENT_LIMIT_MS = 20_000; // the whole tls-probe run
const REPLY_WAIT_MS = 5_000; // how long stdin stays open waiting for the reversed line

function say(text) {
  process.stdout.write(`demo: ${text}\n`);
}

function openssl(args, cwd) {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], timeout: 15_000 });
}

/** A P-256 root CA and a leaf for localhost / 127.0.0.1 signed by it, valid for two days. */
function makePki(dir) {
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  openssl(
    [
      'req',
      '-x509',
      ...ec,
      '-keyout',
      'root.key',
      '-out',
      'root.pem',
      '-days',
      '2',
      '-subj',
      '/CN=tls-probe demo root',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  openssl(['req', ...ec, '-keyout', 'leaf.key', '-out', 'leaf.csr', '-subj', '/CN=localhost'], dir);
  writeFileSync(
    join(dir, 'leaf.ext'),
    [
      'subjectAltName=DNS:localhost,IP:127.0.0.1',
      'basicConstraints=critical,CA:FALSE',
      'keyUsage=critical,digitalSignature',
      'extendedKeyUsage=serverAuth',
      '',
    ].join('\n'),
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      'leaf.csr',
      '-CA',
      'root.pem',
      '-CAkey',
      'root.key',
      '-set_serial',
      String(Date.now()),
      '-days',
      '2',
      '-extfile',
      'leaf.ext',
      '-out',
      'leaf.pem',
    ],
    dir,
  );
  return {
    root: join(dir, 'root.pem'),
    cert: readFileSync(join(dir, 'leaf.pem')),
    key: readFileSync(join(dir, 'leaf.key')),
  };
}

/** A TLS server that answers every line with the line reversed. */
function startServer(cert, key) {
  const sockets = new Set();
  const server = tls.createServer({ cert, key, minVersion: 'TLSv1.2' }, (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    sock.setEncoding('utf8');
    let pending = '';
    sock.on('data', (chunk) => {
      pending += chunk;
      for (let i = pending.indexOf('\n'); i >= 0; i = pending.indexOf('\n')) {
        const line = pending.slice(0, i).replace(/\r$/, '');
        pending = pending.slice(i + 1);
        sock.write(`${[...line].reverse().join('')}\n`);
      }
    });
    sock.on('end', () => sock.end());
  });
  server.on('tlsClientError', () => {});
  const stop = () => {
    for (const s of sockets) s.destroy();
    server.close();
  };
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve({ port: server.address().port, stop }));
  });
}

/** Runs tls-probe against the server, sends LINE, closes stdin once the reply is in (or after a wait). */
function runClient(port, rootPem) {
  const args = [CLI, `127.0.0.1:${port}`, '--cafile', rootPem];
  say(`$ tls-probe 127.0.0.1:${port} --cafile ${rootPem}   (stdin: "${LINE}")`);
  const child = spawn(process.execPath, args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let seen = '';
  const endInput = () => {
    if (!child.stdin.destroyed) child.stdin.end();
  };
  const replyTimer = setTimeout(endInput, REPLY_WAIT_MS);
  const killTimer = setTimeout(() => {
    say(`tls-probe did not finish within ${CLIENT_LIMIT_MS} ms; stopping it`);
    child.kill('SIGKILL');
  }, CLIENT_LIMIT_MS);
  child.stdin.on('error', () => {});
  child.stdin.write(`${LINE}\n`);
  child.stdout.on('data', (d) => {
    process.stdout.write(d);
    seen += d.toString('utf8');
    if (seen.includes(REVERSED)) endInput();
  });
  child.stderr.on('data', (d) => process.stderr.write(d));
  return new Promise((resolve) => {
    child.on('error', (e) => {
      say(`cannot start tls-probe: ${e.message}`);
      resolve(1);
    });
    child.on('close', (code, signal) => {
      clearTimeout(replyTimer);
      clearTimeout(killTimer);
      resolve(code ?? (signal ? 1 : 0));
    });
  });
}

async function main() {
  if (!existsSync(join(ROOT, 'dist', 'cli', 'main.js'))) {
    say('tls-probe is not built: run `npm run build` first (`npm run demo` does it for you)');
    return 1;
  }
  const dir = mkdtempSync(join(tmpdir(), 'tls-probe-demo-'));
  let server = null;
  try {
    let pki;
    try {
      pki = makePki(dir);
    } catch (e) {
      say(`could not create the demo certificates with the openssl command: ${e.message.split('\n')[0]}`);
      return 1;
    }
    server = await startServer(pki.cert, pki.key);
    say(`TLS server on 127.0.0.1:${server.port} answering each line reversed (throwaway CA in ${dir})`);
    const code = await runClient(server.port, pki.root);
    say(`tls-probe exited with status ${code}`);
    return code;
  } finally {
    server?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (e) => {
    say(`failed: ${e?.message ?? e}`);
    process.exitCode = 1;
  },
);
