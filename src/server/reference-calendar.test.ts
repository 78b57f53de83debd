// Drop-in check (issue #4 item 2): a calendar directory written by the reference otsd, served by our
// server, answers every recorded GET byte for byte (shared/spec/reference-calendar/expected.json).
import assert from 'node:assert/strict';
import { cpSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { openTestCalendar, startTestServer, suiteScope } from '../../test/support/calendar-server.js';
import { hasShared, SHARED_SKIP, sharedPath } from '../../test/support/fixtures.js';
import { tempDir } from '../../test/support/temp.js';

interface Answer {
  path: string;
  kind: string;
  status: number;
  content_type: string;
  cache_control: string | null;
  body_hex?: string;
  body_text?: string;
  after_reopen: string | Omit<Answer, 'path' | 'kind' | 'after_reopen'>;
}

const expected = hasShared()
  ? ((await import(sharedPath('spec', 'reference-calendar', 'expected.json'), { with: { type: 'json' } })) as {
      default: { get_answers: Answer[] };
    }).default
  : { get_answers: [] };

describe('a reference otsd calendar directory served by our server', { skip: SHARED_SKIP }, () => {
  let base = '';
  const scope = suiteScope(after);
  before(async () => {
    // Opening LevelDB rewrites db/, so the fixture is copied, never opened in place.
    const dir = join(tempDir(scope, 'ots-refcal-'), 'calendar');
    cpSync(sharedPath('spec', 'reference-calendar', 'calendar'), dir, { recursive: true });
    mkdirSync(join(dir, 'backup_cache'), { recursive: true });
    const calendar = await openTestCalendar(scope, { dir });
    base = (await startTestServer(scope, calendar)).base;
  });

  for (const answer of expected.get_answers) {
    // After a restart the reference answers from disk only; that is the state we open.
    const want = answer.after_reopen === 'identical' ? answer : typeof answer.after_reopen === 'object' ? answer.after_reopen : undefined;
    if (!want) continue;
    it(`answers GET ${answer.path.slice(0, 40)}… (${answer.kind}) with ${want.status}`, async () => {
      const res = await fetch(base + answer.path);
      const body = Buffer.from(await res.arrayBuffer());
      assert.equal(res.status, want.status);
      assert.equal(res.headers.get('content-type'), want.content_type);
      if (want.cache_control) assert.ok(res.headers.get('cache-control')?.startsWith(want.cache_control));
      if (want.body_hex !== undefined) assert.equal(body.toString('hex'), want.body_hex);
      else assert.equal(body.toString('utf8'), want.body_text);
    });
  }
});
