/**
 * Our explanations mark code with backticks. This renders them as text and <code> elements —
 * through Preact's escaping, never as HTML — so a header value quoted inside stays text.
 */
export function Text({ value }: { value: string }) {
  const parts = value.split('`');
  return <>{parts.map((part, i) => (i % 2 === 1 ? <code key={i}>{part}</code> : part))}</>;
}

/** Long untrusted values are cut for display, with a note; the full value stays in the exports. */
export function Value({ value, max = 2000 }: { value: string; max?: number }) {
  if (value.length <= max) return <>{value}</>;
  return (
    <>
      {value.slice(0, max)}
      <span class="cut">… ({value.length.toLocaleString()} characters, cut for display)</span>
    </>
  );
}
