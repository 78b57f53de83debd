// The LevelDB store of stamped timestamps (SPEC §8.3): one entry per tree node, key = the node's message,
// value = its attestations and ops (store-codec.ts). Opens a reference otsd db/ as-is (bytewise keys).
import { ClassicLevel } from 'classic-level';
import type { Logger } from 'pino';
import { type Attestation, compareAttestations, compareOps, isOtsError, MAX_OPS_DEPTH, type Op, Timestamp } from '../core/index.js';
import { calendarErrors } from './errors.js';
import { decodeNodeValue, encodeNodeValue } from './store-codec.js';

/** A reconstructed tree larger than this is refused: real proofs have well under 200 nodes. */
export const MAX_TREE_NODES = 10_000;

type Db = ClassicLevel<Uint8Array, Uint8Array>;

/** The open LevelDB of stamped timestamps (reference layout), with merge-on-write and guarded reads. */
export class CalendarStore {
  private closing: Promise<void> | undefined;
  /** Called with every batch before it is written (the replication log, docs/replication.md). */
  private beforeBatch: ((puts: readonly { key: Uint8Array; value: Uint8Array }[]) => Promise<void>) | undefined;

  private constructor(
    private readonly db: Db,
    private readonly log: Logger,
  ) {}

  /** Opens (creating if missing) the LevelDB at `path`. A held LOCK → OTS_ERR_STORE_LOCKED. */
  static async open(path: string, logger: Logger): Promise<CalendarStore> {
    const db: Db = new ClassicLevel<Uint8Array, Uint8Array>(path, { keyEncoding: 'view', valueEncoding: 'view' });
    try {
      await db.open();
    } catch (err) {
      const cause = (err as { cause?: { code?: string } }).cause;
      if (cause?.code === 'LEVEL_LOCKED') {
        logger.error({ path, err }, 'calendar database LOCK is held by another process');
        throw calendarErrors.OTS_ERR_STORE_LOCKED().causedBy(err);
      }
      logger.error({ path, err }, 'cannot open calendar database');
      throw calendarErrors.OTS_ERR_STORE_OPEN_FAILED(cause?.code ?? (err as { code?: string }).code ?? 'unknown error').causedBy(err);
    }
    return new CalendarStore(db, logger.child({ part: 'store' }));
  }

  /** True when `msg` is a stored node (for a commitment: it is stamped). */
  async has(msg: Uint8Array): Promise<boolean> {
    return (await this.db.get(msg)) !== undefined;
  }

  /** has() for many keys in one round trip. */
  async hasMany(msgs: Uint8Array[]): Promise<boolean[]> {
    if (msgs.length === 0) return [];
    return (await this.db.getMany(msgs)).map((v) => v !== undefined);
  }

  /** The raw stored value of one node (for backups), or undefined. */
  async getValue(msg: Uint8Array): Promise<Uint8Array | undefined> {
    return this.db.get(msg);
  }

  /** getValue() for many keys in one round trip (backup chunks read thousands of nodes per level). */
  async getValues(msgs: Uint8Array[]): Promise<(Uint8Array | undefined)[]> {
    return msgs.length === 0 ? [] : this.db.getMany(msgs);
  }

  /**
   * Reconstructs the tree rooted at `msg` by recursive look-up of op(key), or undefined if `msg` is not
   * stored. Uses synchronous reads: a proof is a chain of ~50-100 nodes, and one thread-pool hop per
   * node would dominate a GET. Depth (255 ops) and size (MAX_TREE_NODES) guards stop cycles and damage.
   */
  get(msg: Uint8Array): Timestamp | undefined {
    const rootValue = this.db.getSync(msg);
    if (rootValue === undefined) return undefined;
    const root = new Timestamp(msg);
    let count = 0;
    const fill = (node: Timestamp, value: Uint8Array, depth: number): void => {
      if (++count > MAX_TREE_NODES) throw calendarErrors.OTS_ERR_STORE_TREE_TOO_LARGE(`${MAX_TREE_NODES} nodes`);
      const { attestations, ops } = decodeNodeValue(value);
      if (attestations.length + ops.length === 0) throw calendarErrors.OTS_ERR_STORE_CORRUPT('a stored node has neither attestations nor ops');
      for (const a of attestations) node.addAttestation(a);
      for (const op of ops) {
        if (depth >= MAX_OPS_DEPTH) throw calendarErrors.OTS_ERR_STORE_TREE_TOO_LARGE(`${MAX_OPS_DEPTH} ops on one path`);
        let child: Timestamp;
        try {
          child = node.add(op);
        } catch (err) {
          throw isOtsError(err) ? calendarErrors.OTS_ERR_STORE_CORRUPT(err.message).causedBy(err) : err;
        }
        const childValue = this.db.getSync(child.msg);
        if (childValue === undefined) throw calendarErrors.OTS_ERR_STORE_CORRUPT('an op leads to a node that is not stored');
        fill(child, childValue, depth + 1);
      }
    };
    fill(root, rootValue, 0);
    return root;
  }

