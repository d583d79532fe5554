/**
 * The request list: a listbox, virtualized with fixed-height rows so that 10,000 entries render
 * as the few dozen that are visible. Arrow keys, Home/End and Page keys move the selection.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import { hostOf } from '../../src/cors/origin.ts';
import { statusText } from '../../src/report/describe.ts';
import type { ReportEntry } from '../../src/report/entry.ts';
import { markOnce, PANEL_MARKS } from '../shared/page-names.ts';
import { Chip } from '../ui/Chip.tsx';
import { clock } from '../ui/clock.ts';
import { t } from '../ui/i18n.ts';

export const ROW_HEIGHT = 24;
const OVERSCAN = 8;

interface Props {
  readonly entries: readonly ReportEntry[];
  readonly selectedId: string | null;
  readonly onSelect: (id: string) => void;
  /** What the list says when it has no row: nothing yet, nothing matches, a file without any. */
  readonly empty: ComponentChildren;
}

/** The path and query; the host too when the list holds more than one (the scheme never tells requests apart). */
function shortUrl(url: string, withHost: boolean): string {
  try {
    const u = new URL(url);
    return `${withHost ? u.host : ''}${u.pathname}${u.search}`;
  } catch {
    return url;
  }
}

export function RequestList({ entries, selectedId, onSelect, empty }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(400);

  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    setHeight(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  const index = entries.findIndex((e) => e.id === selectedId);
  // One server: its host on every row says nothing, and the path is what a narrow panel has room for.
  const manyHosts = useMemo(() => {
    const first = entries[0];
    return first !== undefined && entries.some((e) => hostOf(e.url) !== hostOf(first.url));
  }, [entries]);

  useLayoutEffect(() => {
    if (entries.length > 0) markOnce(PANEL_MARKS.firstRow);
  }, [entries.length > 0]);

  // Like DevTools' Network panel: at the bottom, the list follows new requests as they come.
  const atBottom = useRef(true);
  useEffect(() => {
    const el = box.current;
    if (el && atBottom.current) el.scrollTop = el.scrollHeight;
  }, [entries.length]);

  // Keep the selected row in view when the keyboard moves it.
  useEffect(() => {
    const el = box.current;
    if (!el || index < 0) return;
    const top = index * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight)
      el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  }, [index]);

  const onKeyDown = (ev: KeyboardEvent) => {
    if (entries.length === 0) return;
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    const moves: Record<string, number> = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      PageDown: index + page,
      PageUp: index - page,
      Home: 0,
      End: entries.length - 1,
    };
    const next = Object.hasOwn(moves, ev.key) ? moves[ev.key] : undefined;
    if (next === undefined) return;
    ev.preventDefault();
    const target =
      entries[Math.max(0, Math.min(entries.length - 1, index < 0 && ev.key === 'ArrowDown' ? 0 : next))];
    if (target) onSelect(target.id);
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(entries.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = entries.slice(first, last);

  return (
    <div
      class="list"
      ref={box}
      role="listbox"
      tabIndex={0}
      aria-label={t('listLabel')}
      aria-activedescendant={selectedId ? `row-${selectedId}` : undefined}
      onScroll={(ev) => {
        const el = ev.currentTarget as HTMLDivElement;
        atBottom.current = el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT;
        setScrollTop(el.scrollTop);
      }}
      onKeyDown={onKeyDown}
    >
      {entries.length === 0 ? (
        <div class="empty" role="status">
          {empty}
        </div>
      ) : (
        <div class="rows" style={{ height: `${entries.length * ROW_HEIGHT}px` }}>
          {visible.map((e, i) => (
            // biome-ignore lint/a11y/useFocusableInteractive lint/a11y/useKeyWithClickEvents: a listbox with aria-activedescendant keeps focus on itself and handles the keys; options are not tab stops (WAI-ARIA listbox pattern).
            <div
              key={e.id}
              id={`row-${e.id}`}
              role="option"
              aria-selected={e.id === selectedId}
              // Only the rows in view exist: tell assistive technology where this one sits.
              aria-setsize={entries.length}
              aria-posinset={first + i + 1}
              class={`row${e.id === selectedId ? ' selected' : ''}${e.blocked || e.state === 'not-recorded' ? ' bad' : ''}`}
              style={{ top: `${(first + i) * ROW_HEIGHT}px`, height: `${ROW_HEIGHT}px` }}
              onClick={() => onSelect(e.id)}
              title={e.url}
            >
              <span class="method">{e.method}</span>
              <span class="url">{shortUrl(e.url, manyHosts)}</span>
              <span class="status">{statusText(e)}</span>
              <span class="verdict">
                <Chip entry={e} short />
              </span>
              <span class="time">{clock(e.time)}</span>
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
