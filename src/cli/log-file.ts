// The daemon's --debug-file: pino writes to a file that is reopened on SIGHUP, so logrotate can move
// it away and signal us (its `postrotate` step) instead of copying and truncating under our feet.
import pino from 'pino';

/** A log file destination for pino. */
export interface LogFile {
  /** Pass to `pino(options, stream)`. */
  readonly stream: pino.DestinationStream;
  /** Reopens the path now (what SIGHUP does); resolves once the new file is open. */
  reopen(): Promise<void>;
  /** Flushes, stops listening to SIGHUP and closes the file; later calls do nothing. */
  close(): void;
}

/** Where SIGHUP comes from; `process` in the daemon. */
export type SignalSource = Pick<NodeJS.Process, 'on' | 'off'>;

/**
 * Opens `path` for appending (creating missing folders) and reopens it on every SIGHUP from `signals`.
 * Resolves once the file is open (rejects with the open error, e.g. EACCES). Writes are asynchronous
 * and buffered, so logging never blocks a round; close() flushes them.
 */
export async function openLogFile(path: string, signals: SignalSource | undefined = process): Promise<LogFile> {
  const dest = pino.destination({ dest: path, append: true, mkdir: true, sync: false });
  let opening: Promise<void> = new Promise((resolve, reject) => {
    dest.once('ready', () => resolve());
    dest.once('error', reject);
  });
  try {
    await opening;
  } catch (err) {
    // pino flushes every destination at exit; one that never opened would throw there instead of here.
    Object.defineProperty(dest, 'destroyed', { value: true });
    throw err;
  }
  const reopen = async (): Promise<void> => {
    try {
    await opening;
  } catch (err) {
    // pino flushes every destination at exit; one that never opened would throw there instead of here.
    Object.defineProperty(dest, 'destroyed', { value: true });
    throw err;
  }
    opening = new Promise((resolve) => {
      dest.once('ready', () => resolve());
      dest.reopen();
    });
    return opening;
  };
  const onHangup = () => void reopen();
  let closed = false;
  signals?.on('SIGHUP', onHangup);
  return {
    stream: dest,
    reopen,
    close() {
      if (closed) return; // idempotent: the daemon's shutdown and an error path may both close it
      closed = true;
      signals?.off('SIGHUP', onHangup);
      try {
        dest.flushSync();
      } catch {
        // nothing was written yet, or the file is already gone: nothing left to save
      }
      dest.end();
    },
  };
}

/**
 * Without --debug-file there is nothing to reopen, but SIGHUP would still end the process by default
 * (`systemctl reload otsd` sends it): listen and do nothing. Returns a function that stops listening.
 */
export function ignoreHangup(signals: SignalSource = process, onHangup: () => void = () => {}): () => void {
  signals.on('SIGHUP', onHangup);
  return () => void signals.off('SIGHUP', onHangup);
}
