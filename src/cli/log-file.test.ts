import assert from 'node:assert/strict';
import { readFileSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import pino from 'pino';
import { tempDir } from '../../test/support/temp.js';
import { ignoreHangup, openLogFile } from './log-file.js';

type Flushable = pino.DestinationStream & { flush(cb: (err?: Error | null) => void): void; once(e: string, f: () => void): void };

function flushed(stream: pino.DestinationStream): Promise<void> {
  return new Promise((resolve, reject) => (stream as Flushable).flush((err) => (err ? reject(err) : resolve())));
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
    await flushed(file.stream);

    renameSync(path, `${path}.1`); // what logrotate does first
    const reopened = new Promise<void>((resolve) => (file.stream as Flushable).once('ready', resolve));
    process.kill(process.pid, 'SIGHUP'); // then its postrotate step
    await reopened;
    log.info('after rotation');
    await flushed(file.stream);

    assert.deepEqual(lines(`${path}.1`), ['before rotation']);
    assert.deepEqual(lines(path), ['after rotation']);
    file.close();
    assert.equal(process.listenerCount('SIGHUP'), before, 'close() stops listening');
  });

  it('reopens on request and appends to an existing file', async (t) => {
    const path = join(tempDir(t), 'debug.log');
    const first = await openLogFile(path, undefined);
    pino({ base: null }, first.stream).info('one');
    await flushed(first.stream);
    first.close();
    const second = await openLogFile(path, undefined);
    t.after(() => second.close());
    const log = pino({ base: null }, second.stream);
    log.info('two');
    renameSync(path, `${path}.old`);
    await second.reopen();
    log.info('three');
    await flushed(second.stream);
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
    await noticed;
    stop();
  });
});
