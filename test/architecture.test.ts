// The dependency picture of STYLE §2, checked on the real import graph of src/ (type-only and
// dynamic imports and re-exports included): downhill only, other areas only through their index.js,
// and a core with no I/O (only @noble/hashes from outside).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, it } from 'node:test';
import ts from 'typescript';
import { PROJECT_ROOT } from './support/fixtures.js';

/** Which of our areas each area may import (its own always allowed). cli wires everything. */
const ALLOWED: Record<string, readonly string[] | '*'> = {
  core: [],
  calendar: ['core'],
  server: ['calendar', 'core'],
  bitcoin: ['core'],
  client: ['core'],
  cli: '*',
};
/** Packages the core may use: hashing only, so it stays pure and portable. */
const CORE_PACKAGES = [/^@noble\/hashes(\/|$)/];

const SRC = join(PROJECT_ROOT, 'src');

/** Production modules under src (tests sit beside them and may reach into test/support). */
function modules(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? modules(join(dir, e.name)) : /\.ts$/.test(e.name) && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts') ? [join(dir, e.name)] : [],
  );
}

/** Every module specifier of a file: static, type-only, re-exports, dynamic import() and require. */
function specifiers(file: string): string[] {
  const info = ts.preProcessFile(readFileSync(file, 'utf8'), true, true);
  return info.importedFiles.map((f) => f.fileName);
}

interface Edge {
  from: string;
  spec: string;
}

/** The rule an import breaks, or undefined when allowed. */
function violation(file: string, spec: string): string | undefined {
  const fromArea = relative(SRC, file).split(sep)[0]!;
  if (!spec.startsWith('.')) {
    if (fromArea !== 'core') return undefined;
    return CORE_PACKAGES.some((p) => p.test(spec)) ? undefined : 'the core imports only @noble/hashes (no node:*, no pino, no I/O)';
  }
  const target = resolve(dirname(file), spec);
  const rel = relative(SRC, target);
  if (rel.startsWith('..')) return 'production code reaches outside src/';
  const [toArea, ...rest] = rel.split(sep);
  if (toArea === fromArea) return undefined;
  const allowed = ALLOWED[fromArea];
  if (allowed === undefined) return `area ${fromArea} is not in the dependency table (STYLE §2)`;
  if (allowed !== '*' && !allowed.includes(toArea!)) return `${fromArea} may not import ${toArea}`;
  if (rest.join('/') !== 'index.js') return `import ${toArea} only through ${toArea}/index.js`;
  return undefined;
}

describe('architecture', () => {
  const files = modules(SRC);
  const edges: Edge[] = files.flatMap((from) => specifiers(from).map((spec) => ({ from, spec })));

  it('reads the import graph of src', () => {
    assert.ok(files.some((f) => f.endsWith(join('core', 'index.ts'))));
    assert.ok(edges.length > 0);
  });
  it('relative imports end in .js (NodeNext)', () => {
    const bad = edges.filter((e) => e.spec.startsWith('.') && !e.spec.endsWith('.js')).map((e) => `${relative(PROJECT_ROOT, e.from)} -> ${e.spec}`);
    assert.deepEqual(bad, []);
  });
  for (const area of Object.keys(ALLOWED)) {
    it(`${area} imports only what STYLE §2 allows`, () => {
      const bad = edges
        .filter((e) => relative(SRC, e.from).split(sep)[0] === area)
        .flatMap((e) => {
          const why = violation(e.from, e.spec);
          return why ? [`${relative(PROJECT_ROOT, e.from)} -> ${e.spec}: ${why}`] : [];
        });
      assert.deepEqual(bad, []);
    });
  }
  it('flags the edges it must flag (checked on made-up files)', () => {
    const at = (area: string) => join(SRC, area, 'x.ts');
    assert.match(violation(at('core'), 'node:fs') ?? '', /core imports only/);
    assert.match(violation(at('core'), 'pino') ?? '', /core imports only/);
    assert.match(violation(at('core'), '../calendar/index.js') ?? '', /core may not import calendar/);
    assert.match(violation(at('bitcoin'), '../calendar/index.js') ?? '', /may not import/);
    assert.match(violation(at('server'), '../calendar/store.js') ?? '', /only through calendar\/index.js/);
    assert.match(violation(at('cli'), '../bitcoin/stamper.js') ?? '', /only through bitcoin\/index.js/);
    assert.match(violation(at('client'), '../../test/support/fixtures.js') ?? '', /outside src/);
    assert.equal(violation(at('cli'), './otsd-run.js'), undefined);
    assert.equal(violation(at('server'), '../core/index.js'), undefined);
  });
  it('has no area outside the table', () => {
    const areas = new Set(files.map((f) => relative(SRC, f).split(sep)[0]!).filter((a) => !a.endsWith('.ts')));
    assert.deepEqual([...areas].filter((a) => !(a in ALLOWED)), []);
  });
  it('area index files name their exports (no export *)', () => {
    const bad = files
      .filter((f) => f.endsWith(`${sep}index.ts`))
      .filter((f) => /^\s*export\s+\*\s+from/m.test(readFileSync(f, 'utf8')))
      .map((f) => relative(PROJECT_ROOT, f));
    assert.deepEqual(bad, []);
  });
});
