import assert from 'node:assert/strict';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { tempDir } from '../../test/support/temp.js';
import { ignoreHangup, openLogFile } from './log-file.js';

type Stream = pino.DestinationStream & { on(e: string, f: () => void): void; off(e: string, f: () => void): void; once(e: string, f: () => void): void };

/**
 * Resolves once `file` holds a line with `msg`. The destination writes asynchronously and its flush(cb)
 * does not wait for writes (minLength 0), so wait on its 'write' events instead.
 */
function written(stream: pino.DestinationStream, file: string, msg: string): Promise<void> {
  const s = stream as Stream;
  const has = () => {
    try {
      return readFileSync(file, 'utf8').includes(`"msg":"${msg}"`);
    } catch {
      return false;
    }
  };
  return new Promise((resolve) => {
    if (has()) return resolve();
    const check = () => {
      if (!has()) return;
      s.off('write', check);
      resolve();
    };
    s.on('write', check);
  });
}

/**
 * Waits for something a signal sets off. A signal watcher does not keep the event loop alive, so without
 * this timer the runner may find the loop empty before the signal is read; it also bounds the wait.
 */
async function withinBound<T>(event: Promise<T>, ms = 10_000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no signal handled within ${ms} ms`)), ms)));
  try {
    return await Promise.race([event, bound]);
  } finally {
    clearTimeout(timer);
  }
}

function lines(path: string): string[] {
  return readFileSync(path, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { msg: string }).msg);
}

describe('openLogFile', () => {
  it('reopens the file on a real SIGHUP, so a rotated file keeps the old lines and the new file gets the rest', async (t) => {
    const dir = tempDir(t);
    const path = join(dir, 'logs', 'debug.log'); // the folder is created
    const before = process.listenerCount('SIGHUP');
    const file = await openLogFile(path);
    t.after(() => file.close());
    const log = pino({ base: null }, file.stream);
    log.info('before rotation');
    await written(file.stream, path, 'before rotation');

    renameSync(path, `${path}.1`); // what logrotate does first
    const reopened = new Promise<void>((resolve) => (file.stream as Stream).once('ready', resolve));
    process.kill(process.pid, 'SIGHUP'); // then its postrotate step
    await withinBound(reopened);
    log.info('after rotation');
    await written(file.stream, path, 'after rotation');

    assert.deepEqual(lines(`${path}.1`), ['before rotation']);
    assert.deepEqual(lines(path), ['after rotation']);
    file.close();
    assert.equal(process.listenerCount('SIGHUP'), before, 'close() stops listening');
  });

  it('reopens on request and appends to an existing file', async (t) => {
    const path = join(tempDir(t), 'debug.log');
    const first = await openLogFile(path, undefined);
    pino({ base: null }, first.stream).info('one');
    await written(first.stream, path, 'one');
    first.close();
    const second = await openLogFile(path, undefined);
    t.after(() => second.close());
    const log = pino({ base: null }, second.stream);
    log.info('two');
    await written(second.stream, path, 'two');
    renameSync(path, `${path}.old`);
    await second.reopen();
    log.info('three');
    await written(second.stream, path, 'three');
    assert.deepEqual(lines(`${path}.old`), ['one', 'two']);
    assert.deepEqual(lines(path), ['three']);
  });

  it('rejects with the open error where the path cannot be a file', async (t) => {
    const dir = tempDir(t);
    await assert.rejects(openLogFile(dir, undefined), { code: 'EISDIR' });
  });

  it('without a log file, a SIGHUP is noticed and the process lives on', async () => {
    let heard!: () => void;
    const noticed = new Promise<void>((resolve) => (heard = resolve));
    const stop = ignoreHangup(process, () => heard());
    process.kill(process.pid, 'SIGHUP');
    await withinBound(noticed);
    stop();
  });
});
