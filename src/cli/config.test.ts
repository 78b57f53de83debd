// Settings precedence for otsd: flag > environment (OTSD_*) > TOML config file > default.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { Command } from 'commander';
import { tempDir } from '../../test/support/temp.js';
import { applyEnvAndFile, envName, intInRange, readConfigFile } from './config.js';

/** A command shaped like `otsd run`: a numeric, a string and a boolean flag, with defaults. */
function runLike(): Command {
  return new Command('run')
    .exitOverride()
    .option('-c, --calendar <dir>', 'dir', '/default/cal')
    .option('--rpc-port <port>', 'port', intInRange(0, 65535), 14788)
    .option('--max-pending <n>', 'n', intInRange(1, 1000))
    .option('--btc-regtest', 'regtest')
    .option('--no-bitcoin', 'calendar only')
    .action(() => undefined);
}

function resolve(argv: string[], env: Record<string, string>, file: Record<string, unknown> = {}) {
  const cmd = runLike();
  cmd.parse(argv, { from: 'user' });
  applyEnvAndFile(cmd, env, file);
  return cmd.opts<{ calendar: string; rpcPort: number; maxPending?: number; btcRegtest?: boolean; bitcoin?: boolean }>();
}

describe('otsd settings', () => {
  it('names environment variables after the long flag', () => {
    assert.equal(envName('rpc-port'), 'OTSD_RPC_PORT');
    assert.equal(envName('--btc-regtest'), 'OTSD_BTC_REGTEST');
  });

  it('keeps defaults when nothing else is given', () => {
    assert.deepEqual(resolve([], {}), { calendar: '/default/cal', rpcPort: 14788, bitcoin: true });
  });

  it('prefers flag over environment over file over default', () => {
    const file = { 'rpc-port': 3000, calendar: '/file/cal', 'max-pending': 5, 'btc-regtest': true };
    const env = { OTSD_RPC_PORT: '2000', OTSD_CALENDAR: '/env/cal' };
    assert.deepEqual(resolve(['--rpc-port', '1000'], env, file), {
      calendar: '/env/cal',
      rpcPort: 1000,
      maxPending: 5,
      btcRegtest: true,
      bitcoin: true,
    });
    assert.equal(resolve([], env, file).rpcPort, 2000);
    assert.equal(resolve([], {}, file).rpcPort, 3000);
  });

  it('parses environment booleans and numbers like the flags', () => {
    const opts = resolve([], { OTSD_BTC_REGTEST: 'yes', OTSD_MAX_PENDING: '7' });
    assert.equal(opts.btcRegtest, true);
    assert.equal(opts.maxPending, 7);
    assert.equal(resolve([], { OTSD_BTC_REGTEST: '0' }).btcRegtest, false);
    assert.equal(resolve([], { OTSD_NO_BITCOIN: '1' }).bitcoin, false);
    assert.equal(resolve([], {}, { 'no-bitcoin': true }).bitcoin, false);
    assert.equal(resolve(['--no-bitcoin'], { OTSD_NO_BITCOIN: 'false' }).bitcoin, false);
  });

  const invalid: { description: string; env?: Record<string, string>; file?: Record<string, unknown>; code: string }[] = [
    { description: 'a non-numeric port from the environment', env: { OTSD_RPC_PORT: 'http' }, code: 'OTS_ERR_CONFIG_INVALID_VALUE' },
    { description: 'a port out of range from the file', file: { 'rpc-port': 70000 }, code: 'OTS_ERR_CONFIG_INVALID_VALUE' },
    { description: 'a boolean that is neither true nor false', env: { OTSD_BTC_REGTEST: 'maybe' }, code: 'OTS_ERR_CONFIG_INVALID_VALUE' },
    { description: 'a table where a value belongs', file: { calendar: { dir: 'x' } }, code: 'OTS_ERR_CONFIG_INVALID_VALUE' },
    { description: 'a misspelt key in the file', file: { 'rpc-prot': 1 }, code: 'OTS_ERR_CONFIG_UNKNOWN_KEY' },
  ];
  for (const c of invalid) {
    it(`refuses ${c.description} with ${c.code}`, () => {
      assert.throws(() => resolve([], c.env ?? {}, c.file ?? {}), { code: c.code });
    });
  }

  it('reads a TOML file and refuses a broken one with OTS_ERR_CONFIG_FILE_UNREADABLE', (t) => {
    const dir = tempDir(t);
    const good = join(dir, 'otsd.toml');
    writeFileSync(good, 'rpc-port = 15000\ncalendar = "/srv/cal"\nbtc-regtest = true\n');
    assert.deepEqual(readConfigFile(good), { 'rpc-port': 15000, calendar: '/srv/cal', 'btc-regtest': true });
    const bad = join(dir, 'bad.toml');
    writeFileSync(bad, 'rpc-port = = 1\n');
    assert.throws(() => readConfigFile(bad), { code: 'OTS_ERR_CONFIG_FILE_UNREADABLE' });
    assert.throws(() => readConfigFile(join(dir, 'missing.toml')), { code: 'OTS_ERR_CONFIG_FILE_UNREADABLE' });
  });
});
