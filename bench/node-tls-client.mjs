#!/usr/bin/env node
// The smallest node:tls client that does what `tls-probe host:port </dev/null` does: one full TLS 1.3
// handshake with certificate verification against a CA file and a host name, one line of report,
// close_notify, exit. bench/coldstart.mjs uses it as the reference a Node-based TLS tool cannot beat.
//
//   node bench/node-tls-client.mjs <host> <port> <cafile> [servername]
import { connect } from 'node:tls';
import { readFileSync } from 'node:fs';

const [host, port, cafile, servername = 'localhost'] = process.argv.slice(2);
if (!host || !port || !cafile) {
  process.stderr.write('usage: node-tls-client.mjs <host> <port> <cafile> [servername]\n');
  process.exit(2);
}

const socket = connect(
  { host, port: Number(port), ca: readFileSync(cafile), servername, minVersion: 'TLSv1.3', rejectUnauthorized: true },
  () => {
    process.stdout.write(
      `New, ${socket.getProtocol()}, Cipher is ${socket.getCipher().standardName}, verified ${socket.authorized}\n`,
    );
    socket.end();
  },
);
socket.on('error', (e) => {
  process.stderr.write(`node-tls-client: ${e.message}\n`);
  process.exitCode = 1;
});
