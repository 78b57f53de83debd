// Runs the `ots` command line (bin/ots.js) as a user would, for end-to-end tests of its output and
// exit codes; bounded so a hung CLI fails its test instead of the suite.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from './fixtures.js';

/** What one `ots` run left: exit code (null when killed) and all it wrote. */
export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs bin/ots.js with `args` in `cwd`; killed after 60 s so a hang shows as a failure, not a stall. */
export function ots(args: string[], cwd: string): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(PROJECT_ROOT, 'bin', 'ots.js'), ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
