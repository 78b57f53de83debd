// Child process for calendar-crash.test.ts: runs a calendar on argv[2] and submits digests until it is
// killed, printing "ok <commitment hex>" for every digest answered. Exits by itself after 20 s.
import { pino } from 'pino';
import { Timestamp } from '../../src/core/index.js';
import { Calendar } from '../../src/calendar/index.js';

const dir = process.argv[2]!;
const calendar = await Calendar.open({ dir, logger: pino({ level: 'silent' }), roundMs: 5 });
setTimeout(() => process.exit(3), 20_000).unref();
process.stdout.write('ready\n');
for (let n = 0; ; n++) {
  const digests = Array.from({ length: 20 }, (_, i) => Uint8Array.of(n >> 8, n & 0xff, i));
  const bodies = await Promise.all(digests.map((d) => calendar.submit(d)));
  const commitments = new Set(bodies.map((b, i) => Buffer.from([...Timestamp.fromBytes(b, digests[i]!).allAttestations()][0]!.msg).toString('hex')));
  for (const c of commitments) process.stdout.write(`ok ${c}\n`);
}
