// `ots info`: the readable tree, or `--json` for scripts.
import type { Command } from 'commander';
import { proofInfo, proofText, readProofFile } from '../client/index.js';
import type { GlobalOptions } from './ots-common.js';

/** Registers `ots info`. */
export function addInfoCommand(program: Command): void {
  program
    .command('info')
    .description('show the proof tree')
    .argument('<proof>', '.ots file')
    .option('--json', 'machine-readable: file hash op, digest, attestations with their commitments')
    .action(async (file: string, _opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<GlobalOptions & { json?: boolean }>();
      const proof = await readProofFile(file);
      process.stdout.write(flags.json ? `${JSON.stringify(proofInfo(proof), null, 2)}\n` : proofText(proof, flags.verbose));
    });
}
