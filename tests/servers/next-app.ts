/**
 * A real Next.js (npm `next`, App Router, `next dev`) project serving the lab's routes, broken the
 * way people break it: CORS headers in next.config.mjs `headers()` (PATCH, Authorization and
 * credentials forgotten), which never reach a preflight that proxy.ts refuses (its login check
 * answers 401) nor a route that throws; route files that export no OPTIONS. A fix is applied as its
 * text says: the headers() block removed, proxy.ts written from the fix with the old proxy
 * function's body moved into `yourProxy`.
 *
 * Also the Next.js dev proxy (`rewrites()`), for the page served by Next.js itself.
 *
 * The project lives under test-results/ inside the repository, so that `next` resolves from the
 * repository's node_modules.
 */
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { freePort } from './listen.ts';
import { type RunningApp, run } from './process.ts';
import { configBlock, LAB_AUTHORIZATION, replaceCorsBlock } from './stack-lab.ts';

const ROOT = resolve(import.meta.dirname, '../..');
const NEXT_BIN = join(ROOT, 'node_modules/next/dist/bin/next');

/** The user's own proxy: an asynchronous login check, as auth libraries make it. */
const USER_PROXY_BODY = `  const session = await Promise.resolve(request.headers.get('authorization'));
  if (request.nextUrl.pathname === '/api/orders' && session !== '${LAB_AUTHORIZATION}') {
    return NextResponse.json({ error: 'Log in first' }, { status: 401 });
  }`;

function brokenProxy(): string {
  return `import { type NextRequest, NextResponse } from 'next/server';

export async function proxy(request: NextRequest) {
${USER_PROXY_BODY}
}

export const config = { matcher: '/api/:path*' };
`;
}

function nextConfig(pageOrigin: string, rewrites?: string): string {
  if (rewrites) return `${rewrites.replace(/^module\.exports = /m, 'export default ')}\n`;
  return `export default {
  // CORS
  async headers() {
    return [
      {
        // One segment only: /api/files/report.pdf is not covered.
        source: '/api/:path',
        headers: [
          { key: 'Access-Control-Allow-Origin', value: '${pageOrigin}' },
          { key: 'Access-Control-Allow-Methods', value: 'GET, POST, PUT' },
          { key: 'Access-Control-Allow-Headers', value: 'Content-Type' },
        ],
      },
    ];
  },
  // END CORS
};
`;
}

const ROUTES: Record<string, string> = {
  'app/api/catalog/route.ts': `export function GET() {\n  return Response.json({ items: [] });\n}\n`,
  'app/api/orders/route.ts': `export function POST() {\n  return Response.json({ id: 1 }, { status: 201 });\n}\n`,
  'app/api/profile/route.ts': `export function PATCH() {\n  return Response.json({ ok: true });\n}\n`,
  'app/api/me/route.ts': `export function GET() {\n  return Response.json({ user: 'ada' });\n}\n`,
  'app/api/files/[name]/route.ts': `export async function PUT(_request: Request, { params }: { params: Promise<{ name: string }> }) {\n  return Response.json({ saved: (await params).name });\n}\n`,
  'app/api/import/route.ts': `export async function POST(request: Request) {\n  const body = await request.json();\n  return Response.json({ imported: Object.keys(body).length });\n}\n`,
};

function writeProject(dir: string, files: Record<string, string>): void {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
}

const BASE_FILES: Record<string, string> = {
  'package.json': `${JSON.stringify({ private: true, type: 'module' }, null, 2)}\n`,
  'tsconfig.json': `${JSON.stringify(
    {
      compilerOptions: {
        target: 'ES2022',
        lib: ['dom', 'esnext'],
        module: 'esnext',
        moduleResolution: 'bundler',
        jsx: 'react-jsx',
        strict: true,
        noEmit: true,
        skipLibCheck: true,
        isolatedModules: true,
        esModuleInterop: true,
        resolveJsonModule: true,
        allowJs: true,
        incremental: false,
      },
      include: ['**/*.ts', '**/*.tsx'],
      exclude: ['node_modules'],
    },
    null,
    2,
  )}\n`,
  'app/layout.tsx': `export default function RootLayout({ children }: { children: React.ReactNode }) {\n  return (\n    <html lang="en">\n      <body>{children}</body>\n    </html>\n  );\n}\n`,
};

function projectUnderRepo(prefix: string): string {
  const parent = join(ROOT, 'test-results');
  mkdirSync(parent, { recursive: true });
  return mkdtempSync(join(parent, prefix));
}

/**
 * The fix applied as its text says: the CORS block of next.config.mjs removed ("Remove the CORS
 * headers set elsewhere"), proxy.ts from the fix, the old proxy function's body moved into yourProxy.
 */
function applyProxyFix(fix: string, config: string): { proxy: string; config: string } {
  const empty = /function yourProxy\(request: NextRequest\)[^{]*\{\n\s*return undefined;\n\}/;
  if (!empty.test(fix)) throw new Error(`the fix has no yourProxy to move the old proxy into:\n${fix}`);
  const proxy = fix.replace(empty, (head) =>
    head.replace(/\{\n\s*return undefined;\n\}$/, `{\n${USER_PROXY_BODY}\n  return undefined;\n}`),
  );
  return { proxy: `${proxy}\n`, config: replaceCorsBlock(config, '', '  //') };
}

/** `next dev` on the lab's API routes, broken, or with `fix` applied. */
export async function startNext(pageOrigin: string, fix?: string): Promise<RunningApp> {
  const port = await freePort();
  const dir = projectUnderRepo('next-lab-');
  let proxy = brokenProxy();
  let config = nextConfig(pageOrigin);
  if (fix) ({ proxy, config } = applyProxyFix(fix, config));
  writeProject(dir, { ...BASE_FILES, ...ROUTES, 'proxy.ts': proxy, 'next.config.mjs': config });
  return run([process.execPath, NEXT_BIN, 'dev', '-p', String(port), '-H', '127.0.0.1'], dir, port, proxy, {
    NEXT_TELEMETRY_DISABLED: '1',
  });
}

/**
 * The page served by Next.js itself, which forwards /api to the API as the next-proxy fix's
 * rewrites() says (the page then calls its own origin). Without a fix, no rewrites: the page's
 * relative calls find no route.
 */
export async function startNextWithRewrites(pageHtml: string, fix?: string): Promise<RunningApp> {
  const port = await freePort();
  const dir = projectUnderRepo('next-proxy-lab-');
  const code = fix ? configBlock(fix, 'next.config.js') : undefined;
  writeProject(dir, {
    ...BASE_FILES,
    'next.config.mjs': code ? nextConfig('', code) : 'export default {};\n',
    'public/lab.html': pageHtml,
    // Answers the harness's readiness probe; the lab's own calls go through the rewrites.
    'app/ready/route.ts': `export function GET() {\n  return Response.json({ ready: true });\n}\n`,
  });
  return run(
    [process.execPath, NEXT_BIN, 'dev', '-p', String(port), '-H', '127.0.0.1'],
    dir,
    port,
    code ?? '',
    {
      NEXT_TELEMETRY_DISABLED: '1',
    },
    '/ready',
  );
}
