/** Small helpers for the handshake code. */

/** Plain byte equality for public values (use constantTimeEqual for secrets and MACs). */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
