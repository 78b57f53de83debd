// `ots upgrade`: ask the calendars named in each proof for the rest of the path; write back atomically.
import type { Command } from 'commander';
import { type PendingOutcome, readProofFile, replaceProofFile, upgradeTimestamp } from '../client/index.js';
import { EXIT, ExitWith, type GlobalOptions, headerSourceOf, reporter, type Reporter, whitelistOf } from './ots-common.js';

interface UpgradeFlags extends GlobalOptions {
  backup: boolean;
  dryRun?: boolean;
}

/** Registers `ots upgrade`. Exit 0 when every proof is complete, 3 when some are still pending, 1 when a calendar failed. */
export function addUpgradeCommand(program: Command): void {
  program
    .command('upgrade')
    .description('upgrade pending proofs with what their calendars now have')
    .argument('<proofs...>', '.ots files')
    .option('--no-backup', 'do not keep the previous proof as <file>.ots.bak')
    .option('-n, --dry-run', 'ask the calendars but do not write')
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<UpgradeFlags>();
      const log = reporter(flags);
      let pending = 0;
      let failed = 0;
      // With an explicit header source, calendar answers are checked against the chain before merging.
      const checkWith = flags.bitcoinNode || flags.esplora ? headerSourceOf(flags) : undefined;
      for (const file of files) {
        const proof = await readProofFile(file);
        const report = await upgradeTimestamp(proof.timestamp, { whitelist: whitelistOf(flags), timeoutMs: flags.timeout * 1000, checkWith });
        if (!report.complete && report.outcomes.some((o) => o.status === 'failed')) failed++;
        for (const o of report.outcomes) describe(log, file, o);
        if (report.changed && !flags.dryRun) {
          await replaceProofFile(file, proof, flags.backup);
          log.debug(`${file}: written`);
        }
        if (report.complete) log.info(`${file}: Success! Timestamp complete`);
        else {
          pending++;
          log.info(`${file}: Timestamp not complete yet (pending)`);
        }
      }
      if (failed > 0) throw new ExitWith(EXIT.ERROR);
      if (pending > 0) throw new ExitWith(EXIT.PENDING);
    });
}

function describe(log: Reporter, file: string, o: PendingOutcome): void {
  const where = `${file}: calendar ${o.uri}`;
  switch (o.status) {
    case 'upgraded':
      return log.info(`${where}: got attestation(s)`);
    case 'pending':
      return log.info(`${where}: ${o.message ?? 'pending'}`);
    case 'not-whitelisted':
      return log.warn(`${where}: ignored, calendar not in whitelist (add it with -l)`);
    case 'failed':
      return log.warn(`ots: ${where}: ${o.message ?? 'failed'}${o.code ? ` (${o.code})` : ''}`);
    case 'already-complete':
      return log.debug(`${where}: branch already complete`);
  }
}
