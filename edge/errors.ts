/** Every 4xx Tailor answers is JSON `{ error: { code, message } }`. */
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

export function jsonError(c: Context, status: ContentfulStatusCode, code: string, message: string): Response {
  return c.json({ error: { code, message } }, status, { 'cache-control': 'no-store' });
}
