// What the HTTP API needs from a calendar and from the Bitcoin side (SPEC §9). The calendar facade
// and the stamper handle satisfy these structurally; tests and the daemon pass the real parts.

/** The calendar operations the routes call (a subset of the calendar facade). */
export interface CalendarApi {
  readonly uri: string;
  /** Resolves with the bare pending timestamp once the round is durable; rejects coded errors. */
  submit(digest: Uint8Array): Promise<Uint8Array>;
  /** submit() with a callback, told once (synchronously for refusals); the hot path uses it. */
  submitWith(digest: Uint8Array, done: (err: Error | undefined, proof?: Uint8Array) => void): void;
  /** The serialized tree rooted at `msg` when the store holds it (complete proofs only). */
  getTimestamp(msg: Uint8Array): Promise<Uint8Array | undefined>;
  /** True while `commitment` waits for a Bitcoin transaction. */
  isPending(commitment: Uint8Array): boolean;
  pendingCount(): number;
  stats(): object;
}

/** Where a commitment stands once the stamper has mined it but it lacks confirmations. */
export interface MinedStatus {
  state: 'mined';
  txid: string;
  confirmationsNeeded: number;
}

/** Health of the daemon's parts, for /health. */
export interface HealthReport {
  ok: boolean;
  components: Record<string, { ok: boolean; detail: string }>;
}

/** The optional Bitcoin side as the server sees it. */
export interface BitcoinApi {
  statusSource: { lookup(commitment: Uint8Array): MinedStatus | undefined };
  health(): HealthReport;
  stats(): Record<string, unknown>;
  /** The 32-byte tip of the latest unconfirmed timestamp transaction, if any (GET /tip). */
  tip?(): Uint8Array | undefined;
}
