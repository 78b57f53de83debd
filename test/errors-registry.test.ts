// The coded-error registries of every area (STYLE §4): each key equals its code, codes are unique
// across areas and well-formed, and each has a `## CODE` entry in docs/errors.md. Registries are found
// by file name (src/<area>/errors.ts or src/<area>/*-errors.ts), so new areas are picked up unasked.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import { PROJECT_ROOT } from './support/fixtures.js';

interface Declared {
  file: string;
  registry: string;
  key: string;
  code: string;
  statusCode: number;
}

const SRC = join(PROJECT_ROOT, 'src');
const registryFiles = readdirSync(SRC, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .flatMap((d) =>
    readdirSync(join(SRC, d.name))
      .filter((f) => f === 'errors.ts' || f.endsWith('-errors.ts'))
      .map((f) => join(SRC, d.name, f)),
  )
  .sort();

function isFactory(v: unknown): v is { code: string; statusCode: number } {
  return typeof v === 'function' && typeof (v as { code?: unknown }).code === 'string' && typeof (v as { statusCode?: unknown }).statusCode === 'number';
}

async function collect(): Promise<Declared[]> {
  const out: Declared[] = [];
  for (const file of registryFiles) {
    const mod = (await import(pathToFileURL(file).href)) as Record<string, unknown>;
    for (const [registry, value] of Object.entries(mod)) {
      if (value === null || typeof value !== 'object') continue;
      const entries = Object.entries(value as Record<string, unknown>);
      if (entries.length === 0 || !entries.every(([, v]) => isFactory(v))) continue;
      for (const [key, f] of entries as [string, { code: string; statusCode: number }][]) {
        out.push({ file: relative(PROJECT_ROOT, file), registry, key, code: f.code, statusCode: f.statusCode });
      }
    }
  }
  return out;
}

/** Every production .ts file under src (tests excluded). */
function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sourceFiles(join(dir, e.name)) : e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') ? [join(dir, e.name)] : [],
  );
}

describe('error registries', async () => {
  const declared = await collect();
  const docs = readFileSync(join(PROJECT_ROOT, 'docs', 'errors.md'), 'utf8');
  const documented = new Set([...docs.matchAll(/^## (OTS_ERR_[A-Z0-9_]+)\s*$/gm)].map((m) => m[1]));

  it('finds the registries of the areas, the core first among them', () => {
    assert.ok(registryFiles.length >= 1);
    assert.ok(declared.some((d) => d.file === join('src', 'core', 'errors.ts')), 'core registry found');
  });
  for (const d of declared) {
    it(`${d.code} (${d.file}): key equals code, well-formed, documented`, () => {
      assert.equal(d.key, d.code, `${d.registry}.${d.key} declares ${d.code}`);
      assert.match(d.code, /^OTS_ERR_[A-Z0-9]+(_[A-Z0-9]+)+$/);
      assert.ok(d.statusCode >= 400 && d.statusCode <= 599, `status ${d.statusCode} is not an HTTP error status`);
      assert.ok(documented.has(d.code), `docs/errors.md has no "## ${d.code}" heading`);
    });
  }
  it('never declares one code twice, across all areas', () => {
    const seen = new Map<string, string>();
    for (const d of declared) {
      const where = `${d.file}:${d.registry}`;
      assert.ok(!seen.has(d.code) || seen.get(d.code) === where, `${d.code} declared in ${seen.get(d.code)} and ${where}`);
      seen.set(d.code, where);
    }
  });
  it('declares every defineError code of src inside a registry file', () => {
    const inRegistries = new Set(declared.map((d) => d.code));
    for (const file of sourceFiles(SRC)) {
      for (const m of readFileSync(file, 'utf8').matchAll(/defineError\(\s*'(OTS_ERR_[A-Z0-9_]+)'/g)) {
        assert.ok(inRegistries.has(m[1]!), `${m[1]} in ${relative(PROJECT_ROOT, file)} is not part of an exported registry`);
      }
    }
  });
});
