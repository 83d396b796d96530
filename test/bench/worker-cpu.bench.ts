/** Runs the worker-bench vitest project (inside workerd) and turns its JSON line into bench rows. */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../support/worker-server.ts';
import type { BenchRow } from './table.ts';

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p99 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))]!;

export function benchWorkerCpu(): BenchRow[] {
  const out = execFileSync(join(ROOT, 'node_modules/.bin/vitest'), ['run', '--project', 'worker-bench'], { cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const line = out.split('\n').find((l) => l.includes('WORKER_CPU_JSON'));
  if (!line) throw new Error(`worker-bench printed no result:\n${out.slice(-2000)}`);
  const { on, off, collect, trivial } = JSON.parse(line.slice(line.indexOf('WORKER_CPU_JSON') + 16)) as Record<'on' | 'off' | 'collect' | 'trivial', number[]>;
  return [
    { name: 'edge: Worker CPU, 100 KB page, 5 slots, personalised', value: median(on), p99: p99(on), unit: 'ms', budget: 1.5, note: `inside workerd; 1,000 requests, returning visitor, mean per batch of 25` },
    { name: 'edge: Worker CPU, same page, personalisation off', value: median(off), p99: p99(off), unit: 'ms', budget: null },
    { name: 'edge: Worker CPU, collect (2 events, returning visitor)', value: median(collect), p99: p99(collect), unit: 'ms', budget: null, note: 'without the D1 write, which is I/O' },
    { name: 'edge: Worker CPU, trivial JSON route', value: median(trivial), p99: p99(trivial), unit: 'ms', budget: null },
  ];
}
