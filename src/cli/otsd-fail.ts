// How otsd reports a failure it cannot recover from: one line on stderr naming the code, exit 2,
// no stack trace (issue #4 item 7). OS errors that a person can fix get their own codes here.
import { isOtsError, type OtsError } from '../core/index.js';
import { otsdErrors } from './otsd-errors.js';

/** Exit code for a failure the operator must fix (configuration, locks, ports, disk). */
export const EXIT_OPERATOR = 2;
/** Exit code after a second SIGINT/SIGTERM, like a shell's 128 + SIGINT. */
export const EXIT_INTERRUPTED = 130;

/** Maps any thrown value to a coded error; unknown ones keep their message but lose their stack. */
export function explainFailure(err: unknown): OtsError {
  // A generic "open/write failed" from below is sharper as the OS reason (permissions, full disk).
  if (isOtsError(err) && !/_(OPEN|WRITE)_FAILED$/.test(err.code)) return err;
  const sys = findSystemCode(err);
  if (sys === 'EACCES' || sys === 'EPERM' || sys === 'EROFS' || sys === 'ENOTDIR' || sys === 'EISDIR' || sys === 'EEXIST') return otsdErrors.OTS_ERR_DIR_UNWRITABLE().causedBy(err);
  if (sys === 'ENOSPC' || sys === 'EDQUOT') return otsdErrors.OTS_ERR_DISK_FULL().causedBy(err);
  if (isOtsError(err)) return err;
  const nested = findOtsError(err);
  if (nested) return nested;
  const message = err instanceof Error ? err.message : String(err);
  return otsdErrors.OTS_ERR_DAEMON_START_FAILED(message).causedBy(err);
}

/** Writes `otsd: <message> [<code>]` (plus a hint such as the directory) and exits with 2. */
export function failAndExit(err: unknown, hint?: string): never {
  const error = explainFailure(err);
  process.stderr.write(`otsd: ${error.message} [${error.code}]${hint ? ` (${hint})` : ''}\n`);
  process.exit(EXIT_OPERATOR);
}

/** The first errno-style code (EACCES, ENOSPC, ...) found on the error or its causes. */
function findSystemCode(err: unknown): string | undefined {
  for (let e = err, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^E[A-Z]+$/.test(code)) return code;
    // LevelDB reports OS failures only inside its message text.
    const text = e instanceof Error ? e.message : '';
    if (/No space left on device/i.test(text)) return 'ENOSPC';
    if (/Permission denied/i.test(text)) return 'EACCES';
    if (/Read-only file system/i.test(text)) return 'EROFS';
  }
  return undefined;
}

function findOtsError(err: unknown): OtsError | undefined {
  for (let e = (err as { cause?: unknown })?.cause, depth = 0; e && depth < 8; e = (e as { cause?: unknown }).cause, depth++) {
    if (isOtsError(e)) return e;
  }
  return undefined;
}
