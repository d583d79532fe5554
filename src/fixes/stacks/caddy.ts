import { type Renderer, routePrefix, structuralNotes } from '../fix.ts';

/** Caddy (Caddyfile), inside the site block. */
export const caddy: Renderer = (req) => {
  const prefix = `${routePrefix(req.path)}*`;
  const multi = req.origins.length > 1;
  return {
    stack: 'caddy',
    language: 'caddy',
    imports: [],
    code: `${
      multi
        ? `@cors_origin {
	path ${prefix}
	header Origin ${req.origins.join(' ')}
}
header @cors_origin {
	Access-Control-Allow-Origin "{http.request.header.Origin}"
	defer
}
`
        : ''
    }header ${prefix} {
${multi ? '' : `\tAccess-Control-Allow-Origin "${req.origin}"\n`}${req.credentials ? '\tAccess-Control-Allow-Credentials "true"\n' : ''}	Access-Control-Allow-Methods "${req.methods.join(', ')}"
${req.headers.length ? `\tAccess-Control-Allow-Headers "${req.headers.join(', ')}"\n` : ''}	Access-Control-Max-Age "${req.maxAge}"
	Vary "Origin"
	defer
}
@cors_preflight {
	method OPTIONS
	path ${prefix}
}
respond @cors_preflight 204`,
    notes: structuralNotes(req, {
      cors: 'Caddy',
      first: 'Answer OPTIONS in the Caddyfile with the @cors_preflight matcher',
    }),
  };
};
