import { q, type Renderer, routePrefix, structuralNotes } from '../fix.ts';

/**
 * Next.js (App Router): the Proxy file (`proxy.ts`, Next.js 16; `middleware.ts` with a function
 * named `middleware` in Next.js 13–15), which runs before every route the matcher names. A route
 * file's OPTIONS export covers that one route only (`app/api/route.ts` serves /api, not
 * /api/orders): a page calling several routes needs the Proxy. It answers every preflight first —
 * before any authentication check the file already does — and puts the headers on every other
 * response, errors included (measured on Next.js 16.5: a route that throws answers 500 with them).
 */
export const next: Renderer = (req) => {
  const prefix = routePrefix(req.path);
  const headers = [
    ...(req.credentials ? [`  'Access-Control-Allow-Credentials': 'true',`] : []),
    `  'Access-Control-Allow-Methods': ${q(req.methods.join(', '))},`,
    ...(req.headers.length ? [`  'Access-Control-Allow-Headers': ${q(req.headers.join(', '))},`] : []),
    `  'Access-Control-Max-Age': '${req.maxAge}',`,
    `  Vary: 'Origin',`,
  ];
  return {
    stack: 'next',
    language: 'ts',
    imports: [],
    code: `// proxy.ts, at the root of the project (beside app/). Next.js 13–15: name
// it middleware.ts and the function middleware. Remove the CORS headers set
// elsewhere (next.config.js headers(), route files): this file sets them for
// every route under ${prefix || '/'}.
import { type NextRequest, NextResponse } from 'next/server';

const ALLOWED_ORIGINS = [${req.origins.map(q).join(', ')}];
const CORS_HEADERS = {
${headers.join('\n')}
};

export async function proxy(request: NextRequest) {
  const origin = request.headers.get('origin') ?? '';
  const cors: Record<string, string> = ALLOWED_ORIGINS.includes(origin)
    ? { ...CORS_HEADERS, 'Access-Control-Allow-Origin': origin }
    : {};
  // Every preflight answered here, first: browsers send no credentials with
  // it.
  if (request.method === 'OPTIONS') return new NextResponse(null, { status: 204, headers: cors });
  const yours = await yourProxy(request);
  // A copy: the headers of a redirect or a fetched response cannot be
  // changed in place.
  const response = yours ? new NextResponse(yours.body, yours) : NextResponse.next();
  for (const [name, value] of Object.entries(cors)) response.headers.set(name, value);
  return response;
}

/** What your proxy (or middleware) function did until now, authentication included: move its body here. */
async function yourProxy(request: NextRequest): Promise<Response | undefined> {
  return undefined;
}

export const config = { matcher: ${q(prefix ? `${prefix}/:path*` : '/:path*')} };`,
    notes: structuralNotes(
      req,
      { cors: 'the Proxy', first: 'Answer OPTIONS in proxy.ts (middleware.ts before Next.js 16)' },
      {
        'no-options-handler': (p) =>
          `The preflight got ${p.status}: nothing answers OPTIONS ${p.path ?? req.path} with CORS headers. proxy.ts below answers every preflight under ${prefix || '/'}, for every route.`,
        'auth-before-cors': (p) =>
          `The preflight got ${p.status}: an authentication check answered it, and browsers never send credentials with a preflight. proxy.ts below answers preflights before your own checks, which move into yourProxy.`,
        'error-without-cors': (p) =>
          `The ${p.status} response had no CORS headers: a route threw or answered an error without them. proxy.ts below adds them to every response, errors included.`,
      },
    ),
  };
};
