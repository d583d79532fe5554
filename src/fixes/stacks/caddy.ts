import { type Renderer, routePrefix, structuralNotes } from '../fix.ts';

/**
 * Caddy (Caddyfile), inside the site block. Caddy runs its directives in a fixed order in which
 * basicauth and forward_auth come before respond: a preflight to a protected route is refused
 * (401) before `respond @cors_preflight` can answer it, and the headers of a `header … defer`
 * block never reach such an error (measured on Caddy 2.6). So the same headers and the preflight
 * answer are repeated in handle_errors, which turns a refused preflight into the 204 it should
 * have been and gives every error response its CORS headers.
 */
export const caddy: Renderer = (req) => {
  const prefix = `${routePrefix(req.path)}*`;
  const multi = req.origins.length > 1;
  const headers = (tab: string, defer: boolean) =>
    `${tab}header ${prefix} {
${multi ? '' : `${tab}\tAccess-Control-Allow-Origin "${req.origin}"\n`}${req.credentials ? `${tab}\tAccess-Control-Allow-Credentials "true"\n` : ''}${tab}\tAccess-Control-Allow-Methods "${req.methods.join(', ')}"
${req.headers.length ? `${tab}\tAccess-Control-Allow-Headers "${req.headers.join(', ')}"\n` : ''}${tab}\tAccess-Control-Max-Age "${req.maxAge}"
${tab}\tVary "Origin"
${defer ? `${tab}\tdefer\n` : ''}${tab}}`;
  const origin = (tab: string, defer: boolean) =>
    multi
      ? `${tab}header @cors_origin {
${tab}\tAccess-Control-Allow-Origin "{http.request.header.Origin}"
${defer ? `${tab}\tdefer\n` : ''}${tab}}
`
      : '';
  return {
    stack: 'caddy',
    language: 'caddy',
    imports: [],
    code: `# In the site block that serves ${req.apiOrigin || 'the API'},
# in place of the CORS headers it sets today.
${
  multi
    ? `@cors_origin {
	path ${prefix}
	header Origin ${req.origins.join(' ')}
}
`
    : ''
}${origin('', true)}${headers('', true)}
@cors_preflight {
	method OPTIONS
	path ${prefix}
}
respond @cors_preflight 204
# A preflight refused before that (basicauth, forward_auth: browsers send no
# credentials with a preflight) is answered here, and every error response
# gets the headers too.
handle_errors {
${origin('\t', false)}${headers('\t', false)}
	respond @cors_preflight 204
}`,
    notes: structuralNotes(
      req,
      { cors: 'Caddy', first: 'Answer OPTIONS in the Caddyfile with the @cors_preflight matcher' },
      {
        'auth-before-cors': (p) =>
          `The preflight got ${p.status}: basicauth (or forward_auth) runs before respond in Caddy's directive order, and browsers never send credentials with a preflight. The handle_errors block below answers such a refused preflight with 204 and the CORS headers.`,
        'error-without-cors': (p) =>
          `The ${p.status} response had no CORS headers: Caddy's header directive does not reach the error responses Caddy makes itself. The handle_errors block below adds them.`,
      },
    ),
  };
};
