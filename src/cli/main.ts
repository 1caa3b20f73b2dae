/**
 * Entry point of the tls-probe command: parse and validate the options (exit 2 before anything
 * is sent), run, and exit with the code exit.ts decided. No stack trace reaches the user.
 */
import { parseArgs, validateFiles } from './options.js';
import { reportError } from './exit.js';
import { run } from './run.js';
import { standardInput } from './stdin.js';

async function main(): Promise<number> {
  let opts;
  try {
    opts = parseArgs(process.argv.slice(2));
    validateFiles(opts);
  } catch (e) {
    return reportError(e);
  }
  try {
    return await run(opts, { stdin: standardInput(), stdout: process.stdout, stderr: process.stderr });
  } catch (e) {
    return reportError(e);
  }
}

/**
 * Runs the CLI. The standalone binary's startup snapshot build (scripts/sea.mjs, its default form;
 * scripts/sea-main.mjs) sets globalThis.__tlsProbeDefer first: the bundle's modules are then
 * evaluated into the snapshot, and the run itself happens in the process started from it (node:v8
 * setDeserializeMainFunction).
 */
function start(): void {
  void main().then(
    (code) => {
      process.exitCode = code;
      // Nothing may keep the process alive after the run (stdin, timers): flush and go. Both outputs
      // may be pipes, which Node writes asynchronously: an empty write's callback runs once every
      // earlier write has gone out, so neither the data on stdout nor the last line on stderr is cut.
      let open = 2;
      const flushed = (): void => {
        if (--open === 0) process.exit(code);
      };
      process.stdout.write('', flushed);
      process.stderr.write('', flushed);
    },
    (e) => {
      process.exitCode = reportError(e);
      process.exit();
    },
  );
}

const defer = (globalThis as { __tlsProbeDefer?: (run: () => void) => void }).__tlsProbeDefer;
if (defer) defer(start);
else start();
