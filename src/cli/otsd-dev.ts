// PLACEHOLDER for `otsd dev` (calendar on an embedded regtest node); the Bitcoin work replaces it.
import type { Command } from 'commander';

/** Adds the `dev` command to `program`. */
export function registerDevCommand(program: Command): void {
  program
    .command('dev')
    .description('run a calendar on an embedded regtest Bitcoin node (not available yet)')
    .action(() => {
      process.stderr.write('otsd: the dev command is not available yet\n');
      process.exit(2);
    });
}
