// `ots verify`: file digest against the proof, then each Bitcoin attestation against block headers.
// Pending proofs are upgraded in memory first (the file is not written), like the reference client.
import type { Command } from 'commander';
import { fromHex, isHex } from '../core/index.js';
import { hashFile, readProofFile, upgradeTimestamp, verifyProof } from '../client/index.js';
import { EXIT, ExitWith, type GlobalOptions, headerSourceOf, reporter, whitelistOf } from './ots-common.js';

interface VerifyFlags extends GlobalOptions {
  file?: string;
  digest?: string;
  upgrade: boolean;
}

/** Registers `ots verify`: exit 0 verified, 3 pending, 4 mismatch. */
export function addVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description('verify a proof against its file and the Bitcoin chain')
    .argument('<proof>', '.ots file (the stamped file is the same name without .ots)')
    .option('-f, --file <file>', 'the stamped file, if not beside the proof')
    .option('-d, --digest <hex>', 'the stamped digest instead of a file')
    .option('--no-upgrade', 'do not ask calendars for pending attestations first')
    .action(async (proofFile: string, _opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<VerifyFlags>();
      const log = reporter(flags);
      const proof = await readProofFile(proofFile);
      let digest: Uint8Array;
      if (flags.digest !== undefined) {
        if (!isHex(flags.digest)) {
          process.stderr.write('ots: --digest must be hex\n');
          throw new ExitWith(EXIT.USAGE);
        }
        digest = fromHex(flags.digest.toLowerCase());
      } else {
        const target = flags.file ?? proofFile.replace(/\.ots$/, '');
        if (target === proofFile) {
          process.stderr.write('ots: cannot tell the stamped file from the proof name; give -f <file>\n');
          throw new ExitWith(EXIT.USAGE);
        }
        digest = await hashFile(target, proof.fileHashOp);
      }
      // the digest check first (it throws on mismatch): no calendar is asked about a proof for another file
      await verifyProof(proof, digest, undefined);
      const source = headerSourceOf(flags);
      if (flags.upgrade && !proof.timestamp.isComplete) {
        const report = await upgradeTimestamp(proof.timestamp, { whitelist: whitelistOf(flags), timeoutMs: flags.timeout * 1000, checkWith: source });
        for (const o of report.outcomes) if (o.message) log.debug(`calendar ${o.uri}: ${o.message}`);
      }
      const result = await verifyProof(proof, digest, proof.timestamp.isComplete ? source : undefined);
      for (const c of result.bitcoin) {
        if (c.status === 'mismatch') log.warn(`ots: Bitcoin block ${c.height} does not match the attestation (its merkle root differs)`);
        if (c.status === 'no-block') log.debug(`Bitcoin block ${c.height} is not known to the header source yet`);
      }
      if (result.status === 'verified') {
        const when = new Date((result.time ?? 0) * 1000).toISOString();
        process.stdout.write(`Success! Bitcoin block ${result.height} attests existence as of ${when}\n`);
        return;
      }
      if (result.status === 'failed') {
        process.stderr.write('ots: verification failed: no Bitcoin attestation matches its block\n');
        throw new ExitWith(EXIT.FAILED);
      }
      process.stdout.write(
        result.bitcoin.length > 0
          ? 'Pending: the attested block is not known to the header source yet\n'
          : `Pending confirmation in Bitcoin blockchain (${result.pendingUris.length} calendar(s))\n`,
      );
      throw new ExitWith(EXIT.PENDING);
    });
}
