/**
 * `import { … } from 'cors-lens'`: the engine as a library — pure TypeScript, no browser API, the
 * same code the extension, the command and the Playwright fixture run. Documented in
 * docs/engine-api.md; everything exported here is the package's public API (semver).
 *
 * - Judge one exchange: `diagnose(exchange)` → a `Verdict` (Chrome's error name, Firefox's reason,
 *   the culprit header).
 * - Read a HAR: `importHar(text)` → report entries, paired and judged as the extension does.
 * - Report them: `renderMarkdown`, `renderHtml`, `renderJson` / `readJsonReport`, `problemsOf`,
 *   `serversOf` (one merged fix per server), `describeEntry` (the card's words).
 * - Watch Chrome over its DevTools protocol: `CdpNetworkLog` turns Network events into entries with
 *   Chrome's own verdict beside the engine's.
 */

export { type CdpEntry, CdpNetworkLog, type ChromeWord, NETWORK_EVENTS } from './cdp/network.ts';
// The CORS checks, step by step as the Fetch standard writes them.
export { corsCheck, preflightCheck } from './cors/check.ts';
export { diagnose } from './cors/diagnose.ts';
export * from './cors/errors.ts';
export type * from './cors/exchange.ts';
export { type CorsErrorInfo, corsErrorInfo, fillTemplate } from './cors/explanations.ts';
export * from './cors/headers.ts';
export { parseAllowList } from './cors/lists.ts';
export * from './cors/preflight-status.ts';
export * from './cors/redirect.ts';
export * from './cors/safelist.ts';
export type * from './cors/verdict.ts';
// What the server must send, rendered per stack.
export {
  type CorsRequirement,
  DEFAULT_STACK,
  fixText,
  fixTextFor,
  guessStack,
  requirementOf,
  STACK_LABELS,
  STACKS,
  type StackId,
} from './fixes/index.ts';
// Sources: a HAR file, Chrome's DevTools protocol.
export { type HarImport, type HarImportResult, importHar } from './har/import.ts';
export {
  type Browser,
  type DescribeOptions,
  describeEntry,
  type EntryDescription,
} from './report/describe.ts';
// Reports: entries, their words, and the exports.
export type { EntryState, ReportEntry } from './report/entry.ts';
export { renderHtml } from './report/html.ts';
export {
  type ExportOptions,
  type JsonReport,
  REPORT_FORMAT,
  REPORT_VERSION,
  type ReadResult,
  readJsonReport,
  renderJson,
  toJsonReport,
} from './report/json.ts';
export { renderMarkdown } from './report/markdown.ts';
export { type Problem, problemsOf } from './report/problems.ts';
export { type ServerFix, serversOf } from './report/servers.ts';
