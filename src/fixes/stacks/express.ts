import { list, origins, type Renderer, structuralNotes } from '../fix.ts';

/** Express with the `cors` package. `code` runs with `app` and `cors` in scope (tests run it). */
export const express: Renderer = (req) => ({
  stack: 'express',
  language: 'js',
  imports: ["const cors = require('cors'); // npm install cors"],
  code: `const corsOptions = {
  origin: ${origins(req)},
  methods: [${list(req.methods)}],
  allowedHeaders: [${list(req.headers)}],${req.credentials ? '\n  credentials: true,' : ''}
  maxAge: ${req.maxAge},
};
// First, before the routes, body parsers and auth checks: it answers every
// OPTIONS preflight.
app.use(cors(corsOptions));`,
  notes: structuralNotes(req, {
    cors: 'cors()',
    first: 'Mount app.use(cors(corsOptions)) before everything else',
    errors: 'a middleware that ran before cors() (express.json(), auth) answered the error',
  }),
});
