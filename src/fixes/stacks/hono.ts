import { list, origins, q, type Renderer, routePrefix, structuralNotes } from '../fix.ts';

/** Hono's built-in cors middleware. `code` runs with `app` and `cors` in scope. */
export const hono: Renderer = (req) => ({
  stack: 'hono',
  language: 'ts',
  imports: ["import { cors } from 'hono/cors';"],
  code: `// Before the routes it covers: it answers every OPTIONS preflight under
// this path.
app.use(${q(`${routePrefix(req.path)}/*`)}, cors({
  origin: ${origins(req)},
  allowMethods: [${list(req.methods)}],
  allowHeaders: [${list(req.headers)}],${req.credentials ? '\n  credentials: true,' : ''}
  maxAge: ${req.maxAge},
}));`,
  notes: structuralNotes(req, {
    cors: 'cors()',
    first: 'Register app.use(..., cors(...)) before the routes and auth middleware',
  }),
});
