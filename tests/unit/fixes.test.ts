/**
 * Fixes for every stack, from one requirement: golden text for each (reviewed, committed), the
 * rules every fix keeps, and a syntax check where one runs here (Python, JSON).
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, test } from 'vitest';
import { judge } from '../../src/capture/judge.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import { fixesFor, fixText, requirementOf, STACKS } from '../../src/fixes/index.ts';
import { mergeRequirements } from '../../src/fixes/merge.ts';
import { guessedStack } from '../../src/report/describe.ts';
import { entryOf } from '../../src/report/entry.ts';

const PAGE = 'http://localhost:3000';
const h = (name: string, value: string) => ({ name, value });

/** The seed article's failure: POST with JSON and Authorization, preflight answered 404 by Express. */
const captured: CapturedRequest = {
  id: '1',
  tabId: 1,
  frameId: 0,
  documentId: null,
  initiator: PAGE,
  url: 'http://localhost:8000/api/orders',
  method: 'POST',
  type: 'xmlhttprequest',
  time: 0,
  requestHeaders: null,
  currentUrl: 'http://localhost:8000/api/orders',
  currentMethod: 'POST',
  hop: 0,
  hopSentHeaders: false,
  preflights: [
    {
      requestId: '2',
      requestHeaders: [
        h('Origin', PAGE),
        h('Access-Control-Request-Method', 'POST'),
        h('Access-Control-Request-Headers', 'authorization,content-type'),
      ],
      status: 404,
      responseHeaders: [h('X-Powered-By', 'Express'), h('Content-Type', 'text/html')],
    },
  ],
  responses: [],
  state: 'failed',
  error: 'net::ERR_FAILED',
  endTime: 1,
};
const judgement = judge(captured, 'browser');
const blocked = entryOf(captured, judgement);

const requirement = requirementOf(judgement.exchange, judgement.verdict);

test('the requirement is computed from the request really made', () => {
  expect(requirement).toMatchObject({
    origin: PAGE,
    apiOrigin: 'http://localhost:8000',
    path: '/api/orders',
    methods: ['GET', 'POST'],
    headers: ['Authorization', 'Content-Type'],
    credentials: false,
    maxAge: 600,
    problems: [{ kind: 'no-options-handler', status: 404, path: '/api/orders' }],
  });
});

describe.each(STACKS)('%s', (stack) => {
  const fix = fixesFor(requirement)[stack];
  const text = fixText(fix);

  test('matches its golden text', async () => {
    await expect(text).toMatchFileSnapshot(`./golden/${stack}.txt`);
  });

  test('names the exact origin, never a wildcard or a reflected one', () => {
    if (!stack.endsWith('-proxy')) expect(text).toContain(PAGE);
    expect(text).not.toMatch(/\borigin:\s*(true|"\*"|'\*')/);
    expect(text).not.toMatch(/AllowAnyOrigin|allowedOriginPatterns|Allow-Origin[":\s]*\*/i);
  });

  test('says what to change in the structure (a 404 preflight) or how to proxy', () => {
    expect(fix.notes.join(' ')).toMatch(
      stack.endsWith('-proxy') ? /same origin/ : /nothing answers OPTIONS \/api\/orders/,
    );
  });
});

test('every blocked report entry carries a fix for every stack', () => {
  expect(Object.keys(blocked.fixes ?? {}).sort()).toEqual([...STACKS].sort());
});

test('credentials: the fixes allow them with the named origin', () => {
  const withCredentials = { ...requirement, credentials: true };
  const fixes = fixesFor(withCredentials);
  expect(fixes.express.code).toContain('credentials: true');
  expect(fixes.nginx.code).toContain('Access-Control-Allow-Credentials "true"');
  expect(fixes.spring.code).toContain('.allowCredentials(true)');
  expect(fixes.aspnet.code).toContain('.AllowCredentials()');
});

test('the stack is guessed from what the server says about itself', () => {
  expect(guessedStack(blocked)).toBe('express');
});

test('Python fixes parse, and the AWS rules are JSON', () => {
  const fixes = fixesFor({ ...requirement, credentials: true });
  for (const stack of ['flask', 'django'] as const) {
    const source = `${fixes[stack].imports.join('\n')}\napp = None\n${fixes[stack].code}\n`;
    expect(() =>
      execFileSync('python3', ['-c', 'import ast,sys; ast.parse(sys.stdin.read())'], { input: source }),
    ).not.toThrow();
  }
  const blocks = fixes.aws.code.split(/\n\/\/ [^\n]*\n/).map((b) => b.replace(/^\/\/[^\n]*\n/, '').trim());
  for (const block of blocks.filter(Boolean)) expect(() => JSON.parse(block)).not.toThrow();
}, 30_000);

/** One server called from two front ends, for several routes, methods and headers, some with credentials. */
const merged = mergeRequirements([
  requirement,
  {
    ...requirement,
    origin: 'https://admin.example.com',
    origins: ['https://admin.example.com'],
    path: '/api/users/7',
    methods: ['GET', 'POST', 'DELETE'],
    headers: ['X-Api-Key'],
    credentials: true,
    problems: [],
  },
  {
    ...requirement,
    path: '/api/orders/7',
    methods: ['GET', 'POST', 'PATCH'],
    headers: ['Content-Type'],
    problems: [],
  },
]);

test('merged: every origin, route, method and header any request needs, credentials if any needs them', () => {
  expect(merged).toMatchObject({
    origins: [PAGE, 'https://admin.example.com'],
    path: '/api',
    methods: ['GET', 'POST', 'DELETE', 'PATCH'],
    headers: ['Authorization', 'Content-Type', 'X-Api-Key'],
    credentials: true,
    problems: [{ kind: 'no-options-handler', status: 404, path: '/api/orders' }],
  });
});

describe.each(STACKS)('%s, merged for two page origins', (stack) => {
  const text = fixText(fixesFor(merged)[stack]);

  test('matches its golden text', async () => {
    await expect(text).toMatchFileSnapshot(`./golden/merged/${stack}.txt`);
  });

  test('names both origins, never a wildcard or any origin echoed', () => {
    if (!stack.endsWith('-proxy')) {
      expect(text).toContain(PAGE);
      // Apache's regular expression escapes its dots.
      expect(text.replaceAll('\\', '')).toContain('https://admin.example.com');
    }
    expect(text).not.toMatch(/\borigin:\s*(true|"\*"|'\*')/);
    expect(text).not.toMatch(/AllowAnyOrigin|allowedOriginPatterns|Allow-Origin[":\s]*\*/i);
  });
});
