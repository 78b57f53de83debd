// The set of journaled commitments not yet stamped into the store (SPEC §10 "pending"), kept compact:
// 1,000,000 entries must fit in well under 100 MB, so records live in one growing Buffer indexed by an
// open-addressing hash table in an Int32Array instead of a Map/Set of strings.

const SLOT_BYTES = 44;
const EMPTY = 0;
const TOMBSTONE = -1;

/** Ordered (by journal index) set of commitments (36 or 44 bytes) with O(1) add/has/delete. */
export class PendingSet {
  private records = Buffer.alloc(SLOT_BYTES * 1024);
  private lengths = new Uint8Array(1024);
  private journalIndex = new Float64Array(1024);
  /** Slots in use, live or deleted; live slots are [0, used) with lengths[i] !== 0. */
  private used = 0;
  private live = 0;
  /** Hash table of slot+1 (0 empty, -1 deleted). */
  private table = new Int32Array(4096);
  private tableFill = 0;
  /** True when a slot was added out of journal order (a re-added commitment). */
  private unsorted = false;

  get size(): number {
    return this.live;
  }

  has(commitment: Uint8Array): boolean {
    return this.find(commitment) >= 0;
  }

  /** Journal index of a pending commitment, or undefined. */
  indexOf(commitment: Uint8Array): number | undefined {
    const slot = this.find(commitment);
    return slot < 0 ? undefined : this.journalIndex[slot];
  }

  /** Adds `commitment` recorded at `journalIndex`; returns false if it was already pending. */
  add(commitment: Uint8Array, journalIndex: number): boolean {
    if (commitment.length === 0 || commitment.length > SLOT_BYTES) throw new RangeError(`commitment of ${commitment.length} bytes`);
    if ((this.tableFill + 1) * 2 > this.table.length) {
      // Full of live entries: double; full of tombstones: rebuild at the same size.
      this.rehash((this.live + 1) * 2 > this.table.length / 2 ? this.table.length * 2 : this.table.length);
    }
    const mask = this.table.length - 1;
    let pos = hashBytes(commitment, 0, commitment.length) & mask;
    let reuse = -1;
    for (; ; pos = (pos + 1) & mask) {
      const v = this.table[pos]!;
      if (v === EMPTY) break;
      if (v === TOMBSTONE) {
        if (reuse < 0) reuse = pos;
      } else if (this.equalsSlot(v - 1, commitment)) {
        return false;
      }
    }
    if (this.used === this.lengths.length) this.grow();
    const slot = this.used++;
    this.records.set(commitment, slot * SLOT_BYTES);
    this.lengths[slot] = commitment.length;
    this.journalIndex[slot] = journalIndex;
    if (slot > 0 && this.journalIndex[slot - 1]! > journalIndex) this.unsorted = true;
    if (reuse >= 0) {
      this.table[reuse] = slot + 1;
    } else {
      this.table[pos] = slot + 1;
      this.tableFill++;
    }
    this.live++;
    return true;
  }

  /** Removes `commitment`; returns false if it was not pending. */
  delete(commitment: Uint8Array): boolean {
    const pos = this.findPosition(commitment);
    if (pos < 0) return false;
    const slot = this.table[pos]! - 1;
    this.table[pos] = TOMBSTONE;
    this.lengths[slot] = 0;
    this.live--;
    // Compact once most slots are dead, so memory follows the live count.
    if (this.used > 1024 && this.live * 2 < this.used) this.compact();
    return true;
  }

  /** Smallest journal index still pending, or undefined when empty. */
  firstIndex(): number | undefined {
    this.sortIfNeeded();
    for (let i = 0; i < this.used; i++) if (this.lengths[i] !== 0) return this.journalIndex[i];
    return undefined;
  }

  /** Up to `limit` pending commitments in journal order (copies). */
  list(limit = Infinity): Uint8Array[] {
    this.sortIfNeeded();
    const out: Uint8Array[] = [];
    for (let i = 0; i < this.used && out.length < limit; i++) {
      const n = this.lengths[i]!;
      if (n !== 0) out.push(new Uint8Array(this.records.subarray(i * SLOT_BYTES, i * SLOT_BYTES + n)));
    }
    return out;
  }

