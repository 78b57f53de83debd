import assert from 'node:assert/strict';
import { writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { tempDir } from '../../test/support/temp.js';
import { discoverRpc, parseBitcoinConf } from './bitcoin-conf.js';

describe('bitcoin.conf discovery', () => {
  it('reads global keys and lets the network section override them', () => {
    const text = 'rpcuser=alice\nrpcpassword=pw # comment\n[test]\nrpcport=1234\n[main]\nrpcport=9999\nregtest.rpcport=5555\n';
    assert.deepEqual(parseBitcoinConf(text, 'test'), { rpcuser: 'alice', rpcpassword: 'pw', rpcport: '1234' });
    assert.equal(parseBitcoinConf(text, 'regtest').rpcport, '5555');
  });

  it('uses user/password from the conf file and the default port per network', (t) => {
    const dir = tempDir(t);
    writeFileSync(join(dir, 'bitcoin.conf'), 'rpcuser=u\nrpcpassword=p\n');
    assert.deepEqual(discoverRpc({ network: 'test', dataDir: dir }), { url: 'http://127.0.0.1:18332/', username: 'u', password: 'p' });
  });

  it('falls back to the cookie of the network subdirectory and adds the wallet path', (t) => {
    const dir = tempDir(t);
    mkdirSync(join(dir, 'regtest'));
    writeFileSync(join(dir, 'regtest', '.cookie'), '__cookie__:secret\n');
    const ep = discoverRpc({ network: 'regtest', dataDir: dir, wallet: 'ots' });
    assert.deepEqual(ep, { url: 'http://127.0.0.1:18443/wallet/ots', username: '__cookie__', password: 'secret' });
  });

  it('takes credentials from --btc-rpc-url and keeps them out of the url', (t) => {
    const ep = discoverRpc({ network: 'main', dataDir: tempDir(t), rpcUrl: 'http://me:s%40cret@10.0.0.2:8332' });
    assert.deepEqual(ep, { url: 'http://10.0.0.2:8332/', username: 'me', password: 's@cret' });
  });

  it('says so with a code when no credentials exist', (t) => {
    assert.throws(() => discoverRpc({ network: 'main', dataDir: tempDir(t) }), { code: 'OTS_ERR_RPC_NO_CONFIG' });
  });
});
