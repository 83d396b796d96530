/** Runs the worker-bench vitest project (inside workerd) and turns its JSON line into bench rows. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/worker-server.ts';
import { quantile, type BenchRow } from './table.ts';

const sorted = (xs: number[]) => [...xs].sort((a, b) => a - b);
const median = (xs: number[]) => quantile(sorted(xs), 0.5);
const p99 = (xs: number[]) => quantile(sorted(xs), 0.99);

export function benchWorkerCpu(): BenchRow[] {
  const out = execFileSync(join(ROOT, 'node_modules/.bin/vitest'), ['run', '--project', 'worker-bench'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const line = out.split('\n').find((l) => l.includes('WORKER_CPU_JSON'));
  if (!line) throw new Error(`worker-bench printed no result:\n${out.slice(-2000)}`);
  type Paged = { gross: number[]; read: number[] };
  const { on, off, collect, trivial } = JSON.parse(line.slice(line.indexOf('WORKER_CPU_JSON') + 16)) as { on: Paged; off: Paged; collect: number[]; trivial: number[] };
  // The runtime sends a body to the network natively; the bench reads it in JS, so each batch's read is measured and taken off.
  const net = (p: Paged) => p.gross.map((g, i) => g - p.read[i]!);
  const note = (p: Paged) => `inside workerd; 1,000 requests, returning visitor; ${median(p.gross).toFixed(2)} ms with the bench's own read of the body (${median(p.read).toFixed(2)} ms), measured per batch of 25 and taken off`;
  return [
    { name: 'edge: Worker CPU, 100 KB page, 5 slots, personalised', value: median(net(on)), p99: p99(net(on)), unit: 'ms', budget: 1.5, note: note(on) },
    { name: 'edge: Worker CPU, same page, personalisation off', value: median(net(off)), p99: p99(net(off)), unit: 'ms', budget: null, note: note(off) },
    { name: 'edge: Worker CPU, collect (2 events, returning visitor)', value: median(collect), p99: p99(collect), unit: 'ms', budget: null, note: 'without the D1 write, which is I/O' },
    { name: 'edge: Worker CPU, trivial JSON route', value: median(trivial), p99: p99(trivial), unit: 'ms', budget: null },
  ];
}
