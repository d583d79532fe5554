import { list, type Renderer, structuralNotes } from '../fix.ts';

/** Django with django-cors-headers (settings.py). */
export const django: Renderer = (req) => ({
  stack: 'django',
  language: 'python',
  imports: ['# pip install django-cors-headers'],
  code: `INSTALLED_APPS = [
    # ...
    "corsheaders",
]
MIDDLEWARE = [
    "corsheaders.middleware.CorsMiddleware",  # as high as possible, before CommonMiddleware
    "django.middleware.common.CommonMiddleware",
    # ...
]
CORS_ALLOWED_ORIGINS = [${list(req.origins)}]
CORS_ALLOW_METHODS = [${list(req.methods)}]
CORS_ALLOW_HEADERS = [${list(req.headers.map((h) => h.toLowerCase()))}]
CORS_ALLOW_CREDENTIALS = ${req.credentials ? 'True' : 'False'}
CORS_PREFLIGHT_MAX_AGE = ${req.maxAge}`,
  notes: structuralNotes(req, { cors: 'CorsMiddleware', first: 'Put CorsMiddleware first in MIDDLEWARE' }),
});
