/**
 * A real Go server (Debian's golang-go) with github.com/rs/cors (Debian's
 * golang-github-rs-cors-dev, built in GOPATH mode), serving the lab's routes broken the way
 * people break it: the login middleware wrapped around rs/cors, so it answers the protected
 * route's preflight 401, and PATCH, Authorization and credentials left out. A fix is applied by
 * pasting it in place of that setup and serving, as its comment says, what was served before
 * inside c.Handler.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './listen.ts';
import { projectDir, type RunningApp, run } from './process.ts';
import { LAB_AUTHORIZATION, replaceCorsBlock } from './stack-lab.ts';

export const GO = ['/usr/bin/go', '/usr/lib/go/bin/go'].find((p) => existsSync(p));
const GOPATH = '/usr/share/gocode';

function goApp(pageOrigin: string, port: number): string {
  return `package main

import (
	"encoding/json"
	"net/http"

	"github.com/rs/cors"
)

func reply(w http.ResponseWriter, status int, body interface{}) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body)
}

func requireLogin(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/api/orders" && r.Header.Get("Authorization") != "${LAB_AUTHORIZATION}" {
			reply(w, http.StatusUnauthorized, map[string]string{"error": "Log in first"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

func main() {
	mux := http.NewServeMux()
	mux.HandleFunc("/api/catalog", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, []string{}) })
	mux.HandleFunc("/api/orders", func(w http.ResponseWriter, r *http.Request) { reply(w, 201, map[string]int{"id": 1}) })
	mux.HandleFunc("/api/profile", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, map[string]bool{"ok": true}) })
	mux.HandleFunc("/api/me", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, map[string]string{"user": "ada"}) })
	mux.HandleFunc("/api/files/", func(w http.ResponseWriter, r *http.Request) { reply(w, 200, map[string]bool{"saved": true}) })
	mux.HandleFunc("/api/import", func(w http.ResponseWriter, r *http.Request) {
		var body interface{}
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil {
			reply(w, 400, map[string]string{"error": err.Error()})
			return
		}
		reply(w, 200, map[string]bool{"imported": true})
	})

	// CORS
	c := cors.New(cors.Options{
		AllowedOrigins: []string{"${pageOrigin}"},
		AllowedMethods: []string{"GET", "POST", "PUT"},
	})
	handler := requireLogin(c.Handler(mux))
	// END CORS

	http.ListenAndServe("127.0.0.1:${port}", handler)
}
`;
}

/** Builds and starts the Go server, broken, or with `fix` pasted in place of its CORS setup. */
export async function startGo(pageOrigin: string, fix?: string): Promise<RunningApp> {
  if (!GO)
    throw new Error('No Go found. Install: sudo apt-get install -y golang-go golang-github-rs-cors-dev');
  const port = await freePort();
  const dir = projectDir('cors-lens-go-');
  let source = goApp(pageOrigin, port);
  if (fix) {
    // The fix's code only: its import line is the one the app already has.
    const code = fix.replace(/^import "github\.com\/rs\/cors".*\n/m, '');
    // "c.Handler around what you served until now": the router with its login middleware.
    source = replaceCorsBlock(source, code.replace('c.Handler(mux)', 'c.Handler(requireLogin(mux))'), '\t//');
  }
  writeFileSync(join(dir, 'main.go'), source);
  const env = {
    ...process.env,
    GO111MODULE: 'off',
    GOPATH,
    GOFLAGS: '',
    GOCACHE: join(tmpdir(), 'cors-lens-go-cache'),
  };
  try {
    execFileSync(GO, ['build', '-o', 'server', 'main.go'], { cwd: dir, env, stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`go build failed:\n${(err as { stderr?: Buffer }).stderr?.toString()}\n${source}`);
  }
  return run([join(dir, 'server')], dir, port, source);
}
