import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { toHex } from '../core/index.js';
import { PendingSet } from './pending-set.js';

/** Deterministic pseudo-random commitments (44 bytes, or 36 for every 7th as a legacy record). */
function commitment(i: number): Uint8Array {
  const c = new Uint8Array(i % 7 === 0 ? 36 : 44);
  let x = (i + 1) * 2654435761;
  for (let k = 0; k < c.length; k++) {
    x = (Math.imul(x ^ (x >>> 15), 0x2c1b3c6d) + k) | 0;
    c[k] = x & 0xff;
  }
  return c;
}

describe('PendingSet', () => {
  it('adds, finds and deletes commitments, listing them in journal order', () => {
    const set = new PendingSet();
    for (let i = 0; i < 5000; i++) assert.equal(set.add(commitment(i), i), true);
    assert.equal(set.add(commitment(3), 3), false);
    assert.equal(set.size, 5000);
    for (let i = 0; i < 5000; i += 2) assert.equal(set.delete(commitment(i)), true);
    assert.equal(set.delete(commitment(0)), false);
    assert.equal(set.size, 2500);
    for (let i = 0; i < 5000; i++) assert.equal(set.has(commitment(i)), i % 2 === 1, `commitment ${i}`);
    assert.equal(set.indexOf(commitment(41)), 41);
    assert.equal(set.firstIndex(), 1);
    assert.deepEqual(set.list(3).map(toHex), [1, 3, 5].map((i) => toHex(commitment(i))));
    assert.equal(set.list().length, 2500);
  });

  it('puts a re-added commitment back in journal order', () => {
    const set = new PendingSet();
    for (let i = 0; i < 10; i++) set.add(commitment(i), i);
    for (let i = 0; i < 10; i++) if (i !== 8) set.delete(commitment(i));
    set.add(commitment(2), 2);
    set.add(commitment(5), 5);
    assert.deepEqual(set.list().map(toHex), [2, 5, 8].map((i) => toHex(commitment(i))));
    assert.equal(set.firstIndex(), 2);
  });

  it('stays consistent through heavy churn (tombstones, compaction, growth)', () => {
    const set = new PendingSet();
    const live = new Set<number>();
    let next = 0;
    for (let round = 0; round < 40; round++) {
      for (let k = 0; k < 700; k++) {
        set.add(commitment(next), next);
        live.add(next++);
      }
      for (const i of [...live].slice(0, 650)) {
        set.delete(commitment(i));
        live.delete(i);
      }
    }
    assert.equal(set.size, live.size);
    assert.deepEqual(set.list().map(toHex), [...live].map((i) => toHex(commitment(i))));
    for (let i = 0; i < next; i++) assert.equal(set.has(commitment(i)), live.has(i));
    assert.ok(set.byteSize < 1_000_000, `${set.byteSize} bytes for ${set.size} entries`);
  });

  it('is empty with no first index', () => {
    const set = new PendingSet();
    assert.equal(set.firstIndex(), undefined);
    assert.deepEqual(set.list(), []);
    assert.throws(() => set.add(new Uint8Array(45), 0), RangeError);
  });
});

describe('PendingSet against a Map model (fast-check)', () => {
  it('agrees with a Map on every add/delete/has sequence, and lists in journal order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.constantFrom('add', 'delete', 'has'), fc.nat(300)), { maxLength: 2000 }),
        (steps) => {
          const set = new PendingSet();
          const model = new Map<number, number>();
          for (const [what, i] of steps) {
            const c = commitment(i);
            if (what === 'add') {
              assert.equal(set.add(c, i), !model.has(i));
              model.set(i, i);
            } else if (what === 'delete') assert.equal(set.delete(c), model.delete(i));
            else assert.equal(set.has(c), model.has(i));
          }
          assert.equal(set.size, model.size);
          const order = [...model.keys()].sort((a, b) => a - b);
          assert.deepEqual(set.list().map(toHex), order.map((i) => toHex(commitment(i))));
          assert.equal(set.firstIndex(), order[0]);
        },
      ),
      { numRuns: 60 },
    );
  });
});
