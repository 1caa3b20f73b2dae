/**
 * Entry point of the tls-probe command: parse and validate the options (exit 2 before anything
 * is sent), run, and exit with the code exit.ts decided. No stack trace reaches the user.
 */
import { parseArgs, validateFiles } from './options.js';
import { reportError } from './exit.js';
import { run } from './run.js';

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
    validateFiles(opts);
  } catch (e) {
    return reportError(e);
  }
  try {
    return await run(opts, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  } catch (e) {
    return reportError(e);
  }
}

main().then(
  (code) => {
    process.exitCode = code;
    // Nothing may keep the process alive after the run (stdin, timers): flush and go.
    process.stdout.write('', () => process.exit(code));
  },
  (e) => {
    process.exitCode = reportError(e);
    process.exit();
  },
);
