import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { loadFixture } from '../../test/support/fixtures.js';
import { parseRegistryConfig, type RegistryConfig } from './registry-config.js';

interface Cases {
  valid: { description: string; toml: string; expect: Partial<RegistryConfig> }[];
  invalid: { description: string; toml: string; key: string; code: string }[];
}
const { valid, invalid } = loadFixture<Cases>('client-registry-config.json');
const BASE = '/srv/registry-config';

describe('parseRegistryConfig', () => {
  for (const c of valid) {
    it(`reads ${c.description}`, () => {
      const config = parseRegistryConfig(c.toml, BASE);
      const { registryPath, proofsPath, ...rest } = c.expect;
      for (const [k, v] of Object.entries(rest)) assert.deepEqual(config[k as keyof RegistryConfig], v, k);
      // relative paths are resolved against the config file's folder
      assert.equal(config.registryPath, join(BASE, registryPath!));
      assert.equal(config.proofsPath, join(BASE, proofsPath!));
    });
  }
  for (const c of invalid) {
    it(`rejects ${c.description} with ${c.code}`, () => {
      assert.throws(() => parseRegistryConfig(c.toml, BASE), (err: Error & { code: string }) => {
        assert.equal(err.code, c.code);
        assert.ok(err.message.includes(c.key), `message names ${c.key}: ${err.message}`);
        return true;
      });
    });
  }
});
