#!/usr/bin/env node
// Runs before `npm start` and `npm test` (pre-scripts): on a fresh clone, installs exactly what
// package-lock.json records, so each of the README's two commands works on its own. Plain Node, no
// dependencies: it must run before any are installed.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const installed = join(root, 'node_modules', '.package-lock.json');
const lock = join(root, 'package-lock.json');

const isStale = !existsSync(installed) || statSync(installed).mtimeMs < statSync(lock).mtimeMs;
if (isStale) {
  console.error('ots-calendar: installing dependencies from package-lock.json (npm ci) ...');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const result = spawnSync(npm, ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) {
    console.error('ots-calendar: npm ci failed; see the lines above');
    process.exit(result.status ?? 1);
  }
}
