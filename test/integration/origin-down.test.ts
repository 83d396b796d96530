/**
 * The origin behind ORIGIN_URL is down or hangs: the visitor gets a plain
 * 502/504 page, as from any proxy, never a Tailor crash; Tailor's own routes
 * keep answering.
 */
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, startWorker, type WorkerServer } from '../support/worker-server.ts';

const UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0 Safari/537.36';
let hanging: Server;
const sockets: Socket[] = [];
let down: WorkerServer;
let slow: WorkerServer;

beforeAll(async () => {
  // Accepts connections and never answers.
  hanging = createServer((s) => sockets.push(s));
  await new Promise<void>((r) => hanging.listen(0, '127.0.0.1', r));
  const { port } = hanging.address() as { port: number };
  const closedPort = await freePort();
  [down, slow] = await Promise.all([
    startWorker({ vars: { ORIGIN_URL: `http://127.0.0.1:${closedPort}` } }),
    startWorker({ vars: { ORIGIN_URL: `http://127.0.0.1:${port}`, ORIGIN_TIMEOUT_MS: '800' } }),
  ]);
}, 120_000);

afterAll(async () => {
  await Promise.all([down?.stop(), slow?.stop()]);
  for (const s of sockets) s.destroy();
  await new Promise((r) => hanging?.close(r));
});

describe('origin failures', () => {
  it('an unreachable origin gives a 502 page', async () => {
    const res = await fetch(down.url + '/', { headers: { 'user-agent': UA, accept: 'text/html' } });
    expect(res.status).toBe(502);
    expect(await res.text()).toContain('could not be reached');
    expect((await fetch(down.url + '/__tailor/health')).status).toBe(200);
  });

  it('an origin that never answers gives a 504 page after the timeout', async () => {
    const res = await fetch(slow.url + '/', { headers: { 'user-agent': UA, accept: 'text/html' } });
    expect(res.status).toBe(504);
    expect(await res.text()).toContain('did not answer in time');
  });
});
