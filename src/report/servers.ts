/**
 * The report's fixes, one per server: what every view prints before the per-request detail, so a
 * developer pastes one snippet per API and every request to it passes.
 */
import { STACK_LABELS, type StackId } from '../fixes/fix.ts';
import { type ServerFix, serverFixes } from '../fixes/merge.ts';
import { stackFor } from './describe.ts';
import type { ReportEntry } from './entry.ts';

export type { ServerFix };

/** Each server with a blocked request, and its merged fix. */
export function serversOf(entries: readonly ReportEntry[]): ServerFix[] {
  return serverFixes(entries);
}

/**
 * The merged fix of the one server `entry` calls, or null when its server has nothing blocked (or
 * CORS headers play no part): what a view needs for one selected request, without merging the others.
 */
export function serverOf(entries: readonly ReportEntry[], entry: ReportEntry): ServerFix | null {
  const origin = entry.requirement?.apiOrigin;
  if (origin === undefined) return null;
  const [server] = serverFixes(entries.filter((e) => e.requirement?.apiOrigin === origin));
  return server ?? null;
}

/** A server's fix for the stack the view shows: the one chosen, else the one its server's headers suggest. */
export function serverFixFor(
  server: ServerFix,
  entries: readonly ReportEntry[],
  chosen: StackId | null | undefined,
): { readonly stack: StackId; readonly label: string; readonly text: string; readonly guessed: boolean } {
  const ids = new Set(server.entryIds);
  const sample = entries.find((e) => ids.has(e.id) && e.blocked) ?? entries.find((e) => ids.has(e.id));
  const { stack, guessed } = sample
    ? stackFor(sample, chosen)
    : { stack: chosen ?? 'express', guessed: false };
  return { stack, label: STACK_LABELS[stack], text: server.fixes[stack], guessed };
}

/** Entry id → the server whose fix covers it. */
export function coveredBy(servers: readonly ServerFix[]): Map<string, ServerFix> {
  const map = new Map<string, ServerFix>();
  for (const s of servers) for (const id of s.entryIds) map.set(id, s);
  return map;
}

/** "http://localhost:8000 — 7 requests, 6 blocked": how every view heads a server's fix. */
export function serverHeading(server: ServerFix): string {
  const n = server.entryIds.length;
  return `${server.origin} — ${n} request${n === 1 ? '' : 's'}, ${server.blocked} blocked`;
}
