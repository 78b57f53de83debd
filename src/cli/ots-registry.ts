// `ots registry anchor|verify|run`: monthly hash-chained registry snapshots stamped to Bitcoin.
import type { Command } from 'commander';
import {
  anchorCurrentMonth,
  type AnchorOptions,
  type AnchorResult,
  clientErrors,
  loadContent,
  loadRegistryConfig,
  makeWhitelist,
  type RegistryConfig,
  runRegistry,
  verifyRegistry,
} from '../client/index.js';
import { EXIT, ExitWith, type GlobalOptions, headerSourceOf, reporter } from './ots-common.js';

interface RegistryFlags extends GlobalOptions {
  config: string;
  content?: string;
  upgrade: boolean;
  check: boolean;
}

/** Registers `ots registry` and its three subcommands. */
export function addRegistryCommand(program: Command): void {
  const registry = program.command('registry').description('monthly hash-chained registry snapshots anchored in Bitcoin');
  registry
    .command('anchor')
    .description("write and stamp this month's snapshot (and any missed months)")
    .requiredOption('--config <file>', 'TOML config with an [ots] table')
    .option('--content <path>', 'JSON file or directory of JSON files (overrides content_path)')
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<RegistryFlags>();
      const { options } = await anchorSetup(flags);
      const result = await anchorCurrentMonth(options);
      summarise(flags, result);
    });
  registry
    .command('run')
    .description('scheduled pass: anchor when due (from monthly_anchor_day), catch up missed months, else nothing')
    .requiredOption('--config <file>', 'TOML config with an [ots] table')
    .option('--content <path>', 'JSON file or directory of JSON files (overrides content_path)')
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<RegistryFlags>();
      const { config, options } = await anchorSetup(flags);
      const result = await runRegistry({ ...options, enabled: config.enabled, anchorDay: config.monthlyAnchorDay });
      if (result.action === 'disabled') reporter(flags).info('registry anchoring is disabled ([ots] enabled = false); nothing done');
      else if (result.action === 'up-to-date') reporter(flags).info('registry is up to date; nothing done');
      else summarise(flags, result);
    });
  registry
    .command('verify')
    .description('check the hash chain and every proof; names the first broken month')
    .requiredOption('--config <file>', 'TOML config with an [ots] table')
    .option('--no-upgrade', 'do not ask calendars to upgrade pending proofs')
    .option('--no-check', 'do not check Bitcoin attestations against block headers')
    .action(async (_opts: unknown, cmd: Command) => {
      const flags = cmd.optsWithGlobals<RegistryFlags>();
      const config = await loadRegistryConfig(flags.config);
      const result = await verifyRegistry({
        paths: { registryDir: config.registryPath, proofsDir: config.proofsPath },
        upgrade: flags.upgrade
          ? { whitelist: makeWhitelist([...flags.whitelist, ...config.whitelist], flags.defaultWhitelist), timeoutMs: timeoutMs(flags, config) }
          : undefined,
        headerSource: flags.check ? headerSourceOf(flags) : undefined,
      });
      for (const m of result.months) {
        const extra = m.height !== undefined ? ` (Bitcoin block ${m.height})` : m.detail ? `: ${m.reason} (${m.detail})` : '';
        process.stdout.write(`${m.month} ${m.status}${extra}\n`);
      }
      if (result.broken) {
        process.stderr.write(`ots: registry chain broken at ${result.broken.month}: ${result.broken.reason}\n`);
        throw new ExitWith(EXIT.FAILED);
      }
      if (result.months.length === 0) process.stdout.write('registry is empty\n');
      if (result.months.some((m) => m.status === 'pending')) throw new ExitWith(EXIT.PENDING);
    });
}

async function anchorSetup(flags: RegistryFlags): Promise<{ config: RegistryConfig; options: AnchorOptions }> {
  const config = await loadRegistryConfig(flags.config);
  const contentPath = flags.content ?? config.contentPath;
  if (!contentPath) throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID('content_path', 'no content: set content_path or pass --content');
  const options: AnchorOptions = {
    paths: { registryDir: config.registryPath, proofsDir: config.proofsPath },
    content: await loadContent(contentPath),
    calendars: config.aggregatorUrls,
    minimum: config.minimum,
    timeoutMs: timeoutMs(flags, config),
  };
  return { config, options };
}

function timeoutMs(flags: RegistryFlags, config: RegistryConfig): number {
  return (config.timeoutSeconds ?? flags.timeout) * 1000;
}

function summarise(flags: RegistryFlags, result: AnchorResult): void {
  const log = reporter(flags);
  for (const m of result.repaired) log.info(`${m}: stamped the existing snapshot (its proof was missing)`);
  for (const m of result.anchored) log.info(`${m}: snapshot written and stamped`);
}
