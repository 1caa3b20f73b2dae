#!/usr/bin/env node
// The same job as bench/node-tls-client.mjs, done by @reclaimprotocol/tls (the other TypeScript
// TLS 1.2/1.3 client): one full TLS 1.3 handshake verified against a CA file and a host name, one
// line of report, close_notify, exit. Its README's minimal script, with the crypto implementation
// it names: `purejs-crypto` (on @noble, what the issue compares with) or `webcrypto`.
//
//   node bench/reclaim-client.mjs <host> <port> <cafile> [servername] [--crypto purejs|webcrypto]
//
// bench/run.mjs times it as a whole process, like bench/coldstart.mjs times the other contenders.
import { Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { peerDir } from '../scripts/peers-cache.mjs';

const argv = process.argv.slice(2);
const ci = argv.indexOf('--crypto');
const which = ci >= 0 ? argv.splice(ci, 2)[1] : 'purejs';
const [host, port, cafile, servername = 'localhost'] = argv;
if (!host || !port || !cafile || (which !== 'purejs' && which !== 'webcrypto')) {
  process.stderr.write('usage: reclaim-client.mjs <host> <port> <cafile> [servername] [--crypto purejs|webcrypto]\n');
  process.exit(2);
}

// Not a devDependency: `npm run bench` installs it into the peers cache (scripts/peers-cache.mjs).
const fromCache = createRequire(join(peerDir('bench'), 'package.json'));
const load = (spec) => import(pathToFileURL(fromCache.resolve(spec)).href);
const { makeTLSClient, setCryptoImplementation, loadX509FromPem } = await load('@reclaimprotocol/tls');
if (which === 'purejs') setCryptoImplementation((await load('@reclaimprotocol/tls/purejs-crypto')).pureJsCrypto);
else setCryptoImplementation((await load('@reclaimprotocol/tls/webcrypto')).webcryptoCrypto);

const pems = readFileSync(cafile, 'utf8').match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
const socket = new Socket();
let handshaken = false;
const tls = makeTLSClient({
  host: servername,
  verifyServerCertificate: true,
  rootCAs: pems.map((p) => loadX509FromPem(p)),
  supportedProtocolVersions: ['TLS1_3'],
  // Its default logger prints every handshake step with console.info; keep warnings and errors.
  logger: { trace() {}, debug() {}, info() {}, warn() {}, error: (...a) => console.error(...a) },
  write({ header, content }) {
    socket.write(header);
    socket.write(content);
  },
  async onHandshake() {
    handshaken = true;
    const m = tls.getMetadata();
    process.stdout.write(`New, ${m.version}, Cipher is ${m.cipherSuite}, group ${m.keyType}, verified true\n`);
    await tls.end();
    socket.end();
  },
  onTlsEnd(error) {
    if (error && !handshaken) {
      process.stderr.write(`reclaim-client: ${error.message}\n`);
      process.exitCode = 1;
      socket.destroy();
    }
  },
});
socket.on('data', (d) =>
  tls.handleReceivedBytes(d).catch((e) => {
    process.stderr.write(`reclaim-client: ${e.message}\n`);
    process.exitCode = 1;
    socket.destroy();
  }),
);
socket.once('connect', () => tls.startHandshake());
socket.once('error', (e) => {
  process.stderr.write(`reclaim-client: ${e.message}\n`);
  process.exitCode = 1;
});
socket.once('close', () => {
  if (!handshaken) {
    process.stderr.write('reclaim-client: closed before the handshake completed\n');
    process.exitCode = 1;
  }
});
socket.connect({ host, port: Number(port) });
