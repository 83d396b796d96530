/**
 * `npm run bench`: every budget in the project in one table, each marked pass
 * or fail. Engine figures are medians of many warm runs, each engine bench in
 * a fresh Node process; edge figures come from autocannon against `wrangler dev`
 * on this machine.
 * Flags: --quick (shorter load runs), --no-edge (engine and size rows only).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { benchEdge } from './edge.bench.ts';
import { benchSdkInit } from './sdk.bench.ts';
import { benchWorkerCpu } from './worker-cpu.bench.ts';
import { ROOT, startWorker } from '../support/worker-server.ts';
import { passes, renderTable, type BenchRow } from './table.ts';

const args = new Set(process.argv.slice(2));
const quick = args.has('--quick');

function sizeRows(): BenchRow[] {
  const js = readFileSync(join(ROOT, 'dist/t.js'));
  const gz = gzipSync(js, { level: 9 }).length;
  const br = brotliCompressSync(js, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  return [
    { name: 'sdk: dist/t.js brotli', value: br, unit: 'B', budget: 2200 },
    { name: 'sdk: dist/t.js gzip', value: gz, unit: 'B', budget: 2500 },
    { name: 'sdk: dist/t.js minified', value: js.length, unit: 'B', budget: null },
  ];
}

async function workerBundleRow(): Promise<BenchRow> {
  const { build } = await import('esbuild');
  const out = await build({
    entryPoints: [join(ROOT, 'edge/index.ts')],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*', 'node:*'],
    write: false,
  });
  const bytes = out.outputFiles[0]!.contents;
  return { name: 'edge: Worker bundle (minified, gzip)', value: gzipSync(bytes, { level: 9 }).length / 1024, unit: 'KiB', budget: null, note: `${(bytes.length / 1024).toFixed(0)} KiB minified` };
}

type EngineRow = { name: string; medianUs: number; p99Us: number; budgetUs: number | null; note?: string };
const fromEngine = (r: EngineRow): BenchRow => {
  const ratio = /speed-?up|×|ratio/i.test(r.name);
  return ratio
    ? { name: r.name, value: r.medianUs, unit: '×', budget: r.budgetUs, higherIsBetter: true, note: r.note }
    : { name: r.name, value: r.medianUs, p99: r.p99Us, unit: 'µs', budget: r.budgetUs, note: r.note };
};

/**
 * Runs an engine bench (an exported async function returning rows) in a fresh Node
 * process, so each bench starts from a clean heap and JIT state rather than the
 * garbage and type feedback (in shared modules) of the benches before it.
 */
function inFreshProcess(file: string, fn: string): EngineRow[] {
  const script = 'const m = await import(process.env.BENCH_MODULE); console.log(JSON.stringify(await m[process.env.BENCH_EXPORT]()));';
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    env: { ...process.env, BENCH_MODULE: new URL(file, import.meta.url).href, BENCH_EXPORT: fn },
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
    maxBuffer: 16 << 20,
  });
  return JSON.parse(out.trim().split('\n').pop()!) as EngineRow[];
}

const rows: BenchRow[] = [...sizeRows()];
console.error('bench: engine (segments, profile)…');
rows.push(...inFreshProcess('./segments.bench.ts', 'benchSegments').map(fromEngine));
rows.push(...inFreshProcess('./profile.bench.ts', 'benchProfile').map(fromEngine));
rows.push(await workerBundleRow());
{
  console.error('bench: SDK init in Chromium…');
  const w = await startWorker();
  try {
    rows.splice(3, 0, ...(await benchSdkInit(w)));
  } finally {
    await w.stop();
  }
}
console.error('bench: Worker CPU inside workerd…');
rows.push(...benchWorkerCpu());
if (!args.has('--no-edge')) {
  console.error('bench: edge under load (autocannon against wrangler dev)…');
  rows.push(...(await benchEdge(quick ? { seconds: 3, loadSeconds: 5, loadConnections: 100 } : { seconds: 8, loadSeconds: 20, loadConnections: 100 })));
  if (!quick) rows.push(...(await benchEdge({ seconds: 2, loadSeconds: 30, loadConnections: 200 })).filter((r) => r.name.includes('mixed load')));
}

console.log(renderTable(rows));
const failed = rows.filter((r) => passes(r) === false);
console.log(`\n${rows.filter((r) => passes(r) === true).length} budgets met, ${failed.length} missed${failed.length ? ': ' + failed.map((r) => r.name).join('; ') : ''}`);
process.exitCode = failed.length ? 1 : 0;
