// `ots`: the OpenTimestamps client CLI (stamp, upgrade, verify, info, registry). Parses flags, wires
// the client library, maps outcomes to exit codes (see EXIT); expected failures print one line.
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { addGlobalOptions, EXIT, reportError } from './ots-common.js';
import { addInfoCommand } from './ots-info.js';
import { addRegistryCommand } from './ots-registry.js';
import { addStampCommand } from './ots-stamp.js';
import { addUpgradeCommand } from './ots-upgrade.js';
import { addVerifyCommand } from './ots-verify.js';

/** Builds the `ots` program; `exitOverride` lets main() choose the exit code for usage errors. */
export function buildProgram(): Command {
  const program = new Command('ots')
    .description('OpenTimestamps client: stamp, upgrade, verify and inspect .ots proofs')
    .version(packageVersion(), '-V, --version')
    .addHelpText(
      'after',
      '\nExit codes: 0 done/complete/verified, 1 error, 2 usage, 3 pending (not verifiable yet), 4 verification failed.',
    );
  addGlobalOptions(program);
  addStampCommand(program);
  addUpgradeCommand(program);
  addVerifyCommand(program);
  addInfoCommand(program);
  addRegistryCommand(program);
  program.exitOverride();
  for (const cmd of program.commands) {
    cmd.exitOverride();
    for (const sub of cmd.commands) sub.exitOverride();
  }
  return program;
}

/** Runs the CLI and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
    return EXIT.OK;
  } catch (err) {
    if (err instanceof CommanderError) {
      // help and version print and end normally; anything else is a usage error
      return err.exitCode === 0 ? EXIT.OK : EXIT.USAGE;
    }
    return reportError(err, process.argv.includes('-v') || process.argv.includes('--verbose'));
  }
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? 'unknown';
}

process.exitCode = await main(process.argv);
