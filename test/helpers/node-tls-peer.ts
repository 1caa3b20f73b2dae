/**
 * A node:tls server on loopback (OpenSSL as Node embeds it, a real peer) pinned to one protocol
 * version, and one connection of ours to it through the CLI's own openLink, unverified (these
 * tests check what goes over the connection, not the chain).
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Context } from '../../src/tls/context.js';
import type { CryptoProvider } from '../../src/tls/crypto/index.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { openLink, type Link } from '../../src/cli/drive.js';
import type { Pki } from './pki.js';

export type NodeTlsVersion = 'TLSv1.2' | 'TLSv1.3';

/** Listening on 127.0.0.1 with the p256 leaf; `onConnection` gets every secure connection. */
export async function listenNodeTls(
  pki: Pki,
  version: NodeTlsVersion,
  onConnection?: (s: TLSSocket) => void,
): Promise<Server> {
  const leaf = pki.leaf('p256');
  const server = createServer({
    cert: readFileSync(leaf.chain),
    key: readFileSync(leaf.key),
    minVersion: version,
    maxVersion: version,
  });
  if (onConnection) server.on('secureConnection', onConnection);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

/** Our connection to `server` at `version`, offering only `suite` (an IANA suite id) when given. */
export async function linkToNodeTls(
  server: Server,
  provider: CryptoProvider,
  version: NodeTlsVersion,
  suite?: number,
): Promise<Link> {
  const v = version === 'TLSv1.2' ? ProtocolVersion.TLS1_2 : ProtocolVersion.TLS1_3;
  const suites =
    suite === undefined ? {} : v === ProtocolVersion.TLS1_2 ? { cipherSuites12: [suite] } : { cipherSuites13: [suite] };
  const ctx = new Context(provider, {
    now: Date.now,
    minVersion: v,
    maxVersion: v,
    trustAnchors: [],
    verifyFailIsFatal: false,
    ...suites,
  });
  return openLink(
    ctx,
    { host: '127.0.0.1', port: (server.address() as AddressInfo).port, connectTimeoutMs: 10000, sndbuf: null },
    { servername: 'localhost', verifyName: null },
    {},
  );
}
