// Pieces every long-running otsd command (run, mirror) wires the same way: settings merged from
// flags, environment and --config file before the action, and the version served over HTTP.
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { applyEnvAndFile, envName, readConfigFile } from './config.js';
import { failAndExit } from './otsd-fail.js';

/**
 * Before `cmd` runs, fills its unset options from OTSD_* variables and the --config file (or
 * OTSD_CONFIG); a bad value or file fails in one coded line with exit 2, like a bad flag.
 */
export function applyConfigBeforeAction(cmd: Command): void {
  cmd.hook('preAction', (self) => {
    try {
      const file = self.opts<{ config?: string }>().config ?? process.env[envName('config')];
      applyEnvAndFile(self, process.env, file ? readConfigFile(file) : {});
    } catch (err) {
      failAndExit(err);
    }
  });
}

/** This package's version for the server's answers, or 'unknown' when package.json cannot be read. */
export function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}
