import { type Renderer, routePrefix, structuralNotes } from '../fix.ts';

/** Apache httpd with mod_headers and mod_rewrite. */
export const apache: Renderer = (req) => ({
  stack: 'apache',
  language: 'apache',
  imports: [],
  code: `${
    req.origins.length > 1
      ? `# The request's Origin when it is one of the page origins.
SetEnvIf Origin "^(${req.origins.map(regexEscape).join('|')})$" CORS_ORIGIN=$0
`
      : ''
  }<Location "${routePrefix(req.path) || '/'}">
    ${
      req.origins.length > 1
        ? 'Header always set Access-Control-Allow-Origin "%{CORS_ORIGIN}e" env=CORS_ORIGIN'
        : `Header always set Access-Control-Allow-Origin "${req.origin}"`
    }
${req.credentials ? '    Header always set Access-Control-Allow-Credentials "true"\n' : ''}    Header always merge Vary "Origin"
    Header always set Access-Control-Allow-Methods "${req.methods.join(', ')}"
${req.headers.length ? `    Header always set Access-Control-Allow-Headers "${req.headers.join(', ')}"\n` : ''}    Header always set Access-Control-Max-Age "${req.maxAge}"
    # Answer the preflight here, before the application sees it.
    RewriteEngine On
    RewriteCond %{REQUEST_METHOD} OPTIONS
    RewriteRule ^ - [R=204,L]
</Location>`,
  notes: structuralNotes(req, {
    cors: 'Apache',
    first: 'Answer OPTIONS in the server configuration with the rewrite rule below',
  }),
});

function regexEscape(s: string): string {
  return s.replace(/[.*+?^$()|[\]\\{}]/g, '\\$&');
}
