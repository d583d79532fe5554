/** `npm start -- --headless` tells, for every demo request, the verdict the extension gives and Chrome confirms. */
import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, test } from 'vitest';
import { DEMO_REQUESTS } from '../servers/demo-api.ts';
import { freePort } from '../servers/listen.ts';

const run = promisify(execFile);
const ROOT = resolve(import.meta.dirname, '../..');
const TSX = resolve(ROOT, 'node_modules/.bin/tsx');

test('the headless demo prints each request with its verdict, and Chrome agrees with every row', async () => {
  const [pagePort, apiPort] = [await freePort(), await freePort()];
  const { stdout } = await run(
    TSX,
    ['tests/servers/demo.ts', '--headless', '--page-port', String(pagePort), '--api-port', String(apiPort)],
    {
      cwd: ROOT,
      timeout: 90_000,
    },
  );
  const rows = new Map(
    stdout
      .split('\n')
      .filter((l) => l.includes(' | '))
      .map((l) => l.split(' | ').map((c) => c.trim()))
      .map((cells) => [cells[0], cells] as const),
  );
  const expected: Record<string, [string, string]> = {
    works: ['allowed', ''],
    authorization: ['BLOCKED', 'HeaderDisallowedByPreflightResponse'],
    patch: ['BLOCKED', 'MethodDisallowedByPreflightResponse'],
    cookies: ['BLOCKED', 'InvalidAllowCredentials'],
    'no-options': ['BLOCKED', 'PreflightMissingAllowOriginHeader'],
    'error-500': ['BLOCKED', 'MissingAllowOriginHeader'],
    'wrong-origin': ['BLOCKED', 'AllowOriginMismatch'],
  };
  for (const req of DEMO_REQUESTS) {
    const cells = rows.get(req.label);
    expect(cells, `${req.label} in\n${stdout}`).toBeDefined();
    expect([cells?.[1], cells?.[2]], req.label).toEqual(expected[req.id]);
    expect(cells?.[4], `${req.label}: Chrome agrees`).toBe('yes');
  }
  expect(rows.get('POST /api/orders with Authorization')?.[3]).toBe(
    'Access-Control-Allow-Headers: authorization',
  );
  expect(rows.get('PUT /api/files/report.pdf')?.[3]).toMatch(/OPTIONS got 404/);
  // Then one fix for the API, merged from all seven requests (tests/e2e/server-fix.test.ts applies it).
  expect(stdout).toMatch(/The fix for http:\/\/localhost:\d+ — 7 requests, 6 blocked — Express \(cors\)/);
  expect(stdout).toMatch(/methods: \[[^\]]*"PATCH"[^\]]*\]/);
  expect(stdout).toMatch(
    /allowedHeaders: \["Content-Type", "Authorization"\]|allowedHeaders: \["Authorization", "Content-Type"\]/,
  );
  expect(stdout).toContain('credentials: true');
}, 120_000);

test('a port in use gets a clear message and the flag to choose another', async () => {
  const busy = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => busy.once('listening', r));
  const address = busy.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  try {
    const failure = await run(
      TSX,
      ['tests/servers/demo.ts', '--headless', '--page-port', String(port), '--api-port', '0'],
      {
        cwd: ROOT,
        timeout: 30_000,
      },
    ).then(
      () => null,
      (err: { code: number; stderr: string }) => err,
    );
    expect(failure?.code).toBe(2);
    expect(failure?.stderr).toContain(`Port ${port} is already in use`);
    expect(failure?.stderr).toContain('--page-port');
  } finally {
    busy.close();
  }
});
