/**
 * Names that code outside a page reads from it: the User Timing marks the panel leaves (so its
 * first paint can be measured by the benchmark, or by anyone in DevTools' Performance panel), and
 * the window property where a devtools page leaves its log for its panels. No browser API.
 */
export const PANEL_MARKS = {
  /** The panel's script starts. */
  start: 'cors-lens:panel-start',
  /** The first request row is in the DOM. */
  firstRow: 'cors-lens:first-row',
} as const;

/** Marks `name` once per page load. */
export function markOnce(name: string): void {
  if (performance.getEntriesByName(name, 'mark').length === 0) performance.mark(name);
}

/** The property of the devtools page's window (and, pushed there, of the panel's) that holds its handle. */
export const DEVTOOLS_HANDLE = 'corsLensDevTools';

/** The problems the panel's bar shows before "N more problems" (about two rows docked right). */
export const PROBLEMS_SHOWN = 3;
