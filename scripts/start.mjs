#!/usr/bin/env node
// `npm start`: build the SDK, create .dev.vars from the example when missing,
// apply the local D1 migrations and serve the demo store through the Worker on :8787.
import { spawnSync, spawn } from 'node:child_process';
import { copyFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const wrangler = join(root, 'node_modules/.bin/wrangler');
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

run(process.execPath, [join(root, 'scripts/build.mjs')]);
if (!existsSync(join(root, '.dev.vars'))) {
  copyFileSync(join(root, '.dev.vars.example'), join(root, '.dev.vars'));
  console.log('start: created .dev.vars from .dev.vars.example (local secrets)');
}
run(wrangler, ['d1', 'migrations', 'apply', 'DB', '--local']);
console.log(`
  Tailor demo store:  http://localhost:8787/
  Dashboard:          http://localhost:8787/__tailor/admin   (token: TAILOR_ADMIN_TOKEN in .dev.vars)
  Sample traffic:     npm run seed   (fills the local D1 so the dashboard has data)
`);
const port = process.env.PORT ?? '8787';
const child = spawn(wrangler, ['dev', '--port', port, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