  /**
   * Saves every node of `timestamps` in ONE synchronous batch, merging with existing values (union of
   * attestations and ops). Nodes shared between the trees are visited once.
   */
  async add(timestamps: Timestamp | readonly Timestamp[]): Promise<void> {
    const merged = new Map<string, { key: Uint8Array; attestations: Attestation[]; ops: Op[] }>();
    const seen = new Set<Timestamp>();
    const stack = Array.isArray(timestamps) ? [...(timestamps as Timestamp[])] : [timestamps as Timestamp];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (seen.has(node)) continue;
      seen.add(node);
      const id = Buffer.from(node.msg.buffer, node.msg.byteOffset, node.msg.length).toString('latin1');
      let entry = merged.get(id);
      if (!entry) merged.set(id, (entry = { key: node.msg, attestations: [], ops: [] }));
      for (const a of node.attestations) addAttestation(entry.attestations, a);
      for (const { op, child } of node.ops) {
        addOp(entry.ops, op);
        stack.push(child);
      }
    }
    const entries = [...merged.values()];
    const existing = entries.length > 0 ? await this.db.getMany(entries.map((e) => e.key)) : [];
    const batch: { type: 'put'; key: Uint8Array; value: Uint8Array }[] = [];
    entries.forEach((entry, i) => {
      const old = existing[i];
      if (old !== undefined) {
        const before = decodeNodeValue(old);
        for (const a of before.attestations) addAttestation(entry.attestations, a);
        for (const op of before.ops) addOp(entry.ops, op);
      }
      const value = encodeNodeValue(entry);
      if (old === undefined || Buffer.compare(Buffer.from(old), Buffer.from(value)) !== 0) {
        batch.push({ type: 'put', key: entry.key, value });
      }
    });
    if (batch.length > 0) await this.writeBatch(batch);
    this.log.debug({ nodes: entries.length, written: batch.length }, 'timestamps saved');
  }

  /**
   * Stores already-validated node values (a mirrored backup chunk, SPEC §9.6) in ONE synchronous batch.
   * New keys are written as given, as the reference's importer does; existing ones are merged (union).
   */
  async putValues(entries: readonly { key: Uint8Array; value: Uint8Array }[]): Promise<void> {
    if (entries.length === 0) return;
    const existing = await this.db.getMany(entries.map((e) => e.key));
    const batch = entries.map((entry, i) => {
      const old = existing[i];
      if (old === undefined || Buffer.compare(Buffer.from(old), Buffer.from(entry.value)) === 0) {
        return { type: 'put' as const, key: entry.key, value: entry.value };
      }
      const merged = decodeNodeValue(entry.value);
      const before = decodeNodeValue(old);
      for (const a of before.attestations) addAttestation(merged.attestations, a);
      for (const op of before.ops) addOp(merged.ops, op);
      return { type: 'put' as const, key: entry.key, value: encodeNodeValue(merged) };
    });
    await this.writeBatch(batch);
  }

  /** Hands the batch to the replication log (if any), then writes it as ONE synchronous LevelDB batch. */
  private async writeBatch(batch: { type: 'put'; key: Uint8Array; value: Uint8Array }[]): Promise<void> {
    await this.beforeBatch?.(batch);
    // A chained batch: for thousands of puts it costs a fifth of the array form's per-op JS work.
    const chained = this.db.batch();
    for (const op of batch) chained.put(op.key, op.value);
    await chained.write({ sync: true });
  }

  /** Makes every later batch go through `hook` first (durably logged before it reaches LevelDB); undefined detaches. */
  setBeforeBatch(hook: ((puts: readonly { key: Uint8Array; value: Uint8Array }[]) => Promise<void>) | undefined): void {
    this.beforeBatch = hook;
  }

  /** Every (key, value) pair in key order (bytewise), for backups and checks. */
  async *entries(opts: { gte?: Uint8Array; lt?: Uint8Array } = {}): AsyncGenerator<[Uint8Array, Uint8Array]> {
    for await (const [key, value] of this.db.iterator(opts)) yield [key, value];
  }

  /** Closes the database (waits for pending writes). Idempotent. */
  close(): Promise<void> {
    this.closing ??= this.db.close();
    return this.closing;
  }
}

function addAttestation(list: Attestation[], a: Attestation): void {
  if (!list.some((b) => compareAttestations(a, b) === 0 && sameUnknownTag(a, b))) list.push(a);
}

function sameUnknownTag(a: Attestation, b: Attestation): boolean {
  return a.type !== 'unknown' || (b.type === 'unknown' && Buffer.compare(Buffer.from(a.tag), Buffer.from(b.tag)) === 0);
}

function addOp(list: Op[], op: Op): void {
  if (!list.some((o) => compareOps(o, op) === 0)) list.push(op);
}
