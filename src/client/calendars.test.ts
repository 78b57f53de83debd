import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadFixture } from '../../test/support/fixtures.js';
import { checkCalendarUrl, makeWhitelist, UrlWhitelist } from './calendars.js';

interface Cases {
  valid: { description: string; patterns: string[]; defaults: boolean; url: string; allowed: boolean }[];
  invalid: { description: string; pattern: string; code: string }[];
}
const { valid, invalid } = loadFixture<Cases>('client-whitelist.json');

describe('UrlWhitelist', () => {
  for (const c of valid) {
    it(`${c.allowed ? 'allows' : 'refuses'} ${c.description}`, () => {
      assert.equal(makeWhitelist(c.patterns, c.defaults).has(c.url), c.allowed);
    });
  }
  for (const c of invalid) {
    it(`rejects ${c.description} with ${c.code}`, () => {
      assert.throws(() => new UrlWhitelist([c.pattern]), { code: c.code });
    });
  }
});

describe('checkCalendarUrl', () => {
  it('strips a trailing slash', () => assert.equal(checkCalendarUrl('http://127.0.0.1:1/'), 'http://127.0.0.1:1'));
  it('refuses other schemes', () => assert.throws(() => checkCalendarUrl('ftp://x'), { code: 'OTS_ERR_CLIENT_BAD_URL' }));
  it('refuses non-URLs', () => assert.throws(() => checkCalendarUrl('not a url'), { code: 'OTS_ERR_CLIENT_BAD_URL' }));
});
