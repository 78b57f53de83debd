// Registry anchoring config, TOML `[ots]` table: enabled, aggregator_url(s), monthly_anchor_day,
// registry_path, proofs_path (+ content_path, minimum, timeout_seconds, whitelist). Paths are relative to the file.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse } from 'smol-toml';
import { checkCalendarUrl, DEFAULT_CALENDARS } from './calendars.js';
import { clientErrors } from './errors.js';

/** The validated `[ots]` table. */
export interface RegistryConfig {
  /** `ots registry run` does nothing unless true (default false: anchoring is opt-in). */
  enabled: boolean;
  aggregatorUrls: string[];
  /** Day of month (1..28, so every month has it) from which `run` anchors the current month. */
  monthlyAnchorDay: number;
  registryPath: string;
  proofsPath: string;
  contentPath?: string;
  minimum?: number;
  timeoutSeconds?: number;
  /** Extra calendar URLs whose pending attestations `verify` may follow (beyond the public ones). */
  whitelist: string[];
}

const KNOWN_KEYS = new Set([
  'enabled',
  'aggregator_url',
  'aggregator_urls',
  'monthly_anchor_day',
  'registry_path',
  'proofs_path',
  'content_path',
  'minimum',
  'timeout_seconds',
  'whitelist',
]);

/** Reads and validates a config file. */
export async function loadRegistryConfig(path: string): Promise<RegistryConfig> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID('(file)', 'the config file cannot be read').causedBy(err);
  }
  return parseRegistryConfig(text, dirname(resolve(path)));
}

/** Validates TOML text; relative paths are resolved against `baseDir`. */
export function parseRegistryConfig(text: string, baseDir: string): RegistryConfig {
  let doc: Record<string, unknown>;
  try {
    doc = parse(text) as Record<string, unknown>;
  } catch (err) {
    throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID('(file)', 'not valid TOML').causedBy(err);
  }
  const ots = doc.ots;
  if (ots === undefined || typeof ots !== 'object' || ots === null || Array.isArray(ots)) {
    throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID('(table)', 'the file has no [ots] table');
  }
  const t = ots as Record<string, unknown>;
  for (const key of Object.keys(t)) {
    if (!KNOWN_KEYS.has(key)) throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID(key, 'unknown key (a typo?)');
  }
  if ('aggregator_url' in t && 'aggregator_urls' in t) {
    throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID('aggregator_url', 'give aggregator_url or aggregator_urls, not both');
  }
  const urlsKey = 'aggregator_urls' in t ? 'aggregator_urls' : 'aggregator_url';
  const aggregatorUrls = urlsKey in t ? urlList(urlsKey, t[urlsKey]) : [...DEFAULT_CALENDARS];
  const day = t.monthly_anchor_day ?? 1;
  if (typeof day !== 'number' || !Number.isInteger(day) || day < 1 || day > 28) {
    throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID('monthly_anchor_day', 'must be an integer from 1 to 28');
  }
  const enabled = t.enabled ?? false;
  if (typeof enabled !== 'boolean') throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID('enabled', 'must be true or false');
  const minimum = t.minimum;
  if (minimum !== undefined && (typeof minimum !== 'number' || !Number.isInteger(minimum) || minimum < 1 || minimum > aggregatorUrls.length)) {
    throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID('minimum', `must be an integer from 1 to ${aggregatorUrls.length}`);
  }
  const timeout = t.timeout_seconds;
  if (timeout !== undefined && (typeof timeout !== 'number' || !(timeout > 0) || timeout > 600)) {
    throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID('timeout_seconds', 'must be a number of seconds above 0 and at most 600');
  }
  return {
    enabled,
    aggregatorUrls,
    monthlyAnchorDay: day,
    registryPath: resolve(baseDir, pathValue('registry_path', t.registry_path ?? 'registries')),
    proofsPath: resolve(baseDir, pathValue('proofs_path', t.proofs_path ?? 'proofs')),
    contentPath: t.content_path === undefined ? undefined : resolve(baseDir, pathValue('content_path', t.content_path)),
    minimum: minimum as number | undefined,
    timeoutSeconds: timeout as number | undefined,
    whitelist: t.whitelist === undefined ? [] : stringList('whitelist', t.whitelist),
  };
}

function urlList(key: string, value: unknown): string[] {
  const list = typeof value === 'string' ? [value] : stringList(key, value);
  if (list.length === 0) throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID(key, 'needs at least one URL');
  return list.map((u) => {
    try {
      return checkCalendarUrl(u);
    } catch (err) {
      throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID(key, `${JSON.stringify(u)} is not an http(s) URL`).causedBy(err);
    }
  });
}

function stringList(key: string, value: unknown): string[] {
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
    throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID(key, 'must be a string or a list of strings');
  }
  return value as string[];
}

function pathValue(key: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0) throw clientErrors.OTS_ERR_REGISTRY_CONFIG_INVALID(key, 'must be a non-empty path string');
  return value;
}
