/** The one wording for a file the command line names but cannot use (exit 2, before anything is sent). */
import { UsageError } from './errors.js';
import { errnoText } from '../net/errno.js';

/** "cannot read --cafile /x: ENOENT (no such file)": `what` is the flag or a description. */
export function fileProblem(what: string, path: string, verb: 'read' | 'write', e: unknown): UsageError {
  const code = (e as { code?: unknown }).code;
  const why = typeof code === 'string' ? `${code} (${errnoText(code)})` : e instanceof Error ? e.message : String(e);
  return new UsageError(`cannot ${verb} ${what} ${path}: ${why}`);
}
