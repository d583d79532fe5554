/**
 * Fixes for every stack, from one requirement: golden text for each (reviewed, committed), the
 * rules every fix keeps, and a syntax check where one runs here (Python, JSON).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, test } from 'vitest';
import { judge } from '../../src/capture/judge.ts';
import type { CapturedRequest } from '../../src/capture/record.ts';
import { fixesFor, fixText, requirementOf, STACK_PROOF, STACKS } from '../../src/fixes/index.ts';
import { mergeRequirements } from '../../src/fixes/merge.ts';
import { describeEntry, guessedStack } from '../../src/report/describe.ts';
import { entryOf } from '../../src/report/entry.ts';
import { toJsonReport } from '../../src/report/json.ts';

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

test('a blocked entry carries no rendered fix; the JSON export carries every stack, the card the chosen one', () => {
  expect(blocked.fixes).toBeUndefined();
  const exported = toJsonReport([blocked]).entries[0];
  expect(Object.keys(exported?.fixes ?? {}).sort()).toEqual([...STACKS].sort());
  expect(exported?.fixes?.nginx).toBe(fixText(fixesFor(requirement).nginx));
  expect(describeEntry(blocked, { stack: 'caddy' }).fix?.text).toBe(fixText(fixesFor(requirement).caddy));
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
  const blocks = jsonBlocks(fixes.aws.code);
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

test('a stack is called proven on a real server only where the e2e tests apply its fix to one', () => {
  const lab = readFileSync(resolve(import.meta.dirname, '../e2e/stack-fixes.test.ts'), 'utf8');
  const demo = readFileSync(resolve(import.meta.dirname, '../e2e/server-fix.test.ts'), 'utf8');
  const applied = new Set([...lab.matchAll(/^\s{4}stack: '([\w-]+)',$/gm)].map((m) => m[1]));
  // The Vite proxy is proven on the demo (server-fix.test.ts).
  if (demo.includes("fixesFor(merged)['vite-proxy']")) applied.add('vite-proxy');
  const proven = STACKS.filter((s) => STACK_PROOF[s].by === 'server');
  expect([...applied].sort()).toEqual([...proven].sort());
});

/**
 * The stacks no test server runs here (no Maven, no .NET SDK, no AWS): each fix only calls what the
 * versions it is written for document. Spring Framework 6 CorsRegistry/CorsRegistration and Spring
 * Security 6 HttpSecurity; ASP.NET Core 8 CorsServiceCollectionExtensions, CorsOptions,
 * CorsPolicyBuilder and the app builder; S3's CORSRule and API Gateway v2's Cors object.
 */
describe('fixes checked as text', () => {
  const fixes = fixesFor(merged);
  const calls = (code: string) =>
    [...code.replace(/\/\/[^\n]*/g, '').matchAll(/\.(\w+)\(/g)].map((m) => m[1]);

  test('Spring Boot: CorsRegistry and CorsRegistration methods of Spring Framework 6', () => {
    const known = new Set([
      'addMapping',
      'allowedOrigins',
      'allowedOriginPatterns',
      'allowedMethods',
      'allowedHeaders',
      'exposedHeaders',
      'allowCredentials',
      'maxAge',
    ]);
    const used = calls(fixes.spring.code);
    expect(used.length).toBeGreaterThan(4);
    expect(used.filter((c) => !known.has(c as string))).toEqual([]);
    expect(fixes.spring.code).toMatch(/implements WebMvcConfigurer/);
    expect(fixes.spring.code).toMatch(/public void addCorsMappings\(CorsRegistry registry\)/);
    // Spring Security 6's lambda DSL (http.cors() without an argument is gone in 7).
    expect(fixes.spring.code).toContain('http.cors(Customizer.withDefaults())');
  });

  test('ASP.NET Core: AddCors, AddPolicy and CorsPolicyBuilder methods; UseCors between routing and authentication', () => {
    const known = new Set([
      'AddCors',
      'AddPolicy',
      'WithOrigins',
      'WithMethods',
      'WithHeaders',
      'WithExposedHeaders',
      'AllowCredentials',
      'SetPreflightMaxAge',
      'FromSeconds',
      'Build',
      'UseRouting',
      'UseCors',
      'UseAuthentication',
      'UseAuthorization',
    ]);
    const used = calls(fixes.aspnet.code);
    expect(used.filter((c) => !known.has(c as string))).toEqual([]);
    const order = ['UseRouting', 'UseCors', 'UseAuthentication', 'UseAuthorization'].map((c) =>
      fixes.aspnet.code.indexOf(`.${c}(`),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(order.every((i) => i >= 0)).toBe(true);
  });

  test("AWS: S3 CORSRule and API Gateway v2 Cors keys, S3's methods only", () => {
    const blocks = jsonBlocks(fixes.aws.code).map((b) => JSON.parse(b) as unknown);
    const [s3, gateway] = blocks as [Record<string, unknown>[], Record<string, unknown>];
    const s3Keys = new Set([
      'ID',
      'AllowedOrigins',
      'AllowedMethods',
      'AllowedHeaders',
      'ExposeHeaders',
      'MaxAgeSeconds',
    ]);
    for (const rule of s3) for (const key of Object.keys(rule)) expect(s3Keys, key).toContain(key);
    for (const rule of s3)
      for (const m of rule.AllowedMethods as string[])
        expect(['GET', 'PUT', 'POST', 'DELETE', 'HEAD']).toContain(m);
    const gatewayKeys = new Set([
      'AllowOrigins',
      'AllowMethods',
      'AllowHeaders',
      'ExposeHeaders',
      'AllowCredentials',
      'MaxAge',
    ]);
    for (const key of Object.keys(gateway)) expect(gatewayKeys, key).toContain(key);
  });
});

/** The JSON documents of the AWS fix: its comment lines dropped, blocks apart at blank lines. */
function jsonBlocks(code: string): string[] {
  return code
    .split('\n')
    .filter((l) => !l.startsWith('//'))
    .join('\n')
    .split(/\n\s*\n/)
    .map((b) => b.trim())
    .filter(Boolean);
}
