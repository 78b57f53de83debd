// The GET /timestamp proof cache: least recently used entries go first, expired ones are not served.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ProofCache } from './proof-cache.js';

const proof = (n: number) => ({ body: Buffer.from([n]), etag: `"${n}"` });

describe('ProofCache', () => {
  it('evicts the least recently used entry when full', () => {
    const cache = new ProofCache(2, 1000);
    cache.set('a', proof(1));
    cache.set('b', proof(2));
    assert.equal(cache.get('a')?.etag, '"1"'); // a is now the most recent
    cache.set('c', proof(3));
    assert.equal(cache.get('b'), undefined);
    assert.equal(cache.get('a')?.etag, '"1"');
    assert.equal(cache.get('c')?.etag, '"3"');
    assert.equal(cache.size, 2);
  });

  it('does not serve an entry past its time to live', () => {
    let now = 0;
    const cache = new ProofCache(10, 100, () => now);
    cache.set('a', proof(1));
    now = 99;
    assert.ok(cache.get('a'));
    now = 200;
    assert.equal(cache.get('a'), undefined);
  });

  it('keeps nothing when sized 0', () => {
    const cache = new ProofCache(0, 100);
    cache.set('a', proof(1));
    assert.equal(cache.get('a'), undefined);
  });
});
