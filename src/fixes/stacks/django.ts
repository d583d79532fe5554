import { list, type Renderer, regexEscape, routePrefix, structuralNotes } from '../fix.ts';

/**
 * Django with django-cors-headers, pasted at the end of settings.py: it adds to the user's
 * INSTALLED_APPS and MIDDLEWARE rather than replacing them (a pasted list would drop their own),
 * and moves CorsMiddleware to the top, where it answers a preflight before any other middleware
 * (an authentication middleware among them) sees it.
 */
export const django: Renderer = (req) => ({
  stack: 'django',
  language: 'python',
  imports: [],
  code: `# At the end of settings.py, in place of your CORS_* settings.
# Needs django-cors-headers:
# pip install django-cors-headers
if "corsheaders" not in INSTALLED_APPS:
    INSTALLED_APPS = [*INSTALLED_APPS, "corsheaders"]
# CorsMiddleware first of all: it answers the preflight before any other
# middleware sees it.
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",
    *(m for m in MIDDLEWARE if m != "corsheaders.middleware.CorsMiddleware"),
]
CORS_URLS_REGEX = r"^${regexEscape(routePrefix(req.path))}/.*$"
CORS_ALLOWED_ORIGINS = [${list(req.origins)}]
CORS_ALLOW_METHODS = [${list(req.methods)}]
CORS_ALLOW_HEADERS = [${list(req.headers.map((h) => h.toLowerCase()))}]
CORS_ALLOW_CREDENTIALS = ${req.credentials ? 'True' : 'False'}
CORS_PREFLIGHT_MAX_AGE = ${req.maxAge}`,
  notes: structuralNotes(
    req,
    { cors: 'CorsMiddleware', first: 'Put CorsMiddleware first in MIDDLEWARE' },
    {
      'auth-before-cors': (p) =>
        `The preflight got ${p.status}: a middleware before CorsMiddleware (authentication) answered it, and browsers never send credentials with a preflight. The fix moves CorsMiddleware to the top of MIDDLEWARE.`,
      'error-without-cors': (p) =>
        `The ${p.status} response had no CORS headers: a middleware above CorsMiddleware answered it. The fix moves CorsMiddleware to the top of MIDDLEWARE.`,
    },
  ),
});
