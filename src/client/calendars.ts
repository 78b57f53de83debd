// Calendar lists and the URL whitelist for following pending attestations (SPEC §3, pitfall 20),
// matching python-opentimestamps' UrlWhitelist: scheme and path exact, host:port glob-matched.
import { clientErrors } from './errors.js';

/** The aggregators `ots stamp` uses by default (the reference client's DEFAULT_AGGREGATORS). */
export const DEFAULT_CALENDARS: readonly string[] = [
  'https://a.pool.opentimestamps.org',
  'https://b.pool.opentimestamps.org',
  'https://a.pool.eternitywall.com',
  'https://ots.btc.catallaxy.com',
];

/** Calendars `ots upgrade` follows by default (the reference's DEFAULT_CALENDAR_WHITELIST). */
export const DEFAULT_WHITELIST: readonly string[] = [
  'https://*.calendar.opentimestamps.org',
  'https://*.calendar.eternitywall.com',
  'https://*.calendar.catallaxy.com',
];

interface Pattern {
  scheme: string;
  host: RegExp;
  path: string;
}

/** Glob-matching URL whitelist; a pattern without scheme allows both http and https. */
export class UrlWhitelist {
  private readonly patterns: Pattern[] = [];

  constructor(urls: Iterable<string> = []) {
    for (const url of urls) this.add(url);
  }

  /** Adds a pattern such as `https://*.calendar.example.org` or `127.0.0.1:14788`. */
  add(url: string): this {
    if (!/^https?:\/\//.test(url)) {
      this.add(`http://${url}`);
      return this.add(`https://${url}`);
    }
    const m = /^(https?):\/\/([^/?#]+)([^?#]*)$/.exec(url);
    if (!m) throw clientErrors.OTS_ERR_CLIENT_BAD_URL(`whitelist entry ${JSON.stringify(url)} may not carry a query or fragment`);
    this.patterns.push({ scheme: m[1]!, host: globToRegExp(m[2]!.toLowerCase()), path: m[3]! });
    return this;
  }

  /** True when `url` (a pending attestation URI) may be contacted. */
  has(url: string): boolean {
    const m = /^(https?):\/\/([^/?#]+)([^?#]*)$/.exec(url);
    if (!m) return false;
    const [, scheme, host, path] = m;
    return this.patterns.some((p) => p.scheme === scheme && p.path === path && p.host.test(host!.toLowerCase()));
  }

  get size(): number {
    return this.patterns.length;
  }
}

/** Builds the whitelist for `ots upgrade`: the defaults (unless disabled) plus `extra`. */
export function makeWhitelist(extra: readonly string[] = [], useDefaults = true): UrlWhitelist {
  return new UrlWhitelist([...(useDefaults ? DEFAULT_WHITELIST : []), ...extra]);
}

/** Checks that `url` is an http(s) URL a calendar can live at; returns it without a trailing slash. */
export function checkCalendarUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw clientErrors.OTS_ERR_CLIENT_BAD_URL(JSON.stringify(url));
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw clientErrors.OTS_ERR_CLIENT_BAD_URL(`${JSON.stringify(url)} (only http and https calendars exist)`);
  }
  return url.replace(/\/+$/, '');
}

/** fnmatch-style glob: `*` any run, `?` one character; everything else literal. */
function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`);
}
