import { q, type Renderer, structuralNotes } from '../fix.ts';

/** Next.js App Router: a route handler that answers OPTIONS and adds the headers to its responses. */
export const next: Renderer = (req) => {
  const multi = req.origins.length > 1;
  const headers = [
    ...(multi ? [] : [`  'Access-Control-Allow-Origin': ${q(req.origin)},`]),
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
    code: multi
      ? `// app${req.path}/route.ts
const ALLOWED_ORIGINS = [${req.origins.map(q).join(', ')}];
const BASE = {
${headers.join('\n')}
};

/** The CORS headers for this request: its Origin echoed back only when it is allowed. */
function cors(request: Request): Record<string, string> {
  const origin = request.headers.get('Origin') ?? '';
  return ALLOWED_ORIGINS.includes(origin) ? { ...BASE, 'Access-Control-Allow-Origin': origin } : {};
}

export function OPTIONS(request: Request) {
  return new Response(null, { status: 204, headers: cors(request) });
}

// In every handler of this route, errors included, add the headers:
// return Response.json(data, { headers: cors(request) });`
      : `// app${req.path}/route.ts
const CORS = {
${headers.join('\n')}
};

export function OPTIONS() {
  return new Response(null, { status: 204, headers: CORS });
}

// In every handler of this route, errors included, add the headers:
// return Response.json(data, { headers: CORS });
// For many routes, set the same headers in middleware.ts and answer OPTIONS there.`,
    notes: structuralNotes(req, {
      cors: 'the OPTIONS export',
      first: 'Export OPTIONS from the route file (or answer it in middleware.ts)',
      errors: 'a handler threw or returned an error without the headers',
    }),
  };
};
