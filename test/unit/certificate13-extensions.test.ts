/**
 * Extensions in the entries of a TLS 1.3 server Certificate (RFC 8446 §4.4.2: they "MUST correspond
 * to ones from the ClientHello"; §4.2: one not specified for Certificate is illegal_parameter, one we
 * did not send unsupported_extension). BoGo SendUnsolicitedOCSPOnCertificate-TLS13,
 * SendUnsolicitedSCTOnCertificate-TLS13, SendUnknownExtensionOnCertificate-TLS13, class F7 in
 * test/bogo/FAILURES.md: these were decoded and ignored.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AlertDescription, alertName } from '../../src/tls/codec/alerts.js';
import { decodeCertificate, encodeCertificateMsg } from '../../src/tls/codec/certificate.js';
import { ExtensionType, type Extension } from '../../src/tls/codec/extensions.js';
import { HandshakeType, frameHandshake } from '../../src/tls/codec/handshake.js';
import { ProtocolVersion } from '../../src/tls/codec/names.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { onHandshake, runHostile } from '../helpers/hostile-server.js';
import { connectPair, handshake } from '../helpers/tls-server.js';

/** A hook adding `ext` to the Certificate entry at `index` (0: the leaf). */
function withEntryExtension(ext: Extension, index = 0) {
  return onHandshake(HandshakeType.certificate, (m) => {
    const msg = decodeCertificate(m.subarray(4), true);
    const entry = msg.entries[index];
    assert.ok(entry, `the chain has an entry ${index}`);
    entry.extensions.push(ext);
    return frameHandshake(HandshakeType.certificate, encodeCertificateMsg(msg, true));
  });
}

const SCT_LIST = Uint8Array.of(0, 4, 0, 2, 0xaa, 0xbb);

for (const [name, ext, index, desc] of [
  [
    'unknown extension 0x007f on the leaf',
    { type: 0x7f, data: new Uint8Array(0) },
    0,
    AlertDescription.unsupported_extension,
  ],
  [
    'signed_certificate_timestamp we did not ask for',
    { type: ExtensionType.signed_certificate_timestamp, data: SCT_LIST },
    0,
    AlertDescription.unsupported_extension,
  ],
  [
    'status_request we did not ask for',
    { type: ExtensionType.status_request, data: Uint8Array.of(1, 0, 0, 1, 0x30) },
    0,
    AlertDescription.unsupported_extension,
  ],
  [
    'key_share (not specified for Certificate)',
    { type: ExtensionType.key_share, data: Uint8Array.of(0, 0x1d, 0, 0) },
    0,
    AlertDescription.illegal_parameter,
  ],
  [
    'an unknown extension on the intermediate',
    { type: 0x7f, data: new Uint8Array(0) },
    1,
    AlertDescription.unsupported_extension,
  ],
] as const) {
  test(`TLS 1.3 Certificate with ${name}: ${alertName(desc)}`, async () => {
    const pair = await connectPair({ version: ProtocolVersion.TLS1_3, mutate: withEntryExtension(ext, index) });
    const out = runHostile(pair);
    assert.equal(out.end, 'failed');
    const f = pair.conn.failure;
    assert.ok(f instanceof TlsAlert, String(f));
    assert.equal(f.description, desc, f.message);
    assert.match(f.message, /in Certificate/);
  });
}

test('TLS 1.3 Certificate with a status_request entry the client asked for (control): accepted', async () => {
  const pair = await connectPair(
    {
      version: ProtocolVersion.TLS1_3,
      mutate: withEntryExtension({ type: ExtensionType.status_request, data: Uint8Array.of(1, 0, 0, 1, 0x30) }),
    },
    { statusRequest: true },
  );
  handshake(pair);
  assert.deepEqual(pair.conn.handshake.info.ocspResponse, Uint8Array.of(0x30));
});
