/**
 * The panel's copy of a tab's log: read incrementally from its source (the devtools page's log, or
 * the worker's over a port), one read in flight at a time, the newest rows first for a quick paint.
 */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ReportEntry } from '../../src/report/entry.ts';
import type { StatusReply } from '../shared/messages.ts';
import type { ConnectionState, LogSource } from '../ui/source.ts';

/** Rows the first read brings: enough to fill the list; the rest comes in the read after. */
const FIRST_PAINT_ROWS = 200;

export interface TabLogEvents {
  /** After each read; `newPage`: the log's generation changed (a new page, a cleared log). */
  readonly read: (newPage: boolean) => void;
  readonly failed: (message: string) => void;
}

export function useTabLog(source: LogSource, on: TabLogEvents) {
  const [entries, setEntries] = useState<readonly ReportEntry[]>([]);
  const [dropped, setDropped] = useState(0);
  const [status, setStatus] = useState<StatusReply | null>(null);
  const [connection, setConnection] = useState<ConnectionState>('connected');
  /** The caller's handlers, as of its latest render: a read never subscribes anew for them. */
  const events = useRef(on);
  events.current = on;

  /** What the panel holds of the log: finished entries by sequence number, and where to read on. */
  const log = useRef<{
    generation: number;
    cursor: number;
    amends: number;
    finished: Map<number, ReportEntry>;
  } | null>(null);
  /** Whether the first (newest rows only) read is done. */
  const painted = useRef(false);
  /** Whether a read is in flight, and whether another is wanted after it. */
  const reads = useRef({ busy: false, again: false });

  const refresh = useCallback(async () => {
    try {
      const held = log.current;
      const [report, state] = await Promise.all([
        // The first read paints the newest rows only; the whole log follows right after.
        source.report({
          since: held?.cursor,
          generation: held?.generation,
          amends: held?.amends,
          limit: painted.current ? undefined : FIRST_PAINT_ROWS,
        }),
        source.status(),
      ]);
      // Only what is new comes back when nothing was cleared: merge it, drop what the ring evicted.
      const finished = report.incremental && held ? held.finished : new Map<number, ReportEntry>();
      const pendingNow: ReportEntry[] = [];
      for (const e of report.entries) {
        if (e.seq === undefined) pendingNow.push(e);
        else finished.set(e.seq, e);
      }
      for (const seq of finished.keys()) if (seq < report.tail) finished.delete(seq);
      // After a partial first read, hold nothing: the next read brings the whole log.
      log.current = report.partial
        ? null
        : { generation: report.generation, cursor: report.cursor, amends: report.amends, finished };
      setEntries([...finished.values(), ...pendingNow].sort((a, b) => a.time - b.time));
      setDropped(report.dropped);
      setStatus(state);
      events.current.read(held !== null && report.generation !== held.generation);
      painted.current = true;
      // The rest of the log, in the read right after this one.
      if (report.partial) reads.current.again = true;
    } catch (err) {
      events.current.failed(String(err));
    }
  }, [source]);

  /**
   * One read in flight at a time: a change reads at once (no batching delay), and the changes that
   * come while a read is in flight are gathered into the one read after it.
   */
  const requestRefresh = useCallback(() => {
    const r = reads.current;
    if (r.busy) {
      r.again = true;
      return;
    }
    r.busy = true;
    void (async () => {
      do {
        r.again = false;
        await refresh();
      } while (r.again);
      r.busy = false;
    })();
  }, [refresh]);

  useEffect(() => source.subscribe(requestRefresh, setConnection), [source, requestRefresh]);

  /** `requestRefresh`: read again now (after the user cleared the log, say). */
  return { entries, dropped, status, connection, requestRefresh };
}
