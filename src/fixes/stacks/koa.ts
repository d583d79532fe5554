import { list, q, type Renderer, structuralNotes } from '../fix.ts';

/** Koa with @koa/cors. `code` runs with `app` and `cors` in scope. */
export const koa: Renderer = (req) => ({
  stack: 'koa',
  language: 'js',
  imports: ["import cors from '@koa/cors'; // npm install @koa/cors"],
  code: `// First middleware: @koa/cors answers the preflight and keeps its headers
// on errors. Name the origin: by default @koa/cors (v5) answers every origin
// with the wildcard, which no request with credentials accepts.${
    req.origins.length > 1
      ? `\nconst allowedOrigins = [${list(req.origins)}];\n// One of them, echoed back; any other page gets no CORS headers.`
      : ''
  }
app.use(cors({
  origin: ${req.origins.length > 1 ? "(ctx) => (allowedOrigins.includes(ctx.get('Origin')) ? ctx.get('Origin') : '')" : q(req.origin)},
  allowMethods: [${list(req.methods)}],
  allowHeaders: [${list(req.headers)}],${req.credentials ? '\n  credentials: true,' : ''}
  maxAge: ${req.maxAge},
  keepHeadersOnError: true,
}));`,
  notes: structuralNotes(req, {
    cors: '@koa/cors',
    first: 'Put app.use(cors(...)) before every other middleware',
  }),
});
