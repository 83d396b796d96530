/**
 * Starts the Worker exactly as `npm start` runs it (wrangler dev, local D1/KV,
 * the demo site as assets) on a free loopback port, for browser, journey and
 * load tests. Each server gets its own persistence folder, so runs never share state.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

export const ROOT = resolve(import.meta.dirname, '../..');
import { TEST_ADMIN_TOKEN, TEST_SECRET } from './constants.ts';
export { TEST_ADMIN_TOKEN, TEST_SECRET };
const WRANGLER = join(ROOT, 'node_modules/.bin/wrangler');




export interface WorkerServer {
  url: string;
  port: number;
  persistDir: string;
  stop(): Promise<void>;
  logs(): string;
}

export async function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.once('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => res(port));
    });
  });
}

export async function startWorker(opts: { vars?: Record<string, string>; port?: number } = {}): Promise<WorkerServer> {
  const port = opts.port ?? (await freePort());
  const persistDir = mkdtempSync(join(tmpdir(), 'tailor-wrangler-'));
  execFileSync(WRANGLER, ['d1', 'migrations', 'apply', 'DB', '--local', '--persist-to', persistDir], {
    cwd: ROOT,
    stdio: 'pipe',
    env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
  });
  const vars = { TAILOR_SECRET: TEST_SECRET, TAILOR_ADMIN_TOKEN: TEST_ADMIN_TOKEN, ...opts.vars };
  const args = ['dev', '--port', String(port), '--ip', '127.0.0.1', '--persist-to', persistDir, '--show-interactive-dev-session=false', '--log-level', 'warn'];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  const child: ChildProcess = spawn(WRANGLER, args, {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', NO_COLOR: '1' },
    detached: true,
  });
  let log = '';
  child.stdout?.on('data', (d) => (log += d));
  child.stderr?.on('data', (d) => (log += d));
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`wrangler dev exited early:\n${log}`);
    try {
      const r = await fetch(`${url}/__tailor/health`);
      if (r.ok) break;
    } catch {}
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`wrangler dev did not become ready in 60 s:\n${log}`);
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  return {
    url,
    port,
    persistDir,
    logs: () => log,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        try {
          process.kill(-child.pid!, 'SIGTERM');
        } catch {}
        await Promise.race([exited, new Promise((r) => setTimeout(r, 5000))]);
        try {
          process.kill(-child.pid!, 'SIGKILL');
        } catch {}
      }
      rmSync(persistDir, { recursive: true, force: true });
    },
  };
}
