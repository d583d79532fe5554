/** "Why was there an OPTIONS request?" — each reason a request was not simple, in words. */
import type { PreflightReason } from '../cors/safelist.ts';

export function describeReason(r: PreflightReason): string {
  if (r.kind === 'method') return `The method ${r.method} is not GET, HEAD or POST.`;
  const name = r.name;
  const why = r.why;
  switch (why.kind) {
    case 'name-not-safelisted':
      return `The header ${name} is not one of the few a page may send to another origin without asking (Accept, Accept-Language, Content-Language, Content-Type of a form or plain text, Range).`;
    case 'value-too-long':
      return `The ${name} value is ${why.length} bytes long; safelisted values may have 128 at most.`;
    case 'unsafe-byte':
      return `The ${name} value contains ${JSON.stringify(String.fromCharCode(why.byte))} (0x${why.byte
        .toString(16)
        .padStart(2, '0')}), which makes it unsafe.`;
    case 'content-type-not-simple':
      return why.essence === null
        ? `The Content-Type value cannot be parsed as a MIME type.`
        : `Content-Type ${why.essence} is not application/x-www-form-urlencoded, multipart/form-data or text/plain.`;
    case 'language-bytes':
      return `The ${name} value has characters other than letters, digits, space and * , - . ; =.`;
    case 'range-not-simple':
      return `The Range value is not a single range like bytes=0-499.`;
    case 'client-hint-value':
      return `The ${name} value does not have the form Chrome accepts without a preflight.`;
    case 'safelisted-total-too-long':
      return `The safelisted headers' values together are ${why.total} bytes, over 1024.`;
    case 'declared-by-preflight':
      // The preflight carries names only: the header needs the server's permission, whatever its value.
      return `The page set ${name}, which the browser listed in the preflight's Access-Control-Request-Headers: it needs the server's permission.`;
  }
}