  /** Bytes held by the backing arrays (for stats and the memory benchmark). */
  get byteSize(): number {
    return this.records.length + this.lengths.byteLength + this.journalIndex.byteLength + this.table.byteLength;
  }

  private equalsSlot(slot: number, c: Uint8Array): boolean {
    if (this.lengths[slot] !== c.length) return false;
    const base = slot * SLOT_BYTES;
    for (let i = 0; i < c.length; i++) if (this.records[base + i] !== c[i]) return false;
    return true;
  }

  private findPosition(c: Uint8Array): number {
    const mask = this.table.length - 1;
    for (let pos = hashBytes(c, 0, c.length) & mask; ; pos = (pos + 1) & mask) {
      const v = this.table[pos]!;
      if (v === EMPTY) return -1;
      if (v !== TOMBSTONE && this.equalsSlot(v - 1, c)) return pos;
    }
  }

  private find(c: Uint8Array): number {
    const pos = this.findPosition(c);
    return pos < 0 ? -1 : this.table[pos]! - 1;
  }

  private insertSlot(slot: number): void {
    const mask = this.table.length - 1;
    let pos = hashBytes(this.records, slot * SLOT_BYTES, this.lengths[slot]!) & mask;
    while (this.table[pos] !== EMPTY) pos = (pos + 1) & mask;
    this.table[pos] = slot + 1;
    this.tableFill++;
  }

  private grow(): void {
    const n = this.lengths.length * 2;
    const records = Buffer.alloc(n * SLOT_BYTES);
    records.set(this.records.subarray(0, this.used * SLOT_BYTES));
    const lengths = new Uint8Array(n);
    lengths.set(this.lengths.subarray(0, this.used));
    const journalIndex = new Float64Array(n);
    journalIndex.set(this.journalIndex.subarray(0, this.used));
    this.records = records;
    this.lengths = lengths;
    this.journalIndex = journalIndex;
  }

  private rehash(size: number): void {
    this.table = new Int32Array(size);
    this.tableFill = 0;
    for (let i = 0; i < this.used; i++) if (this.lengths[i] !== 0) this.insertSlot(i);
  }

  /** Drops dead slots (and sorts by journal index), then rebuilds the table. */
  private compact(): void {
    const order: number[] = [];
    for (let i = 0; i < this.used; i++) if (this.lengths[i] !== 0) order.push(i);
    if (this.unsorted) order.sort((a, b) => this.journalIndex[a]! - this.journalIndex[b]!);
    const cap = Math.max(1024, 2 ** Math.ceil(Math.log2(order.length + 1)));
    const records = Buffer.alloc(cap * SLOT_BYTES);
    const lengths = new Uint8Array(cap);
    const journalIndex = new Float64Array(cap);
    order.forEach((from, to) => {
      records.set(this.records.subarray(from * SLOT_BYTES, from * SLOT_BYTES + this.lengths[from]!), to * SLOT_BYTES);
      lengths[to] = this.lengths[from]!;
      journalIndex[to] = this.journalIndex[from]!;
    });
    this.records = records;
    this.lengths = lengths;
    this.journalIndex = journalIndex;
    this.used = order.length;
    this.unsorted = false;
    this.rehash(Math.max(4096, 2 ** Math.ceil(Math.log2(order.length * 2 + 2))));
  }

  private sortIfNeeded(): void {
    if (this.unsorted) this.compact();
  }
}

/**
 * Hash of a commitment for the table: bytes 4..12 start the merkle root (random), folded with the
 * length (legacy 36-byte records), then murmur3's finalizer so the low bits used as index are mixed.
 */
function hashBytes(bytes: Uint8Array, offset: number, length: number): number {
  let h = Math.imul(length, 0x9e3779b1);
  const end = offset + Math.min(length, 12);
  for (let i = offset + 4; i < end; i++) h = Math.imul(h ^ bytes[i]!, 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
