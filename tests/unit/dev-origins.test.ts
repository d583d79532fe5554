import { expect, test } from 'vitest';
import { isDevelopmentUrl } from '../../src/capture/dev-origins.ts';

test('development origins record by default', () => {
  for (const url of [
    'http://localhost:3000/',
    'http://app.localhost/',
    'http://127.0.0.1:8000/x',
    'http://127.12.0.5/',
    'http://[::1]:5173/',
    'https://shop.test/',
    'http://printer.local/',
    'http://10.1.2.3/',
    'http://172.20.0.1/',
    'http://192.168.1.10:8080/',
  ]) {
    expect(isDevelopmentUrl(url), url).toBe(true);
  }
  for (const url of [
    'https://example.com/',
    'http://172.32.0.1/',
    'http://localhost.example.com/',
    'chrome://newtab/',
    'garbage',
    undefined,
  ]) {
    expect(isDevelopmentUrl(url), String(url)).toBe(false);
  }
});

test("the list is the user's to edit", () => {
  expect(isDevelopmentUrl('https://staging.example.com/', ['*.example.com'])).toBe(true);
  expect(isDevelopmentUrl('http://localhost:3000/', ['*.example.com'])).toBe(false);
});
