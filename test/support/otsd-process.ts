// Runs the otsd command line as a child process (node + tsx), for tests of exit codes, stderr,
// signals and crashes. Every process started here is killed in t.after if still running.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { PROJECT_ROOT } from './fixtures.js';

/** Path of the otsd entry point. */
export const OTSD_ENTRY = join(PROJECT_ROOT, 'src', 'cli', 'otsd.ts');

/** A running otsd with its collected output. */
export interface OtsdChild {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  /** Resolves with the exit code (or 128 + signal number) once the process ends. */
  exited: Promise<number>;
}

/** Starts `otsd <args>`; `env` is added to a copy of process.env without OTSD_* leaking in. */
export function startOtsd(t: Pick<TestContext, 'after'>, args: string[], env: Record<string, string> = {}): OtsdChild {
  const base = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('OTSD_')));
  const child = spawn(process.execPath, ['--import', 'tsx', OTSD_ENTRY, ...args], {
    cwd: PROJECT_ROOT,
    env: { ...base, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => {
    child.on('exit', (code, signal) => resolve(code ?? 128 + (signal === 'SIGKILL' ? 9 : signal === 'SIGTERM' ? 15 : 2)));
  });
  t.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    return exited.then(() => undefined);
  });
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs `otsd <args>` to completion. */
export async function runOtsd(t: Pick<TestContext, 'after'>, args: string[], env: Record<string, string> = {}) {
  const p = startOtsd(t, args, env);
  const code = await p.exited;
  return { code, stdout: p.stdout(), stderr: p.stderr() };
}

/** Resolves with the port once the daemon logs `otsd listening`; rejects if it exits first. */
export function waitListening(p: OtsdChild): Promise<number> {
  return new Promise((resolve, reject) => {
    const check = () => {
      const m = /"port":(\d+)[^\n]*"msg":"otsd listening"/.exec(p.stdout());
      if (m) {
        p.child.stdout!.off('data', check);
        resolve(Number(m[1]));
      }
    };
    p.child.stdout!.on('data', check);
    check();
    void p.exited.then((code) => reject(new Error(`otsd exited with ${code} before listening: ${p.stderr()}`)));
  });
}
