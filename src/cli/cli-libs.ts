/**
 * The CLI's counterpart of src/tls/libs.ts: chalk, needed only when the report is in colour (a TTY,
 * no --no-color, no NO_COLOR, not --json), reached through a getter so that the bundle, which takes
 * src/lazy-libs.ts in this file's place (scripts/bundle.mjs), evaluates chalk and the node:tty and
 * node:os it requires only then: a run on a pipe skips them (~2.5 ms of a cold start's CPU). The tsc
 * output imports it here, eagerly, as an ordinary import.
 */
import { Chalk } from 'chalk';

/** The shape both this file and src/lazy-libs.ts export. */
export interface CliLibs {
  chalk(): { Chalk: typeof Chalk };
}

export const cliLibs: CliLibs = {
  chalk: () => ({ Chalk }),
};
