import { list, q, type Renderer, structuralNotes } from '../fix.ts';

/** Koa with @koa/cors. `code` runs with `app` and `cors` in scope. */
export const koa: Renderer = (req) => ({
  stack: 'koa',
  language: 'js',
  imports: ["import cors from '@koa/cors'; // npm install @koa/cors"],
  code: `// First middleware: @koa/cors answers the preflight and keeps its headers on errors.
// Name the origin: by default @koa/cors echoes any origin back.
app.use(cors({
  origin: ${q(req.origin)},
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
