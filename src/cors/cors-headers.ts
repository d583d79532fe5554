/**
 * The headers of one response that CORS reads, found in one pass over its lines: the checks and
 * the lint ask a preflight or a response for the same few names, and a header list never changes
 * once made. Values are read as the browser reads them (combinedValue: lines trimmed, repeated
 * lines joined with ", ").
 */
import { type HeaderList, sameHeaderName, trimHttpWhitespace } from './headers.ts';

export interface CorsHeaders {
  readonly allowOrigin: string | null;
  /** Firefox calls two `Access-Control-Allow-Origin` lines "multiple"; one line holding a list, a mismatch. */
  readonly allowOriginLines: number;
  readonly allowCredentials: string | null;
  readonly allowMethods: string | null;
  readonly allowHeaders: string | null;
  readonly maxAge: string | null;
  readonly location: string | null;
  readonly vary: string | null;
}

/**
 * The name, as servers write it (HTTP/1.1 `Access-Control-Allow-Origin`, HTTP/2 lower case)
 * compared whole, else letter by letter ignoring case.
 */
function is(name: string, written: string, lower: string): boolean {
  return name === written || name === lower || sameHeaderName(name, lower);
}

const join = (a: string | null, line: string): string => {
  const v = trimHttpWhitespace(line);
  return a === null ? v : `${a}, ${v}`;
};

export function corsHeadersOf(headers: HeaderList): CorsHeaders {
  let allowOrigin: string | null = null;
  let allowOriginLines = 0;
  let allowCredentials: string | null = null;
  let allowMethods: string | null = null;
  let allowHeaders: string | null = null;
  let maxAge: string | null = null;
  let location: string | null = null;
  let vary: string | null = null;
  for (const { name, value } of headers) {
    // The length tells which name it can be; most lines are none of them.
    switch (name.length) {
      case 4:
        if (is(name, 'Vary', 'vary')) vary = join(vary, value);
        break;
      case 8:
        if (is(name, 'Location', 'location')) location = join(location, value);
        break;
      case 22:
        if (is(name, 'Access-Control-Max-Age', 'access-control-max-age')) maxAge = join(maxAge, value);
        break;
      case 27:
        if (is(name, 'Access-Control-Allow-Origin', 'access-control-allow-origin')) {
          allowOrigin = join(allowOrigin, value);
          allowOriginLines++;
        }
        break;
      case 28:
        if (is(name, 'Access-Control-Allow-Methods', 'access-control-allow-methods'))
          allowMethods = join(allowMethods, value);
        else if (is(name, 'Access-Control-Allow-Headers', 'access-control-allow-headers'))
          allowHeaders = join(allowHeaders, value);
        break;
      case 32:
        if (is(name, 'Access-Control-Allow-Credentials', 'access-control-allow-credentials'))
          allowCredentials = join(allowCredentials, value);
        break;
    }
  }
  return {
    allowOrigin,
    allowOriginLines,
    allowCredentials,
    allowMethods,
    allowHeaders,
    maxAge,
    location,
    vary,
  };
}
