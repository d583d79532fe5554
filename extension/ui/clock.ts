/** A time of day as the panel shows it: the user's locale, 24-hour, to the millisecond. */
export function clock(ms: number): string {
  const d = new Date(ms);
  return `${d.toLocaleTimeString(undefined, { hour12: false })}.${String(d.getMilliseconds()).padStart(3, '0')}`;
}
