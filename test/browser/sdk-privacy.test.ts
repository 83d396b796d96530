/**
 * The SDK's scrubbing of personal data (sdk/privacy.ts). Pure functions, so they
 * run in Node here; sdk.test.ts checks the same in Chromium end to end.
 */
import { describe, expect, it } from 'vitest';
import { cleanUrl, list, scrub } from '../../sdk/privacy.ts';

const BASE = 'https://shop.test/';

describe('cleanUrl', () => {
  it('removes personal parameters and keeps campaign tags and click ids', () => {
    const url =
      'https://shop.test/p?utm_source=newsletter&utm_medium=email&utm_campaign=spring&gclid=g1&fbclid=f1&msclkid=m1&ttclid=t1' +
      '&email=a%40b.co&e-mail=x&mail=x&phone=1&tel=2&name=Jo&first_name=Jo&last_name=Do&fname=J&lname=D&address=x&zip=1&postcode=2&password=p&token=t&ssn=1&q=shoes';
    expect(cleanUrl(url, BASE)).toBe(
      'https://shop.test/p?utm_source=newsletter&utm_medium=email&utm_campaign=spring&gclid=g1&fbclid=f1&msclkid=m1&ttclid=t1&q=shoes',
    );
  });

  it('matches parameter names case-insensitively', () => {
    expect(cleanUrl('https://shop.test/?EMAIL=x&Phone=1&keep=1', BASE)).toBe('https://shop.test/?keep=1');
  });

  it('removes any parameter whose value is an e-mail address, plain or encoded', () => {
    expect(cleanUrl('https://shop.test/?ref=jo.doe%2Btag%40example.co.uk&who=jo@example.com&n=1', BASE)).toBe('https://shop.test/?n=1');
  });

  it('removes e-mail addresses from the path and drops the fragment', () => {
    expect(cleanUrl('https://shop.test/unsubscribe/jo@example.com/done#access_token=abc', BASE)).toBe('https://shop.test/unsubscribe//done');
    expect(cleanUrl('https://shop.test/u/jo%40example.com', BASE)).toBe('https://shop.test/u/');
  });

  it('resolves relative URLs, and gives "" for empty or invalid ones', () => {
    expect(cleanUrl('/a?b=1', BASE)).toBe('https://shop.test/a?b=1');
    expect(cleanUrl('', BASE)).toBe('');
    expect(cleanUrl(undefined, BASE)).toBe('');
    expect(cleanUrl('http://[bad', undefined)).toBe('');
  });

  it('caps the URL at the edge limit of 2,048 characters', () => {
    expect(cleanUrl(`https://shop.test/?q=${'x'.repeat(5000)}`, BASE)).toHaveLength(2048);
  });

  it('handles long values without catastrophic backtracking', () => {
    // With an unbounded `[\w.]+@` each of these takes minutes (the test times out); bounded, well under a second.
    expect(cleanUrl(`https://shop.test/?q=${'x'.repeat(150_000)}@`, BASE)).toHaveLength(2048);
    expect(scrub({ blob: `${'a.'.repeat(75_000)}@x` })).toEqual({ blob: `${'a.'.repeat(75_000)}@x` });
  });
});

describe('scrub', () => {
  it('drops values that contain an e-mail address and copies the rest', () => {
    const props = { plan: 'pro', contact: 'Jo <jo@example.com>', n: 3, ok: true, none: null };
    const out = scrub(props);
    expect(out).toEqual({ plan: 'pro', n: 3, ok: true, none: null });
    expect(props.contact).toBeDefined(); // the caller's object is untouched
    expect(scrub(undefined)).toEqual({});
  });
});

describe('list', () => {
  it('splits a comma list, drops empty names and caps each at 40 characters', () => {
    expect(list('shoes,running,,')).toEqual(['shoes', 'running']);
    expect(list(undefined)).toEqual([]);
    expect(list('x'.repeat(50))).toEqual(['x'.repeat(40)]);
  });
});
