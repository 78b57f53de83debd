// A small LRU of served proofs for GET /timestamp (SPEC §9.2). A stored proof is complete and, like the
// reference's year-long Cache-Control says, does not change; the TTL bounds the rare merge of a later
// attestation into a stored node. Saves the LevelDB walk and the ETag hash on hot commitments.

/** A proof body with its ETag, as the route sends it. */
export interface CachedProof {
  body: Buffer;
  etag: string;
}

/** LRU keyed by the lower-case hex of the message, with a time-to-live per entry. */
export class ProofCache {
  private readonly entries = new Map<string, CachedProof & { expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
    private readonly nowMs: () => number = Date.now,
  ) {}

  /** The cached proof for `key`, refreshed as most recently used; undefined when absent or expired. */
  get(key: string): CachedProof | undefined {
    const hit = this.entries.get(key);
    if (hit === undefined) return undefined;
    this.entries.delete(key);
    if (hit.expiresAt <= this.nowMs()) return undefined;
    this.entries.set(key, hit);
    return hit;
  }

  /** Remembers `proof`, evicting the least recently used entry when full. */
  set(key: string, proof: CachedProof): void {
    if (this.maxEntries <= 0) return;
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { ...proof, expiresAt: this.nowMs() + this.ttlMs });
  }

  get size(): number {
    return this.entries.size;
  }
}
