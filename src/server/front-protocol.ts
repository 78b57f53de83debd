// Messages between the daemon and its HTTP front processes (http-fronts.ts, http-front-worker.ts), over
// Node's IPC channel with 'advanced' serialization (byte arrays travel as they are). Requests are
// batched per event-loop turn in both directions: one message per round carries all its answers.
import type { Answer } from './answer.js';
import type { ServerTimeouts } from './build-server.js';

/** How a front serves: the daemon's limits, and where it forwards what it does not answer itself. */
export interface FrontConfig {
  /** Unix socket of the daemon's own HTTP handler (every route, for proxied requests). */
  internalPath: string;
  maxHeaderBytes: number;
  /** The daemon's request body limit (413 past it). */
  maxBodyBytes: number;
  timeouts: ServerTimeouts;
  /** Accept-queue length to listen with (the daemon's; see HttpFrontOptions.backlog). */
  backlog: number;
}

/** Log levels a front forwards to the daemon's logger. */
export type FrontLogLevel = 'debug' | 'info' | 'warn' | 'error';

/**
 * Byte strings packed end to end with their lengths: one array crosses the IPC channel per batch
 * instead of one object per digest (a round of 10,000 is one message either way; this is cheaper to
 * serialize and to read).
 */
export interface Packed {
  lengths: number[];
  bytes: Uint8Array;
}

/** Daemon to front. The 'start' message carries the listening socket as its handle. */
export type ToFront =
  | { t: 'start'; config: FrontConfig }
  /** Pending proofs (200 answers to digests), packed. */
  | { t: 'proofs'; ids: number[]; proofs: Packed }
  | { t: 'answers'; ids: number[]; answers: Answer[] }
  | { t: 'drain' };

/** Front to daemon. */
export type ToHost =
  | { t: 'ready' }
  | { t: 'submit'; ids: number[]; digests: Packed }
  | { t: 'timestamp'; ids: number[]; hexes: string[] }
  /** HTTP histogram observations: [route, method, status, seconds]. */
  | { t: 'observed'; rows: [string, string, number, number][] }
  | { t: 'log'; level: FrontLogLevel; obj: Record<string, unknown>; msg: string };

/** Packs `items` into one array. */
export function pack(items: Uint8Array[]): Packed {
  const lengths = items.map((item) => item.length);
  return { lengths, bytes: Buffer.concat(items) };
}

/** The byte strings of `packed`, as Buffers over its one array (no copies). */
export function unpack(packed: Packed): Buffer[] {
  const all = Buffer.from(packed.bytes.buffer, packed.bytes.byteOffset, packed.bytes.byteLength);
  const out: Buffer[] = [];
  let at = 0;
  for (const length of packed.lengths) {
    out.push(all.subarray(at, at + length));
    at += length;
  }
  return out;
}

/** Answer bodies arrive as plain Uint8Array after the IPC copy; Node's writer wants Buffer or string. */
export function revive(answer: Answer): Answer {
  const body = answer.body;
  if (body === undefined || typeof body === 'string' || Buffer.isBuffer(body)) return answer;
  const bytes = body as Uint8Array;
  return { ...answer, body: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) };
}
