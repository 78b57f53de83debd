// otsd settings from four places, strongest first: command-line flag, environment variable
// (OTSD_<FLAG>, e.g. OTSD_RPC_PORT), config file (TOML, keys = long flag names), built-in default.
import { readFileSync } from 'node:fs';
import { type Command, InvalidArgumentError, type Option } from 'commander';
import { parse as parseToml } from 'smol-toml';
import { otsdErrors } from './otsd-errors.js';

/** Prefix of the environment variables that set flags. */
export const ENV_PREFIX = 'OTSD_';

/** Name of the environment variable for a long flag: `rpc-port` → `OTSD_RPC_PORT`. */
export function envName(longFlag: string): string {
  return ENV_PREFIX + longFlag.replace(/^--/, '').replace(/-/g, '_').toUpperCase();
}

/** Reads a TOML config file into flat `flag-name → value` pairs; nested tables are refused. */
export function readConfigFile(path: string): Record<string, unknown> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw otsdErrors.OTS_ERR_CONFIG_FILE_UNREADABLE((err as NodeJS.ErrnoException).code ?? 'read failed').causedBy(err);
  }
  try {
    return { ...(parseToml(text) as Record<string, unknown>) };
  } catch (err) {
    const line = (err as { line?: number }).line;
    throw otsdErrors.OTS_ERR_CONFIG_FILE_UNREADABLE(`not valid TOML${line ? ` (line ${line})` : ''}`).causedBy(err);
  }
}

/**
 * Fills every option of `cmd` that was not given on the command line from `env`, then from `file`;
 * what is still unset keeps commander's default. Values go through the option's own parser, so a
 * bad `OTSD_RPC_PORT` fails exactly like a bad `--rpc-port`. Unknown file keys are refused (typos).
 */
export function applyEnvAndFile(cmd: Command, env: NodeJS.ProcessEnv, file: Record<string, unknown> = {}): void {
  const known = new Map<string, Option>();
  for (const option of cmd.options) {
    // `--no-bitcoin` is set as `no-bitcoin = true` / OTSD_NO_BITCOIN=1, meaning bitcoin = false.
    if (option.long) known.set(option.long.slice(2), option);
  }
  for (const key of Object.keys(file)) {
    if (!known.has(key) || key === 'config') throw otsdErrors.OTS_ERR_CONFIG_UNKNOWN_KEY(key);
  }
  for (const [name, option] of known) {
    const attr = option.attributeName();
    const source = cmd.getOptionValueSource(attr);
    if (source !== undefined && source !== 'default') continue;
    const fromEnv = env[envName(name)];
    const flip = (v: unknown) => (option.negate ? !v : v);
    if (fromEnv !== undefined && fromEnv !== '') {
      cmd.setOptionValueWithSource(attr, flip(convert(option, name, fromEnv, `environment ${envName(name)}`)), 'env');
    } else if (file[name] !== undefined) {
      cmd.setOptionValueWithSource(attr, flip(convert(option, name, file[name], 'config file')), 'config');
    }
  }
}

/** Turns a raw env/file value into what the flag itself would have produced. */
function convert(option: Option, name: string, raw: unknown, from: string): unknown {
  if (option.isBoolean()) {
    if (typeof raw === 'boolean') return raw;
    const text = String(raw).toLowerCase();
    if (['1', 'true', 'yes', 'on'].includes(text)) return true;
    if (['0', 'false', 'no', 'off'].includes(text)) return false;
    throw otsdErrors.OTS_ERR_CONFIG_INVALID_VALUE(`--${name}`, from, 'expected true or false');
  }
  if (typeof raw === 'object' && raw !== null) {
    throw otsdErrors.OTS_ERR_CONFIG_INVALID_VALUE(`--${name}`, from, 'expected a single value, not a table or list');
  }
  const text = String(raw);
  const parse = (option as unknown as { parseArg?: (value: string, previous: unknown) => unknown }).parseArg;
  if (!parse) return text;
  try {
    return parse(text, undefined);
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw otsdErrors.OTS_ERR_CONFIG_INVALID_VALUE(`--${name}`, from, why).causedBy(err);
  }
}

/** Option parser for whole numbers in [min, max]; commander shows its message as a usage error. */
export function intInRange(min: number, max: number): (value: string) => number {
  return (value: string) => {
    const n = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(n) || n < min || n > max) {
      throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}, got "${value}"`);
    }
    return n;
  };
}
