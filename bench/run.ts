// Benchmark runner: `npm run bench [filter]` runs every bench/*.bench.ts whose file name contains the
// filter, each alone in its own child process (so one benchmark's heap and JIT state never colour the
// next), after printing the machine the numbers belong to.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const filter = process.argv[2] ?? '';
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts') && f.includes(filter))
  .sort();

const cpu = cpus();
console.log(`node ${process.version} on ${process.platform}/${process.arch}`);
console.log(`cpu: ${cpu[0]?.model ?? 'unknown'} x${cpu.length}, memory ${(totalmem() / 2 ** 30).toFixed(1)} GiB`);
// A busy machine slows every number; the load average says how busy it was when they were taken.
console.log(`date: ${new Date().toISOString()}, load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);
if (files.length === 0) {
  console.error(`no benchmark matches "${filter}" (bench/*.bench.ts)`);
  process.exit(2);
}

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file}`);
  // --expose-gc lets a benchmark settle the heap before measuring memory; harmless for the others.
  const run = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(here, file)], { stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.error(`${file} failed (exit ${run.status ?? run.signal})`);
  }
}
process.exit(failed === 0 ? 0 : 1);
