/** The CORS Lens engine: pure TypeScript, no browser APIs. */
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
