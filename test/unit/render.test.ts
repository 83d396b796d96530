import { describe, expect, it } from 'vitest';
import { escapeHtml, fillPlaceholders, renderSlots } from '../../edge/render.ts';
import type { TailorConfig } from '../../edge/schema.ts';

const config = {
  settings: { consentDefault: 'granted', honorGpc: true, corsOrigins: [], interestHalfLifeDays: 7, categories: [] },
  segments: [],
  slots: {
    hero: [
      { segment: 'a', priority: 1, html: '<p>A {{country|friend}}</p>' },
      { segment: 'b', priority: 5, html: '<p>B {{utm_campaign}}</p>' },
    ],
    banner: [{ segment: 'c', priority: 1, html: 'C' }],
  },
  experiments: [],
} as unknown as TailorConfig;

describe('slot rendering', () => {
  it('picks the highest-priority matching offer per slot and leaves unmatched slots out', () => {
    const out = renderSlots(config, ['a', 'b'], { country: 'DE' });
    expect(out.hero).toEqual({ segment: 'b', html: '<p>B </p>' });
    expect(out.banner).toBeUndefined();
    expect(renderSlots(config, ['a'], { country: 'DE' }).hero?.html).toBe('<p>A DE</p>');
  });

  it('uses a placeholder fallback when the value is missing', () => {
    expect(fillPlaceholders('Hi {{country|there}}!', {})).toBe('Hi there!');
  });

  it('escapes every placeholder value: a crafted URL can never inject markup', () => {
    const evil = `"><script>alert(1)</script><img src=x onerror='x'>`;
    const html = fillPlaceholders('<a title="{{utm_campaign}}">{{utm_campaign}}</a>', { utm_campaign: evil });
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('"><');
    const safe = escapeHtml(evil).replace(/[\s=]/g, (ch) => `&#${ch.charCodeAt(0)};`);
    expect(html).toBe(`<a title="${safe}">${safe}</a>`);
  });

  it('encodes whitespace and = so an unquoted attribute cannot gain a new attribute', () => {
    const html = fillPlaceholders('<a title={{source}}>x</a>', { source: 'x onmouseover=alert(1)' });
    expect(html).toBe('<a title=x&#32;onmouseover&#61;alert(1)>x</a>');
  });

  it('lets an experiment variant override the segment offer for its slot', () => {
    const out = renderSlots(config, ['a'], {}, { hero: { experiment: 'e1', variant: 'v2', html: 'V2' } });
    expect(out.hero).toEqual({ segment: 'exp:e1:v2', html: 'V2' });
  });
});
