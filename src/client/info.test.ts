import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readProof } from '../core/index.js';
import { SHARED_SKIP, sharedPath } from '../../test/support/fixtures.js';
import { proofInfo, proofText } from './info.js';

const HELLO = 'real-ots/files/opentimestamps__opentimestamps-client/examples/hello-world.txt.ots';

describe('proofInfo', { skip: SHARED_SKIP }, () => {
  it('lists the file digest and the Bitcoin attestation of hello-world.txt with its commitment', () => {
    const info = proofInfo(readProof(readFileSync(sharedPath(HELLO))));
    assert.equal(info.fileHashOp, 'sha256');
    assert.equal(info.fileDigest, '03ba204e50d126e4674c005e04d82e84c21366780af1f43bd54a37816b6ab340');
    assert.equal(info.complete, true);
    const btc = info.attestations.find((a) => a.type === 'bitcoin');
    assert.equal(btc && 'height' in btc && btc.height, 358391);
    // the commitment is the block merkle root in internal byte order (32 bytes)
    assert.equal(btc?.commitment.length, 64);
  });

  it('renders the readable tree', () => {
    const text = proofText(readProof(readFileSync(sharedPath(HELLO))));
    assert.match(text, /^File sha256 hash: 03ba204e/);
    assert.match(text, /verify BitcoinBlockHeaderAttestation\(358391\)/);
  });
});
