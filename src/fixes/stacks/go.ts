import { type Renderer, structuralNotes } from '../fix.ts';

const goList = (items: readonly string[]) => items.map((s) => JSON.stringify(s)).join(', ');

/**
 * Go with github.com/rs/cors wrapping the whole mux. The address the server listens on is the
 * user's: the fix wraps the router and leaves ListenAndServe as it is.
 */
export const go: Renderer = (req) => ({
  stack: 'go',
  language: 'go',
  imports: ['import "github.com/rs/cors" // go get github.com/rs/cors'],
  code: `c := cors.New(cors.Options{
	AllowedOrigins:   []string{${req.origins.map((o) => JSON.stringify(o)).join(', ')}},
	AllowedMethods:   []string{${goList(req.methods)}},
	AllowedHeaders:   []string{${goList(req.headers)}},
	AllowCredentials: ${req.credentials},
	MaxAge:           ${req.maxAge},
})
// Outermost of all: c.Handler around what you served until now — your router
// with its middleware, auth included (e.g. c.Handler(requireLogin(mux))) —
// so the preflight is answered before any of them runs. Serve handler where
// you served it: http.ListenAndServe(addr, handler).
handler := c.Handler(mux)`,
  notes: structuralNotes(
    req,
    { cors: 'rs/cors', first: 'Wrap the whole router with c.Handler, outside the auth middleware' },
    {
      'auth-before-cors': (p) =>
        `The preflight got ${p.status}: an authentication middleware wraps the CORS handler, and browsers never send credentials with a preflight. c.Handler below goes outermost, around the auth middleware.`,
    },
  ),
});
