/**
 * Real Flask (+ Flask-CORS) and Django (+ django-cors-headers) servers from Debian's python3-*
 * packages, on loopback ports, serving the lab's routes broken the way people break them. A fix
 * is applied by pasting its text where its first line says, in place of the user's own CORS setup
 * (between `# CORS` and `# END CORS`), nothing else.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitUntil } from '../e2e/wait.ts';
import { freePort } from './listen.ts';
import { LAB_AUTHORIZATION, replaceCorsBlock } from './stack-lab.ts';

/** Debian's interpreter, whose python3-flask-cors and python3-django-cors-headers the tests use. */
export const PYTHON = ['/usr/bin/python3'].find((p) => existsSync(p));

export interface RunningApp {
  readonly origin: string;
  readonly source: string;
  close(): Promise<void>;
}

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
  const dir = mkdtempSync(join(tmpdir(), 'cors-lens-flask-'));
  let source = flaskApp(pageOrigin, port);
  if (fix) source = replaceCorsBlock(source, fix);
  writeFileSync(join(dir, 'app.py'), source);
  return run([PYTHON, join(dir, 'app.py')], dir, port, source);
}

/** Runs a server process until `/api/catalog` answers; its output is kept for a failure's message. */
export async function run(
  command: readonly string[],
  dir: string,
  port: number,
  source: string,
  env: Record<string, string> = {},
): Promise<RunningApp> {
  const [file, ...args] = command as [string, ...string[]];
  const child: ChildProcess = spawn(file, args, {
    cwd: dir,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  let exited = false;
  child.once('exit', () => {
    exited = true;
  });
  const close = async () => {
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 100));
    rmSync(dir, { recursive: true, force: true });
  };
  const origin = `http://127.0.0.1:${port}`;
  try {
    await waitUntil(
      () =>
        exited
          ? Promise.resolve(true)
          : fetch(`${origin}/api/catalog`).then(
              () => true,
              () => false,
            ),
      (up) => up,
      { what: `${file} to listen`, timeoutMs: 30_000 },
    );
    if (exited) throw new Error(`${command.join(' ')} exited:\n${output}\n--- source ---\n${source}`);
  } catch (err) {
    await close();
    throw err;
  }
  return { origin, source, close };
}

/** A directory for a generated project, removed by the caller's close(). */
export function projectDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  mkdirSync(dir, { recursive: true });
  return dir;
}
