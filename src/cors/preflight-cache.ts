/**
 * How each browser keeps a preflight's answer (the CORS-preflight cache, Fetch §4.10), as measured:
 * one place for these facts, read by the verdict's findings, the entry's "served from the cache"
 * and the card's words. PLATFORM.md: Chrome caps Access-Control-Max-Age at 2 hours and keeps an
 * answer 5 s when the header is absent; Firefox caps it at 24 hours.
 */
export const CHROME_PREFLIGHT_CACHE = {
  /** Seconds an answer is kept without Access-Control-Max-Age. */
  defaultSeconds: 5,
  /** The most seconds Chrome keeps an answer, whatever Max-Age says. */
  maxSeconds: 7200,
} as const;

export const FIREFOX_PREFLIGHT_CACHE = {
  maxSeconds: 86_400,
} as const;
