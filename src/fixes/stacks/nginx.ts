import { type Renderer, routePrefix, structuralNotes } from '../fix.ts';

/** nginx: `always` puts the headers on error responses too; OPTIONS is answered before proxying. */
export const nginx: Renderer = (req) => {
  const multi = req.origins.length > 1;
  const common = [
    multi
      ? 'add_header Access-Control-Allow-Origin $cors_origin always;'
      : `add_header Access-Control-Allow-Origin "${req.origin}" always;`,
    ...(req.credentials ? ['add_header Access-Control-Allow-Credentials "true" always;'] : []),
    'add_header Vary "Origin" always;',
  ];
  const preflight = [
    ...common,
    `add_header Access-Control-Allow-Methods "${req.methods.join(', ')}" always;`,
    ...(req.headers.length
      ? [`add_header Access-Control-Allow-Headers "${req.headers.join(', ')}" always;`]
      : []),
    `add_header Access-Control-Max-Age ${req.maxAge} always;`,
    'return 204;',
  ];
  const indent = (lines: string[], n: number) => lines.map((l) => `${' '.repeat(n)}${l}`).join('\n');
  // A prefix without a trailing slash: `location /orders` serves /orders
  // itself as well as /orders/…, where `location /orders/` would miss the
  // first.
  return {
    stack: 'nginx',
    language: 'nginx',
    imports: [],
    code: `${
      multi
        ? `# In the http block: the request's Origin when it is one of the page
# origins, else nothing.
map $http_origin $cors_origin {
    default "";
${req.origins.map((o) => `    "${o}" $http_origin;`).join('\n')}
}

`
        : ''
    }location ${routePrefix(req.path) || '/'} {
    if ($request_method = OPTIONS) {
${indent(preflight, 8)}
    }
${indent(common, 4)}
    # Drop the app's own copy if it sends one, or the browser sees two
    # values.
    proxy_hide_header Access-Control-Allow-Origin;
    proxy_hide_header Access-Control-Allow-Credentials;
    # …your existing proxy_pass or root stays here.
}`,
    notes: structuralNotes(
      req,
      { cors: 'nginx', first: 'Answer OPTIONS in nginx, in the location block, before proxy_pass' },
      {
        'error-without-cors': (p) =>
          `The ${p.status} response had no CORS headers: nginx adds a header without "always" to 2xx and 3xx responses only. Every add_header below has "always".`,
      },
    ),
  };
};
