import { list, origins, type Renderer, structuralNotes } from '../fix.ts';

/** Fastify with @fastify/cors. `code` runs with `fastify` and `cors` in scope, in an async function. */
export const fastify: Renderer = (req) => ({
  stack: 'fastify',
  language: 'js',
  imports: ["import cors from '@fastify/cors'; // npm install @fastify/cors"],
  code: `// Registered on the root instance, before the routes: it answers every
// OPTIONS preflight.
await fastify.register(cors, {
  origin: ${origins(req)},
  methods: [${list(req.methods)}],
  allowedHeaders: [${list(req.headers)}],${req.credentials ? '\n  credentials: true,' : ''}
  maxAge: ${req.maxAge},
});`,
  notes: structuralNotes(req, {
    cors: '@fastify/cors',
    first: 'Register @fastify/cors on the root instance, before routes and auth hooks',
    errors: 'an onRequest hook or error handler replied without the CORS headers',
  }),
});
