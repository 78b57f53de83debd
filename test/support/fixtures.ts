// Test data loaders: our own fixtures from test/fixtures, and the reference material read in place
// from ../shared (never copied into the repository). Tests over shared data skip visibly without it.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fromHex } from '../../src/core/index.js';

const here = dirname(fileURLToPath(import.meta.url));
/** Project root (the folder holding package.json). */
export const PROJECT_ROOT = resolve(here, '..', '..');
/** The shared reference material: `../shared` beside the project, or $OTS_SHARED_DIR. */
export const SHARED_DIR = process.env.OTS_SHARED_DIR ?? resolve(PROJECT_ROOT, '..', 'shared');

/** Decodes lower-case hex fixture strings. */
export function hex(text: string): Uint8Array {
  return fromHex(text);
}

/** Reads `test/fixtures/<name>` as JSON. */
export function loadFixture<T>(name: string): T {
  return JSON.parse(readFileSync(join(PROJECT_ROOT, 'test', 'fixtures', name), 'utf8')) as T;
}

/** True when ../shared is present. */
export function hasShared(): boolean {
  return existsSync(join(SHARED_DIR, 'spec', 'vectors'));
}

/** Skip reason to pass to `describe(..., { skip })` when ../shared is absent (printed by the runner). */
export const SHARED_SKIP: string | false = hasShared() ? false : `reference data not found at ${SHARED_DIR}; skipped`;

/** Reads `shared/spec/vectors/<name>` as JSON, or undefined when shared/ is absent. */
export function loadVector<T>(name: string): T {
  if (!hasShared()) return undefined as T;
  return JSON.parse(readFileSync(join(SHARED_DIR, 'spec', 'vectors', name), 'utf8')) as T;
}

/** Absolute path of something under shared/. */
export function sharedPath(...parts: string[]): string {
  return join(SHARED_DIR, ...parts);
}
