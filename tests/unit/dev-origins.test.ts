import { expect, test } from 'vitest';
import {
  DEFAULT_DEV_ORIGINS,
  isDevelopmentUrl,
  matchingPattern,
  patternProblem,
} from '../../src/capture/dev-origins.ts';

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

test('patternProblem names what is wrong with a pattern, and accepts every kind the matcher reads', () => {
  for (const ok of DEFAULT_DEV_ORIGINS) expect(patternProblem(ok), ok).toBeNull();
  expect(patternProblem('dev.example.com')).toBeNull();
  expect(patternProblem('http://localhost:3000')).toMatch(/A host, not a URL/);
  expect(patternProblem('localhost:3000')).toMatch(/without a port/);
  expect(patternProblem('10.0.0.0/40')).toMatch(/at most 32 bits/);
  expect(patternProblem('300.1.1.1/8')).toMatch(/Not an IPv4 address/);
  expect(patternProblem('my host')).toMatch(/Not a host name/);
  expect(matchingPattern('http://api.test:8080/x', ['localhost', '*.test'])).toBe('*.test');
  expect(matchingPattern('https://example.com/', DEFAULT_DEV_ORIGINS)).toBeNull();
});
