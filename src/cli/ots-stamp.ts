// `ots stamp`: stamp files (one request per calendar for all of them), a raw digest or stdin.
import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import { type Command, InvalidArgumentError } from 'commander';
import { fromHex, isHex, writeProof } from '../core/index.js';
import {
  type CalendarOutcome,
  clientErrors,
  DEFAULT_CALENDARS,
  stampDigests,
  stampFiles,
  stampStream,
  type StampOptions,
  writeFileAtomic,
  writeNewProofFile,
} from '../client/index.js';
import { errorLine, EXIT, ExitWith, type GlobalOptions, reporter } from './ots-common.js';

interface StampFlags extends GlobalOptions {
  calendar: string[];
  m?: number;
  force?: boolean;
  digest?: string;
  output?: string;
}

/** Registers `ots stamp`. */
export function addStampCommand(program: Command): void {
  program
    .command('stamp')
    .description('timestamp files: writes <file>.ots for each (use "-" with -o for stdin)')
    .argument('[files...]', 'files to timestamp')
    .option('-c, --calendar <url>', 'calendar to use (repeatable; default: the public calendars)', (v: string, p: string[]) => [...p, v], [])
    .option('-m <n>', 'how many calendars must accept (default: 2, or 1 with one calendar)', positiveInt)
    .option('-d, --digest <hex>', 'stamp a sha256 digest instead of a file (needs -o)')
    .option('-o, --output <file>', 'proof file for --digest or stdin')
    .option('--force', 'replace existing .ots files')
    .action(async (files: string[], _opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<StampFlags>();
      const log = reporter(flags);
      const calendars = flags.calendar.length > 0 ? flags.calendar : [...DEFAULT_CALENDARS];
      const opts: StampOptions = {
        calendars,
        minimum: flags.m,
        timeoutMs: flags.timeout * 1000,
        onCalendar: (o: CalendarOutcome) => (o.ok ? log.debug(`calendar ${o.url}: accepted`) : log.warn(`ots: ${errorLine(o.error)}`)),
      };
      if (flags.digest !== undefined || (files.length === 1 && files[0] === '-')) {
        if (!flags.output) throw usage('--digest and stdin need -o <file> for the proof');
        if (files.length > (flags.digest !== undefined ? 0 : 1)) throw usage('give either files or --digest, not both');
        // refuse before asking any calendar, as for files
        if (!flags.force && existsSync(flags.output)) throw clientErrors.OTS_ERR_STAMP_PROOF_EXISTS(basename(flags.output, '.ots'));
        const proof = flags.digest !== undefined ? await stampHexDigest(flags.digest, opts) : await stampStream(process.stdin, opts);
        if (flags.force) await writeFileAtomic(flags.output, writeProof(proof));
        else await writeNewProofFile(flags.output, proof);
        log.info(`wrote ${flags.output}`);
        return;
      }
      if (files.length === 0) throw usage('nothing to stamp: give files, --digest <hex> or "-"');
      const written = await stampFiles(files, {
        ...opts,
        force: flags.force,
        onHashed: (done, total) => {
          if (total > 1) log.info(`hashed ${done}/${total} files`);
        },
      });
      log.info(`submitted to ${calendars.length} calendar(s); wrote ${written.length} proof(s)`);
      for (const w of written) log.debug(`wrote ${w}`);
    });
}

async function stampHexDigest(hex: string, opts: StampOptions) {
  if (!isHex(hex) || hex.length !== 64) throw usage('--digest must be 64 hex characters (a sha256 digest)');
  const { proofs } = await stampDigests([{ fileHashOp: 'sha256', digest: fromHex(hex.toLowerCase()) }], opts);
  return proofs[0]!;
}

function usage(message: string): ExitWith {
  process.stderr.write(`ots: ${message}\n`);
  return new ExitWith(EXIT.USAGE);
}

function positiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}
