import { type Renderer, structuralNotes } from '../fix.ts';

/** The headers themselves, for any server. */
export const http: Renderer = (req) => {
  const common = [
    req.origins.length > 1
      ? `Access-Control-Allow-Origin: <the request's Origin when it is one of ${req.origins.join(', ')}; otherwise no CORS headers>`
      : `Access-Control-Allow-Origin: ${req.origin}`,
    ...(req.credentials ? ['Access-Control-Allow-Credentials: true'] : []),
    'Vary: Origin',
  ];
  const code = [
    `# The preflight: OPTIONS ${req.path} must answer 204 with`,
    ...common,
    `Access-Control-Allow-Methods: ${req.methods.join(', ')}`,
    ...(req.headers.length ? [`Access-Control-Allow-Headers: ${req.headers.join(', ')}`] : []),
    `Access-Control-Max-Age: ${req.maxAge}`,
    '',
    `# Every other response of ${req.path}, errors included:`,
    ...common,
  ].join('\n');
  return {
    stack: 'http',
    language: 'http',
    imports: [],
    code,
    notes: structuralNotes(req, { cors: 'the server', first: 'Answer OPTIONS before any other handler' }),
  };
};
