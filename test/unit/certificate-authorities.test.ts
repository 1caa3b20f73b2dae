/**
 * A CertificateRequest's CA names (RFC 8446 §4.2.4 certificate_authorities; RFC 5246 §7.4.4):
 * the extension's list read whole (each a DER Name, at least one byte; the list at least 3), and
 * the report's one-line form of each, with a name that does not parse shown as such instead of
 * failing the handshake (noteCertificateRequest). Interop: test/interop/client-ca-names.test.ts.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writer } from '../../src/tls/codec/bytes.js';
import { readCertificateAuthorities } from '../../src/tls/codec/extensions.js';
import { Tag, derConstructed, derTlv } from '../../src/tls/codec/der.js';
import { AlertDescription } from '../../src/tls/codec/alerts.js';
import { TlsAlert } from '../../src/tls/errors.js';
import { emptyInfo } from '../../src/tls/handshake/info.js';
import { noteCertificateRequest } from '../../src/tls/handshake/negotiated.js';

/** A DER Name of one RDN per [oid bytes, UTF8String value] pair (2.5.4.10 O, 2.5.4.3 CN). */
function name(...attrs: [number[], string][]): Uint8Array {
  return derConstructed(
    Tag.SEQUENCE,
    attrs.map(([oid, v]) =>
      derConstructed(Tag.SET, [
        derConstructed(Tag.SEQUENCE, [
          derTlv(Tag.OID, Uint8Array.from(oid)),
          derTlv(Tag.UTF8String, new TextEncoder().encode(v)),
        ]),
      ]),
    ),
  );
}
const O = [0x55, 0x04, 0x0a];
const CN = [0x55, 0x04, 0x03];

function list(names: Uint8Array[]): Uint8Array {
  return new Writer(64)
    .vec16((l) => names.forEach((n) => l.vec16(n)))
    .finish()
    .slice();
}

test('certificate_authorities: every name of the list, in order', () => {
  const a = name([O, 'Org A'], [CN, 'Root A']);
  const b = name([CN, 'Root B']);
  assert.deepEqual(readCertificateAuthorities(list([a, b])), [a, b]);
});

test('certificate_authorities shorter than 3 bytes, or with an empty name: decode_error', () => {
  for (const bad of [Uint8Array.of(0, 0), Uint8Array.of(0, 2, 0, 0), Uint8Array.of(0, 3, 0, 5, 1)]) {
    assert.throws(
      () => readCertificateAuthorities(bad),
      (e: unknown) => e instanceof TlsAlert && e.description === AlertDescription.decode_error,
    );
  }
});

test("the report's CA names: OpenSSL's one-line form; a name that does not parse is shown as such", () => {
  const info = emptyInfo(null, 16384);
  const names = [name([O, 'Org A'], [CN, 'Root A']), Uint8Array.of(1, 2, 3)];
  noteCertificateRequest(info, new Uint8Array(0), [0x0403, 0x0808], names, { signatureAlgorithms: [0x0804, 0x0403] });
  assert.equal(info.clientCertRequested, true);
  assert.deepEqual(info.clientCaNames, ['O = Org A, CN = Root A', '(unparsable name, 3 bytes)']);
  // SSL_get_shared_sigalgs: the server's list, in its order, cut to the schemes we sign with.
  assert.deepEqual(info.certificateRequest?.sharedSignatureAlgorithms, [0x0403]);
});
