#!/usr/bin/env node
// otsd: the calendar daemon's command line (issue #4): `init`, `run` (the default) and `dev`.
// Parses flags and wires parts together; nothing else lives here.
import { Command } from 'commander';
import { registerDevCommand } from './otsd-dev.js';
import { failAndExit } from './otsd-fail.js';
import { registerInitCommand } from './otsd-init.js';
import { registerMirrorCommand, registerMirrorRestoreCommand, registerReindexCommand } from './otsd-mirror.js';
import { registerRunCommand } from './otsd-run.js';

/** Builds the otsd program (exported so tests can read its help without spawning). */
export function buildOtsdProgram(): Command {
  const program = new Command('otsd')
    .description('OpenTimestamps calendar server, compatible with the reference otsd on the wire and on disk')
    .showHelpAfterError();
  const run = registerRunCommand(program);
  // `otsd` alone runs the calendar, so `otsd --help` shows run's flags too, not only the command list.
  program.addHelpText('after', () => `\n"otsd" alone is "otsd run". ${run.helpInformation()}`);
  registerInitCommand(program);
  registerDevCommand(program);
  registerMirrorCommand(program);
  registerMirrorRestoreCommand(program);
  registerReindexCommand(program);
  return program;
}

buildOtsdProgram()
  .parseAsync(process.argv)
  .catch((err: unknown) => failAndExit(err));
