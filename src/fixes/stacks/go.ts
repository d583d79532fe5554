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
// Wrap the whole router (your mux), so the preflight is answered before any route or auth
// handler, and serve handler where you served the router: http.ListenAndServe(yourAddr, handler).
handler := c.Handler(mux)`,
  notes: structuralNotes(req, {
    cors: 'rs/cors',
    first: 'Wrap the whole router with c.Handler, outside the auth middleware',
  }),
});
