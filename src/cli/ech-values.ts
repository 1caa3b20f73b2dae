/**
 * Values of the issue-16 flags, parsed before anything is sent (a bad value is a UsageError: exit 2,
 * one line): --ech-config-list (base64 of an ECHConfigList, or a file holding that base64, the PEM
 * `openssl ech` writes, or the raw list as bssl-tool generate-ech writes it) and --cert-compression.
 */
import { readFileSync, statSync } from 'node:fs';
import { certCompressionByName, type CertCompressionName } from '../tls/codec/sigschemes.js';
import { decodeEchConfigList, echConfigListFromText, echConfigUnusableReason } from '../tls/ech/config.js';
import { TlsAlert } from '../tls/errors.js';
import { fileProblem } from './files.js';
import { listOf, usage } from './option-values.js';

/** Reads a file when `raw` names one; else null (the value is then taken as base64). */
function fileContents(raw: string): Buffer | null {
  try {
    if (!statSync(raw).isFile()) return null;
  } catch {
    return null;
  }
  try {
    return readFileSync(raw);
  } catch (e) {
    throw fileProblem('--ech-config-list', raw, 'read', e);
  }
}

/**
 * The ECHConfigList --ech-config-list gives: a file (PEM, base64 text or the raw list) or base64.
 * It must parse, and at least one config must be usable by this client (RFC 9849 §6.1).
 */
export function parseEchConfigList(raw: string): Uint8Array {
  const file = fileContents(raw);
  let list: Uint8Array;
  try {
    if (file !== null && !/^[\s\x21-\x7e]*$/.test(file.toString('latin1'))) {
      // Binary: the ECHConfigList itself (bssl-tool generate-ech -out-ech-config-list).
      list = new Uint8Array(file);
      decodeEchConfigList(list);
    } else {
      list = echConfigListFromText(file !== null ? file.toString('latin1') : raw);
    }
  } catch (e) {
    if (e instanceof TlsAlert) {
      throw usage(
        `--ech-config-list: ${file !== null ? `${raw} holds` : 'the value is'} no valid ECHConfigList (${e.reason})`,
      );
    }
    throw e;
  }
  const configs = decodeEchConfigList(list);
  if (configs.every((c) => echConfigUnusableReason(c) !== null)) {
    const why = configs.map((c) => echConfigUnusableReason(c)).join('; ');
    throw usage(`--ech-config-list: no usable ECHConfig (${why})`);
  }
  return list;
}

/** --cert-compression zlib,brotli,zstd: algorithm names in preference order. */
export function parseCertCompression(raw: string): CertCompressionName[] {
  return listOf('--cert-compression', raw, /[:,]/).map((n) => {
    const a = certCompressionByName(n);
    if (!a) throw usage(`unknown algorithm '${n}' in --cert-compression (known: zlib, brotli, zstd)`);
    return a.name;
  });
}
