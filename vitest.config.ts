import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';
import { TEST_ADMIN_TOKEN, TEST_SECRET } from './test/support/constants.ts';

export default defineConfig(async () => ({
  test: {
    projects: [
      {
        // Pure engine modules in Node.
        test: { name: 'unit', environment: 'node', include: ['test/unit/**/*.test.ts'] },
      },
      {
        // The Worker inside workerd (miniflare), with real local KV, D1 and assets.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: {
              compatibilityFlags: ['nodejs_compat'],
              bindings: { TAILOR_SECRET: TEST_SECRET, TAILOR_ADMIN_TOKEN: TEST_ADMIN_TOKEN, TEST_MIGRATIONS: await readD1Migrations('edge/migrations') },
            },
          }),
        ],
        test: { name: 'worker', include: ['test/worker/**/*.test.ts'], setupFiles: ['test/worker/apply-migrations.ts'] },
      },
      {
        // Bench only (npm run bench): Worker CPU per page inside workerd.
        plugins: [
          cloudflareTest({
            wrangler: { configPath: './wrangler.toml' },
            miniflare: { compatibilityFlags: ['nodejs_compat'], bindings: { TAILOR_SECRET: TEST_SECRET, TAILOR_ADMIN_TOKEN: TEST_ADMIN_TOKEN } },
          }),
        ],
        test: { name: 'worker-bench', include: ['test/bench/**/*.workerbench.ts'] },
      },
      {
        // Real Chromium against `wrangler dev` (the Worker as `npm start` runs it).
        test: {
          name: 'browser',
          environment: 'node',
          include: ['test/browser/**/*.test.ts', 'test/integration/**/*.test.ts'],
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
}));
