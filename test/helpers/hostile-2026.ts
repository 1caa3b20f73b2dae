/**
 * Hostile servers for the issue-16 groups (cases in the shape of hostile-server.ts's catalogue, run
 * in memory by test/unit/hostile-2026.test.ts and through the CLI by test/cli/hostile-2026-cli.test.ts): the
 * key-share validation the drafts require ends in the right alert, sent by the client and
 * received by the server: an ML-KEM ciphertext one byte short (hybrid and pure), an EC point off
 * the curve inside a hybrid share, and a corrupted ciphertext of the right length (FIPS 203
 * implicit rejection: wrong keys, bad_record_mac). Each group also completes a clean handshake.
 */
import assert from 'node:assert/strict';
import { Reader, concat } from '../../src/tls/codec/bytes.js';
import { ExtensionType, findExtension } from '../../src/tls/codec/extensions.js';
import { HandshakeType } from '../../src/tls/codec/handshake.js';
import type { GroupName } from '../../src/tls/codec/names.js';
import { PQ_GROUPS, type PqGroup } from '../../src/tls/crypto/hybrid.js';
import { editServerHello, flipByte, keyShareBody, onHandshake, setExt, type HostileCase } from './hostile-server.js';

/** Edits the ServerHello's key share (group id, share bytes) into a new share. */
const editShare = (fn: (share: Uint8Array) => Uint8Array) =>
  onHandshake(HandshakeType.server_hello, (m) =>
    editServerHello(m, (s) => {
      const ext = findExtension(s.extensions, ExtensionType.key_share);
      assert.ok(ext);
      const ks = new Reader(ext.data);
      const g = ks.u16();
      setExt(s.extensions, ExtensionType.key_share, keyShareBody(g, fn(ks.vec16())));
    }),
  );

const only = (g: GroupName) => ({ groups: [g], keyShareGroups: [g] });

/** The share with its ML-KEM ciphertext one byte short (the byte after the EC part is dropped). */
function shortCiphertext(group: PqGroup): (share: Uint8Array) => Uint8Array {
  const ec = PQ_GROUPS[group].ec?.pointLength ?? 0;
  return (share) => concat(share.subarray(0, ec), share.subarray(ec + 1));
}

export const CASES_2026: HostileCase[] = [
  ...(['SecP256r1MLKEM768', 'SecP384r1MLKEM1024', 'MLKEM768', 'MLKEM1024'] as const).flatMap((g): HostileCase[] => [
    {
      id: `ks-${g}-ok`,
      title: `${g}: a correct share (control)`,
      expect: null,
      ref: 'draft-ietf-tls-ecdhe-mlkem / draft-ietf-tls-mlkem',
      setup: () => ({ server: { group: g }, client: only(g) }),
    },
    {
      id: `ks-${g}-short`,
      title: `${g} share with a truncated ML-KEM ciphertext`,
      expect: 'illegal_parameter',
      ref: 'draft-ietf-tls-ecdhe-mlkem §3 / FIPS 203 (length check)',
      setup: () => ({ server: { group: g, mutate: editShare(shortCiphertext(g)) }, client: only(g) }),
    },
    {
      id: `ks-${g}-garbage`,
      title: `${g} share with a corrupted ML-KEM ciphertext of the right length`,
      expect: 'bad_record_mac',
      ref: 'FIPS 203 implicit rejection: wrong keys, the first encrypted record fails',
      // The alert is sealed under the client's handshake keys, which the server does not share.
      serverCannotRead: true,
      setup: () => ({
        server: { group: g, mutate: editShare((s) => flipByte(s, s.length - 100)) },
        client: only(g),
      }),
    },
  ]),
  ...(['SecP256r1MLKEM768', 'SecP384r1MLKEM1024'] as const).map((g): HostileCase => ({
    id: `ks-${g}-off-curve`,
    title: `${g} share whose EC point is off the curve`,
    expect: 'illegal_parameter',
    ref: 'draft-ietf-tls-ecdhe-mlkem §3 / RFC 8446 §4.2.8.2',
    setup: () => ({
      server: {
        group: g,
        mutate: editShare((s) => {
          const at = (PQ_GROUPS[g].ec?.pointLength ?? 1) - 1;
          return flipByte(s, at);
        }),
      },
      client: only(g),
    }),
  })),
];
