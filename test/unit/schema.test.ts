import { describe, expect, it } from 'vitest';
import { batchEnvelopeSchema, eventSchema } from '../../edge/schema.ts';

describe('event schema', () => {
  it('accepts a page event and rejects an unknown type', () => {
    expect(eventSchema.safeParse({ id: 'a', seq: 1, ts: 1, type: 'page', url: 'https://x.test/' }).success).toBe(true);
    expect(eventSchema.safeParse({ id: 'a', seq: 1, ts: 1, type: 'nope' }).success).toBe(false);
  });
  it('caps a batch at 100 events', () => {
    const events = Array.from({ length: 101 }, () => ({}));
    expect(batchEnvelopeSchema.safeParse({ v: 1, events }).success).toBe(false);
  });
});
