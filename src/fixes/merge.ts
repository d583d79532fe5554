/**
 * One fix per server: a developer applies the fixes for one API together, so they are computed
 * together — from every request the log holds for that server, blocked and allowed alike (a fix
 * must never take away what works today). Fixed per request, the demo's one Express server got six
 * `corsOptions` that undid each other.
 */
import type { StackId } from './fix.ts';
import { fixTexts } from './index.ts';
import { type CorsRequirement, FIX_MAX_AGE, type StructuralProblem, unique } from './requirement.ts';

/** A request of the log, as far as merging needs it. */
export interface MergeInput {
  readonly id: string;
  readonly blocked: boolean;
  /** What the server must send for this request; null where CORS headers play no part. */
  readonly requirement: CorsRequirement | null;
  readonly method?: string;
  readonly url?: string;
  /** The engine's findings: one says when nothing captured tells whether credentials were sent. */
  readonly verdict?: { readonly findings: readonly { readonly kind: string }[] } | null;
}

export interface ServerFix {
  /** The server's origin (`http://localhost:8000`). */
  readonly origin: string;
  /** Every request to it the fix covers: the blocked ones it makes pass and the allowed ones it keeps. */
  readonly entryIds: readonly string[];
  readonly blocked: number;
  readonly requirement: CorsRequirement;
  /** Stack id → the one snippet to paste for this server. */
  readonly fixes: Readonly<Record<StackId, string>>;
  /** What the merged fix does beyond one request's: several page origins, several routes. */
  readonly notes: readonly string[];
}

/** The longest path prefix, by whole segments, that every path shares (`/api/orders`, `/api/me` → `/api`). */
function commonPath(paths: readonly string[]): string {
  const split = paths.map((p) => p.split('/').filter(Boolean));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  // A whole path shared by all is a route; a prefix of several routes covers them all.
  return `/${first.slice(0, n).join('/')}`;
}

function pathOf(url: string | undefined): string {
  if (url === undefined) return '';
  try {
    return new URL(url).pathname;
  } catch {
    return url;
  }
}

function problemKey(p: StructuralProblem): string {
  return JSON.stringify(p);
}

/** Adds each value once (by `key`), first spelling kept, in order. */
function addAll(into: Map<string, string>, values: readonly string[], key: (s: string) => string): void {
  for (const v of values) {
    if (!v) continue;
    const k = key(v);
    if (!into.has(k)) into.set(k, v);
  }
}

const same = (s: string) => s;
const upper = (s: string) => s.toUpperCase();
const lower = (s: string) => s.toLowerCase();

/**
 * The requirements of several requests to one server as one: every origin, method and header any
 * needs. One pass (a page's log can hold thousands of requests to one API, merged on each change).
 */
export function mergeRequirements(reqs: readonly CorsRequirement[]): CorsRequirement {
  const [first] = reqs;
  if (!first) throw new Error('mergeRequirements needs at least one requirement');
  const origins = new Map<string, string>();
  const methods = new Map<string, string>();
  const headers = new Map<string, string>();
  const paths = new Set<string>();
  const problems = new Map<string, StructuralProblem>();
  let credentials = false;
  for (const r of reqs) {
    addAll(origins, r.origins, same);
    addAll(methods, r.methods, upper);
    addAll(headers, r.headers, lower);
    paths.add(r.path);
    credentials ||= r.credentials;
    for (const p of r.problems) {
      const key = problemKey(p);
      if (!problems.has(key)) problems.set(key, p);
    }
  }
  const allOrigins = [...origins.values()];
  return {
    origin: allOrigins[0] ?? first.origin,
    origins: allOrigins,
    apiOrigin: first.apiOrigin,
    path: paths.size === 1 ? first.path : commonPath([...paths]),
    methods: [...methods.values()],
    headers: [...headers.values()],
    credentials,
    maxAge: FIX_MAX_AGE,
    problems: [...problems.values()],
  };
}

/** "GET /a, POST /b, PUT /c and 2 more". */
function listed(entries: readonly MergeInput[]): string {
  const named = entries.slice(0, 3).map((e) => `${e.method ?? ''} ${pathOf(e.url)}`.trim());
  const more = entries.length > named.length ? ` and ${entries.length - named.length} more` : '';
  return `${named.join(', ')}${more}`;
}

/**
 * One fix per server that has a blocked request: merged from every request to it with a
 * requirement, in the order servers first appear in the log.
 */
export function serverFixes(entries: readonly MergeInput[]): ServerFix[] {
  const byServer = new Map<string, MergeInput[]>();
  for (const e of entries) {
    if (!e.requirement) continue;
    const list = byServer.get(e.requirement.apiOrigin) ?? [];
    list.push(e);
    byServer.set(e.requirement.apiOrigin, list);
  }
  const out: ServerFix[] = [];
  for (const [origin, list] of byServer) {
    const blocked = list.filter((e) => e.blocked).length;
    if (blocked === 0) continue;
    const requirement = mergeRequirements(list.map((e) => e.requirement as CorsRequirement));
    const notes: string[] = [];
    if (requirement.origins.length > 1) {
      notes.push(
        `Called from ${requirement.origins.length} page origins (${requirement.origins.join(', ')}): the fix allows each by name and echoes back only the one in the request.`,
      );
    }
    const paths = unique(list.map((e) => (e.requirement as CorsRequirement).path));
    if (paths.length > 1) {
      notes.push(`Covers ${paths.length} routes under ${requirement.path}: ${paths.join(', ')}.`);
    }
    // Nothing recorded shows whether these were sent with credentials (no cookie, a browser that
    // does not say). One that passes only without them may have been blocked: the fix allows
    // credentials for the exact origin, which passes either way. One blocked either way (before it
    // went out) is served as judged, and the note says what credentials would need.
    const unknownMode = list.filter((e) =>
      e.verdict?.findings.some((f) => f.kind === 'credentials-undetermined'),
    );
    const eitherWay = unknownMode.filter((e) => !e.blocked);
    const blockedAnyway = requirement.credentials ? [] : unknownMode.filter((e) => e.blocked);
    if (eitherWay.length > 0) {
      notes.push(
        `Nothing recorded shows whether the page sends ${listed(eitherWay)} with credentials (cookies, credentials: "include"), ` +
          'which the server refuses: the fix allows credentials for the exact origin, which lets them through either way.',
      );
    }
    if (blockedAnyway.length > 0) {
      notes.push(
        `Blocked before ${blockedAnyway.length === 1 ? 'it' : 'they'} went out, ${listed(blockedAnyway)} showed no cookie: nothing tells whether the page sends ${blockedAnyway.length === 1 ? 'it' : 'them'} with credentials. ` +
          'If it does (credentials: "include", withCredentials), the server must allow credentials too.',
      );
    }
    out.push({
      origin,
      entryIds: list.map((e) => e.id),
      blocked,
      requirement,
      fixes: fixTexts(requirement),
      notes,
    });
  }
  return out;
}
