// One remote calendar seen from the client: POST /digest and GET /timestamp/<hex> (SPEC §9.1, §9.2).
// Every answer is parsed as a bare timestamp over the message we asked about and checked to lead somewhere.
import { isOtsError, Timestamp, toHex } from '../core/index.js';
import { clientErrors } from './errors.js';
import { boundedRequest, type FetchLike, joinUrl, OTS_ACCEPT } from './http.js';

/** How much of a 404 text is shown, and which bytes survive (python-opentimestamps' get_sanitised_resp_msg). */
export const MAX_PENDING_MESSAGE_BYTES = 160;
const MESSAGE_WHITELIST = /[A-Za-z0-9#\-.,; ]/;

/** Request options shared by submit and fetch. */
export interface CalendarRequestOptions {
  timeoutMs?: number;
  fetch?: FetchLike;
  userAgent?: string;
}

/** Result of asking a calendar for a commitment: a timestamp, or its "not yet" text. */
export type CalendarLookup = { found: true; timestamp: Timestamp } | { found: false; message: string };

/** POSTs `digest` to `url`/digest and returns the calendar's timestamp for it. */
export async function submitDigest(url: string, digest: Uint8Array, opts: CalendarRequestOptions = {}): Promise<Timestamp> {
  const res = await boundedRequest(joinUrl(url, 'digest'), {
    method: 'POST',
    body: digest,
    headers: headers(opts),
    timeoutMs: opts.timeoutMs,
    fetch: opts.fetch,
    label: url,
  });
  if (res.status !== 200) {
    throw clientErrors.OTS_ERR_CLIENT_CALENDAR_BAD_RESPONSE(url, `HTTP status ${res.status} (${sanitiseMessage(res.body)})`);
  }
  return parseAnswer(url, res.body, digest);
}

/** GETs `url`/timestamp/<hex commitment>; a 404 is "still pending" with the calendar's sanitised text. */
export async function fetchTimestamp(url: string, commitment: Uint8Array, opts: CalendarRequestOptions = {}): Promise<CalendarLookup> {
  const res = await boundedRequest(joinUrl(url, `timestamp/${toHex(commitment)}`), {
    headers: headers(opts),
    timeoutMs: opts.timeoutMs,
    fetch: opts.fetch,
    label: url,
  });
  if (res.status === 404) return { found: false, message: sanitiseMessage(res.body) };
  if (res.status !== 200) {
    throw clientErrors.OTS_ERR_CLIENT_CALENDAR_BAD_RESPONSE(url, `HTTP status ${res.status} (${sanitiseMessage(res.body)})`);
  }
  return { found: true, timestamp: parseAnswer(url, res.body, commitment) };
}

/** First 160 bytes of a calendar's text, anything outside the reference's whitelist replaced by `_`. */
export function sanitiseMessage(body: Uint8Array): string {
  let out = '';
  for (const b of body.subarray(0, MAX_PENDING_MESSAGE_BYTES)) {
    const c = String.fromCharCode(b);
    out += MESSAGE_WHITELIST.test(c) ? c : '_';
  }
  return out;
}

/**
 * Parses a bare timestamp whose root is `msg`. Parsing evaluates every op with the protocol limits; a
 * tree that does not parse, or that ends in no attestation at all, cannot commit to `msg` and is refused.
 */
export function parseAnswer(url: string, body: Uint8Array, msg: Uint8Array): Timestamp {
  let timestamp: Timestamp;
  try {
    timestamp = Timestamp.fromBytes(body, msg);
  } catch (err) {
    const why = isOtsError(err) ? `${err.message} (${err.code})` : 'unparseable timestamp';
    throw clientErrors.OTS_ERR_CLIENT_CALENDAR_LYING(url, why).causedBy(err);
  }
  if (!hasAttestation(timestamp)) {
    throw clientErrors.OTS_ERR_CLIENT_CALENDAR_LYING(url, 'the tree ends in no attestation');
  }
  return timestamp;
}

/** True when every leaf of the tree carries an attestation (no dangling op chain) and there is one. */
function hasAttestation(t: Timestamp): boolean {
  for (const node of t.nodes()) {
    if (node.attestations.length === 0 && node.opCount === 0) return false;
  }
  return t.allAttestations().next().done === false;
}

function headers(opts: CalendarRequestOptions): Record<string, string> {
  return { Accept: OTS_ACCEPT, 'User-Agent': opts.userAgent ?? 'ots-calendar-client' };
}
