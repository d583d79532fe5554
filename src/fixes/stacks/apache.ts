import { type Renderer, regexEscape, routePrefix, structuralNotes } from '../fix.ts';

/**
 * Apache httpd 2.4 with mod_headers and mod_rewrite (off by default on Debian and Ubuntu).
 *
 * The preflight is answered by a RewriteRule in the VirtualHost itself: there mod_rewrite runs
 * while Apache maps the URL, before authentication and before the request is proxied. Inside
 * <Location> or <Directory> the same rule runs after `Require` (measured on Apache 2.4: a
 * protected route still answered its preflight 401). `Header always` reaches the error responses
 * Apache makes itself (401, 500); `Header unset` first drops any value the application sends, so
 * the header never arrives twice.
 */
export const apache: Renderer = (req) => {
  const prefix = routePrefix(req.path);
  const headers: [string, string][] = [
    ['Access-Control-Allow-Origin', req.origins.length > 1 ? '%{CORS_ORIGIN}e' : req.origin],
    ...(req.credentials ? [['Access-Control-Allow-Credentials', 'true'] as [string, string]] : []),
    ['Access-Control-Allow-Methods', req.methods.join(', ')],
    ...(req.headers.length
      ? [['Access-Control-Allow-Headers', req.headers.join(', ')] as [string, string]]
      : []),
    ['Access-Control-Max-Age', String(req.maxAge)],
  ];
  const env = (name: string) =>
    name === 'Access-Control-Allow-Origin' && req.origins.length > 1 ? ' env=CORS_ORIGIN' : '';
  return {
    stack: 'apache',
    language: 'apache',
    imports: [],
    code: `# Needs mod_headers and mod_rewrite (Debian, Ubuntu:
# sudo a2enmod headers rewrite, then reload Apache). In the <VirtualHost>
# that serves ${req.apiOrigin || 'the API'}, in place of the CORS headers it sets today.
${
  req.origins.length > 1
    ? `# The request's Origin when it is one of the page origins.
SetEnvIf Origin "^(${req.origins.map(regexEscape).join('|')})$" CORS_ORIGIN=$0
`
    : ''
}<Location "${prefix || '/'}">
${headers.map(([name]) => `    Header unset ${name}`).join('\n')}
${headers.map(([name, value]) => `    Header always set ${name} "${value}"${env(name)}`).join('\n')}
    Header always merge Vary "Origin"
</Location>
# Every preflight${prefix ? ` to ${prefix}` : ''} answered here, in the VirtualHost, not
# inside <Location>: this runs before authentication (browsers send no
# credentials with a preflight) and before the application.
RewriteEngine On
RewriteCond %{REQUEST_METHOD} OPTIONS
RewriteRule ${prefix ? `^${regexEscape(prefix)}(/|$)` : '^'} - [R=204,L]`,
    notes: structuralNotes(
      req,
      { cors: 'Apache', first: 'The RewriteRule below answers every preflight in the VirtualHost itself' },
      {
        'no-options-handler': (p) =>
          `The preflight got ${p.status}: nothing answers OPTIONS ${p.path ?? req.path}. The RewriteRule below answers every preflight${prefix ? ` to ${prefix}` : ''} in the VirtualHost itself.`,
        'auth-before-cors': (p) =>
          `The preflight got ${p.status}: authentication ran first, and browsers never send credentials with a preflight. The RewriteRule below answers preflights before authentication: keep it in the VirtualHost, outside <Location> and <Directory>, where it would run after "Require".`,
        'error-without-cors': (p) =>
          `The ${p.status} response had no CORS headers: Apache leaves headers set without "always" out of the error responses it makes itself. The fix uses "Header always set".`,
        'duplicate-header': () =>
          'Access-Control-Allow-Origin was sent twice: by the application and by Apache. The "Header unset" lines below drop the application\'s copy.',
      },
    ),
  };
};
