/**
 * Real Flask (+ Flask-CORS) and Django (+ django-cors-headers) servers from Debian's python3-*
 * packages, on loopback ports, serving the lab's routes broken the way people break them. A fix
 * is applied by pasting its text where its first line says, in place of the user's own CORS setup
 * (between `# CORS` and `# END CORS`), nothing else.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from './listen.ts';
import { projectDir, type RunningApp, run } from './process.ts';
import { LAB_AUTHORIZATION, replaceCorsBlock } from './stack-lab.ts';

/** Debian's interpreter, whose python3-flask-cors and python3-django-cors-headers the tests use. */
export const PYTHON = ['/usr/bin/python3'].find((p) => existsSync(p));

/**
 * The Flask app: Flask-CORS set up for the page's origin with PATCH, Authorization and
 * credentials forgotten, and a token check in `before_request` that answers preflights 401.
 */
export function flaskApp(pageOrigin: string, port: number): string {
  return `from flask import Flask, abort, jsonify, request
from flask_cors import CORS

app = Flask(__name__)

# CORS
CORS(
    app,
    resources={r"/api/*": {"origins": "${pageOrigin}"}},
    methods=["GET", "POST", "PUT"],
    allow_headers=["Content-Type"],
)
# END CORS


@app.before_request
def require_login():
    if request.path == "/api/orders" and request.headers.get("Authorization") != "${LAB_AUTHORIZATION}":
        abort(401)


@app.get("/api/catalog")
def catalog():
    return jsonify(items=[])


@app.post("/api/orders")
def orders():
    return jsonify(id=1), 201


@app.patch("/api/profile")
def profile():
    return jsonify(ok=True)


@app.get("/api/me")
def me():
    return jsonify(user="ada")


@app.put("/api/files/<name>")
def files(name):
    return jsonify(saved=name)


@app.post("/api/import")
def import_():
    return jsonify(imported=len(request.get_json()))


if __name__ == "__main__":
    app.run(host="127.0.0.1", port=${port})
`;
}

/** Starts the Flask app, broken, or with `fix` pasted in place of its CORS setup. */
export async function startFlask(pageOrigin: string, fix?: string): Promise<RunningApp> {
  if (!PYTHON) throw new Error('No /usr/bin/python3. Install: sudo apt-get install -y python3-flask-cors');
  const port = await freePort();
  const dir = projectDir('cors-lens-flask-');
  let source = flaskApp(pageOrigin, port);
  if (fix) source = replaceCorsBlock(source, fix);
  writeFileSync(join(dir, 'app.py'), source);
  return run([PYTHON, join(dir, 'app.py')], dir, port, source);
}

/**
 * The Django project: django-cors-headers set up with PATCH, Authorization and credentials
 * forgotten, a URL regex written for the routes of its day (the files route came later), and a
 * login middleware above CorsMiddleware that answers the protected route's preflight 401.
 */
export function djangoProject(pageOrigin: string): Record<string, string> {
  return {
    'lab/__init__.py': '',
    'lab/settings.py': `SECRET_KEY = "lab"
DEBUG = False
ALLOWED_HOSTS = ["*"]
ROOT_URLCONF = "lab.urls"
INSTALLED_APPS = ["corsheaders"]
MIDDLEWARE = [
    "lab.middleware.LoginRequired",
    "corsheaders.middleware.CorsMiddleware",
    "django.middleware.common.CommonMiddleware",
]
USE_TZ = True

# CORS
CORS_URLS_REGEX = r"^/api/(catalog|orders|profile|me|import)$"
CORS_ALLOWED_ORIGINS = ["${pageOrigin}"]
CORS_ALLOW_METHODS = ["GET", "POST", "PUT"]
CORS_ALLOW_HEADERS = ["content-type"]
# END CORS
`,
    'lab/middleware.py': `from django.http import JsonResponse


class LoginRequired:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/api/orders" and request.headers.get("Authorization") != "${LAB_AUTHORIZATION}":
            return JsonResponse({"error": "Log in first"}, status=401)
        return self.get_response(request)
`,
    'lab/urls.py': `import json

from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_http_methods


@require_http_methods(["GET"])
def catalog(request):
    return JsonResponse({"items": []})


@require_http_methods(["POST"])
def orders(request):
    return JsonResponse({"id": 1}, status=201)


@require_http_methods(["PATCH"])
def profile(request):
    return JsonResponse({"ok": True})


@require_http_methods(["GET"])
def me(request):
    return JsonResponse({"user": "ada"})


@require_http_methods(["PUT"])
def files(request, name):
    return JsonResponse({"saved": name})


@require_http_methods(["POST"])
def import_(request):
    return JsonResponse({"imported": len(json.loads(request.body))})


urlpatterns = [
    path("api/catalog", catalog),
    path("api/orders", orders),
    path("api/profile", profile),
    path("api/me", me),
    path("api/files/<str:name>", files),
    path("api/import", import_),
]
`,
  };
}

/** Starts the Django project, broken, or with `fix` pasted at the end of settings.py in place of its CORS settings. */
export async function startDjango(pageOrigin: string, fix?: string): Promise<RunningApp> {
  if (!PYTHON)
    throw new Error('No /usr/bin/python3. Install: sudo apt-get install -y python3-django-cors-headers');
  const port = await freePort();
  const dir = projectDir('cors-lens-django-');
  const files = djangoProject(pageOrigin);
  if (fix) files['lab/settings.py'] = replaceCorsBlock(files['lab/settings.py'] as string, fix);
  mkdirSync(join(dir, 'lab'));
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return run(
    [PYTHON, '-m', 'django', 'runserver', `127.0.0.1:${port}`, '--noreload'],
    dir,
    port,
    files['lab/settings.py'] as string,
    { DJANGO_SETTINGS_MODULE: 'lab.settings', PYTHONPATH: dir },
  );
}
