export {};

declare global {
  namespace Cloudflare {
    interface Env {
      DB: D1Database;
      CONFIG: KVNamespace;
      ASSETS: Fetcher;
      TAILOR_SECRET: string;
      TAILOR_ADMIN_TOKEN: string;
      TEST_MIGRATIONS: import('cloudflare:test').D1Migration[];
    }
  }
}
