/**
 * The ECH flags (RFC 9849; spec/cli.md "2026 TLS"): --ech-config-list, --ech-outer-sni and
 * --ech-grease, declared and checked here. A bad value is a usage error (exit 2) before anything
 * is sent; the values become ContextOptions.ech in context.ts.
 */
import type { Command } from 'commander';
import { ProtocolVersion } from '../tls/codec/names.js';
import { validPublicName } from '../tls/ech/config.js';
import { parseEchConfigList } from './ech-values.js';
import { usage } from './option-values.js';
import type { EchCliOptions } from './cli-options.js';

/** Declares the ECH flags, in the order --help lists them. */
export function addEchOptions(p: Command): void {
  p.option(
    '--ech-config-list <base64|file>',
    'offer Encrypted Client Hello (RFC 9849) with this ECHConfigList: base64, or a file (base64, the PEM `openssl ech` writes, or the raw list); exit 6 when the server does not accept it',
  );
  p.option('--ech-outer-sni <name>', "the outer ClientHello's server name (default: the config's public_name)");
  p.option('--ech-grease', 'send a GREASE encrypted_client_hello extension (RFC 9849 §6.2)');
}

/** Checks the ECH flags against each other and the version range. */
export function echOptions(o: Record<string, unknown>, maxVersion: number): EchCliOptions {
  const raw = typeof o['echConfigList'] === 'string' ? o['echConfigList'] : null;
  const outer = typeof o['echOuterSni'] === 'string' ? o['echOuterSni'] : null;
  const grease = o['echGrease'] === true;
  if (outer !== null && raw === null) throw usage('--ech-outer-sni needs --ech-config-list');
  if (grease && raw !== null) throw usage('--ech-grease and --ech-config-list exclude each other: give one');
  if ((raw !== null || grease) && maxVersion < ProtocolVersion.TLS1_3)
    throw usage('ECH needs TLS 1.3 (RFC 9849 §6.1): drop --max-tls/--tls1_2 or the ECH flags');
  if (outer !== null && !validPublicName(outer)) throw usage(`--ech-outer-sni '${outer}' is not a valid DNS name`);
  return { echConfigList: raw === null ? null : parseEchConfigList(raw), echOuterSni: outer, echGrease: grease };
}
