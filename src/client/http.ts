// Bounded HTTP for talking to calendars and block explorers: global fetch with a whole-request
// timeout and a response-size cap (the reference client reads at most 10000 bytes, SPEC §9.1).
import { concatByteList, isOtsError } from '../core/index.js';
import { clientErrors } from './errors.js';

/** The reference client never reads more than 10000 bytes of a calendar answer. */
export const MAX_RESPONSE_BYTES = 10000;
/** Default per-request timeout; the reference client waits about 5 s per calendar. */
export const DEFAULT_TIMEOUT_MS = 5000;
/** Sent on every calendar request, like the reference client. */
export const OTS_ACCEPT = 'application/vnd.opentimestamps.v1';

/** A fetch-compatible function; injectable so callers can add proxies or logging. */
export type FetchLike = typeof fetch;

/** What a bounded request returns: status and at most `maxBytes` of body. */
export interface BoundedResponse {
  status: number;
  body: Uint8Array;
}

/** Options of one bounded request. */
export interface BoundedRequest {
  method?: 'GET' | 'POST';
  body?: Uint8Array;
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxBytes?: number;
  fetch?: FetchLike;
  /** The URL to name in errors (without credentials); defaults to `url`. */
  label?: string;
}

/**
 * Performs one request; the timeout covers connecting and reading the body. Failures become coded
 * errors naming `label`: unreachable, timeout or too large.
 */
export async function boundedRequest(url: string, req: BoundedRequest = {}): Promise<BoundedResponse> {
  const label = req.label ?? url;
  const timeoutMs = req.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = req.maxBytes ?? MAX_RESPONSE_BYTES;
  const controller = new AbortController();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const res = await (req.fetch ?? fetch)(url, {
      method: req.method ?? 'GET',
      headers: req.headers,
      body: req.body,
      signal: controller.signal,
      redirect: 'error',
    });
    const body = await readCapped(res, maxBytes, () => controller.abort());
    if (body === undefined) throw clientErrors.OTS_ERR_CLIENT_CALENDAR_TOO_LARGE(label, maxBytes);
    return { status: res.status, body };
  } catch (err) {
    if (isOtsError(err)) throw err;
    if (timedOut) throw clientErrors.OTS_ERR_CLIENT_CALENDAR_TIMEOUT(label, timeoutMs).causedBy(err);
    throw clientErrors.OTS_ERR_CLIENT_CALENDAR_UNREACHABLE(label).causedBy(err);
  } finally {
    clearTimeout(timer);
  }
}

/** Reads the body, giving up (undefined) as soon as it exceeds `maxBytes`. */
async function readCapped(res: Response, maxBytes: number, abort: () => void): Promise<Uint8Array | undefined> {
  if (!res.body) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  while (true) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      abort();
      return undefined;
    }
    chunks.push(value);
  }
  return concatByteList(chunks);
}

/** `base` joined with `path` as a sub-path (so a calendar at http://h/cal gets http://h/cal/digest). */
export function joinUrl(base: string, path: string): string {
  return `${base.replace(/\/+$/, '')}/${path}`;
}

/** The URL without user:password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}
