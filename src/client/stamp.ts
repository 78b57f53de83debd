// Stamping as the reference client does it: file digest -> append a random 16-byte nonce -> sha256,
// one merkle tree (SPEC §5.1) over all files' nonced tips, one POST of the tree's tip per calendar.
import {
  type DetachedProof,
  type HashOpName,
  hashStream,
  isOtsError,
  makeMerkleTree,
  newNonce,
  newProof,
  ops,
  type Timestamp,
} from '../core/index.js';
import { checkCalendarUrl, DEFAULT_CALENDARS } from './calendars.js';
import { clientErrors } from './errors.js';
import { type CalendarRequestOptions, submitDigest } from './remote-calendar.js';

/** One thing to stamp: the digest of a file (or stream) and the hash op that produced it. */
export interface DigestToStamp {
  fileHashOp: HashOpName;
  digest: Uint8Array;
}

/** Options of a stamp. */
export interface StampOptions extends CalendarRequestOptions {
  /** Calendar URLs; the four public aggregators by default. */
  calendars?: readonly string[];
  /** How many calendars must accept (-m); min(2, calendars) by default as in the reference. */
  minimum?: number;
  /** Called once per calendar when it answers or fails. */
  onCalendar?: (outcome: CalendarOutcome) => void;
}

/** What one calendar did with the submitted tip. */
export type CalendarOutcome = { url: string; ok: true } | { url: string; ok: false; error: Error & { code?: string } };

/** The proofs (same order as the inputs) and what each calendar did. */
export interface StampResult {
  proofs: DetachedProof[];
  calendars: CalendarOutcome[];
}

/**
 * Stamps several digests with one request per calendar. Calendars are asked in parallel, each with its
 * own timeout; the stamp succeeds when at least `minimum` of them answered with a valid timestamp,
 * and every valid answer is merged into the tree. Below the minimum it throws and nothing is returned.
 */
export async function stampDigests(items: readonly DigestToStamp[], opts: StampOptions = {}): Promise<StampResult> {
  const calendars = (opts.calendars ?? DEFAULT_CALENDARS).map(checkCalendarUrl);
  const minimum = opts.minimum ?? Math.min(2, calendars.length);
  if (minimum < 1 || minimum > calendars.length || !Number.isInteger(minimum)) {
    throw clientErrors.OTS_ERR_STAMP_BAD_MINIMUM(minimum, calendars.length);
  }
  const proofs = items.map((item) => newProof(item.fileHashOp, item.digest));
  // The nonce hides the file digest from the calendars and from other users of the same round.
  const leaves = proofs.map((p) => p.timestamp.add(ops.append(newNonce())).add(ops.sha256));
  const tip = makeMerkleTree(leaves);

  const answers = await Promise.all(calendars.map((url) => askCalendar(url, tip, opts)));
  let accepted = 0;
  for (const answer of answers) {
    if (answer.timestamp) {
      tip.merge(answer.timestamp);
      accepted++;
    }
  }
  const outcomes = answers.map((a) => a.outcome);
  if (accepted < minimum) {
    const err = clientErrors.OTS_ERR_STAMP_TOO_FEW_CALENDARS(accepted, minimum);
    throw Object.assign(err, { calendars: outcomes });
  }
  return { proofs, calendars: outcomes };
}

/** Hashes a stream (constant memory) and stamps its digest. */
export async function stampStream(
  chunks: AsyncIterable<Uint8Array>,
  opts: StampOptions & { fileHashOp?: HashOpName } = {},
): Promise<DetachedProof> {
  const fileHashOp = opts.fileHashOp ?? 'sha256';
  const digest = await hashStream(fileHashOp, chunks);
  const { proofs } = await stampDigests([{ fileHashOp, digest }], opts);
  return proofs[0]!;
}

async function askCalendar(
  url: string,
  tip: Timestamp,
  opts: StampOptions,
): Promise<{ outcome: CalendarOutcome; timestamp?: Timestamp }> {
  try {
    const timestamp = await submitDigest(url, tip.msg, opts);
    const outcome: CalendarOutcome = { url, ok: true };
    opts.onCalendar?.(outcome);
    return { outcome, timestamp };
  } catch (err) {
    const error = isOtsError(err) ? err : clientErrors.OTS_ERR_CLIENT_CALENDAR_BAD_RESPONSE(url, String(err));
    const outcome: CalendarOutcome = { url, ok: false, error };
    opts.onCalendar?.(outcome);
    return { outcome };
  }
}
