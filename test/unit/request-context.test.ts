import { describe, expect, it } from 'vitest';
import { deviceFromRequest, refererPath } from '../../edge/request-context.ts';

describe('refererPath', () => {
  it.each([
    [null, '/'],
    ['', '/'],
    ['not a url', '/'],
    ['/relative/only', '/'],
    ['https://shop.example/shoes/trail?utm_source=x#top', '/shoes/trail'],
    ['https://shop.example', '/'],
  ])('%j → %s', (referer, path) => {
    expect(refererPath(new Headers(referer === null ? {} : { referer }))).toBe(path);
  });
});

describe('deviceFromRequest', () => {
  it.each([
    [{ 'user-agent': 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) Mobile/15E148' }, 'mobile'],
    [{ 'user-agent': 'Mozilla/5.0 (Linux; Android 14; SM-X710) AppleWebKit/537.36 Safari/537.36' }, 'tablet'],
    [{ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36', 'sec-ch-ua-mobile': '?1' }, 'mobile'],
    [{ 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0 Safari/537.36' }, 'desktop'],
  ])('%j → %s', (headers, device) => expect(deviceFromRequest(new Headers(headers))).toBe(device));
});
