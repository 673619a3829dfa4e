import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import type { StageName } from '../../../../engine/api';
import type { LogLine } from '../../../../engine/api/run-view';
import { fileRows, LineBuffer, type ConsoleRow } from './console-lines';
import { useLogFileStore } from './log-file-store';
import { STAGE_LABEL } from './stage-labels';
import { fmtCount } from '../../lib/format';

/** Every row is one line this tall: the window of rows on screen follows from the scroll offset alone. */
const ROW = 20;
/** Rows drawn above and below the visible ones. */
const OVERSCAN = 20;
type StreamFilter = 'all' | 'stdout' | 'stderr' | 'engine' | 'problems';

/** What the console draws from: the live output's line buffer, or a log file's lines. */
interface Rows {
  length: number;
  at(i: number): ConsoleRow;
  find(needle: string): number[];
}

const STREAMS: Record<StreamFilter, string> = {
  all: 'all streams',
  stdout: 'stdout',
  stderr: 'stderr',
  engine: 'engine messages',
  problems: 'errors and warnings',
};

/** The filter for one stream and stage choice (one function per choice, so the buffer knows it is the same). */
function keeper(stream: StreamFilter, stage: StageName | 'all'): (l: LogLine) => boolean {
  return (l) => keep(l, stream, stage);
}

function keep(l: LogLine, stream: StreamFilter, stage: StageName | 'all'): boolean {
  if (stage !== 'all' && l.stage !== stage) return false;
  switch (stream) {
    case 'all':
      return true;
    case 'stdout':
      return l.stream === 'stdout';
    case 'stderr':
      return l.stream === 'stderr';
    case 'engine':
      return l.source === 'engine';
    case 'problems':
      return l.stream === 'stderr' || l.stream === 'error' || l.stream === 'warning';
  }
}

/** The text with each match of `needle` (case-insensitive) in a <mark>. */
function highlight(text: string, needle: string): ReactNode {
  if (!needle) return text;
  const lower = text.toLowerCase();
  const out: ReactNode[] = [];
  let from = 0;
  for (let at = lower.indexOf(needle); at >= 0; at = lower.indexOf(needle, at + needle.length)) {
    if (at > from) out.push(text.slice(from, at));
    out.push(<mark key={at}>{text.slice(at, at + needle.length)}</mark>);
    from = at + needle.length;
  }
  if (out.length === 0) return text;
  if (from < text.length) out.push(text.slice(from));
  return out;
}

/**
 * The run's output, virtualized (only the visible lines are in the DOM, so 100,000 lines scroll smoothly; the
 * rows are kept in a chunked buffer that grows by the new lines only, see console-lines.ts),
 * following the tail unless the user scrolled up. Search highlights matches and steps through them; filters
 * keep one stage or stream. The live output is the newest lines the events carried; "full log" reads a
 * command's whole log file from the run folder (`runs.log`), the older part paged in on demand.
 */
export function Console({
  runId,
  logs,
  total,
  paging = false,
}: {
  runId: string;
  logs: readonly LogLine[];
  total: number;
  /** Older lines are still being read in (a long run opens on its newest ones). */
  paging?: boolean;
}) {
  const scroller = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const [stream, setStream] = useState<StreamFilter>('all');
  const [stage, setStage] = useState<StageName | 'all'>('all');
  const [query, setQuery] = useState('');
  const [hit, setHit] = useState(0);
  const file = useLogFileStore();
  const needle = query.trim().toLowerCase();
  const fileMode = file.name !== null;

  useEffect(() => {
    file.reset(runId);
    // eslint-disable-next-line react-hooks/exhaustive-deps -- once per run
  }, [runId]);

  // One buffer per run: it grows with the view's lines (new ones only) and rebuilds on a filter change.
  const buffer = useMemo(() => new LineBuffer(runId), [runId]);
  const filter = useMemo(() => keeper(stream, stage), [stream, stage]);
  const live = useMemo(() => {
    buffer.sync(logs, filter);
    return { length: buffer.length, front: buffer.addedAtFront, stages: [...buffer.stages] };
  }, [buffer, logs, filter]);
  const stages = live.stages;

  // One row per line of text: an event may carry several (a batch of a script's output).
  const lines: Rows = useMemo(() => {
    if (!fileMode) return { length: live.length, at: (i) => buffer.at(i), find: (n) => buffer.find(n) };
    const rows = fileRows(file.name!, file.firstLine, file.lines);
    return {
      length: rows.length,
      at: (i) => rows[i]!,
      find: (n) => rows.flatMap((r, i) => (r.text.toLowerCase().includes(n) ? [i] : [])),
    };
  }, [fileMode, live, buffer, file.lines, file.firstLine, file.name]);

  const hits = useMemo(() => (needle ? lines.find(needle) : []), [lines, needle]);

  // The window of rows drawn: from the scroll offset and the viewport's height (rows are all ROW tall).
  const [port, setPort] = useState({ top: 0, height: 600 });
  const firstRow = Math.max(0, Math.floor(port.top / ROW) - OVERSCAN);
  const lastRow = Math.min(lines.length, Math.ceil((port.top + port.height) / ROW) + OVERSCAN);

  const hasRows = lines.length > 0; // the scroller exists only then
  // The viewport's height changes with the window: the window of rows follows it.
  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setPort({ top: el.scrollTop, height: el.clientHeight }));
    observer.observe(el);
    return () => observer.disconnect();
  }, [hasRows]);

  const scrollToRow = (i: number, align: 'end' | 'center') => {
    const el = scroller.current;
    if (!el) return;
    el.scrollTop = align === 'end' ? (i + 1) * ROW - el.clientHeight : i * ROW - (el.clientHeight - ROW) / 2;
  };

  // Older lines put in above: the reader keeps their place (the rows they read move down by as many).
  useLayoutEffect(() => {
    const el = scroller.current;
    if (el && live.front > 0 && !(follow && !needle)) el.scrollTop += live.front * ROW;
  }, [live, follow, needle]);

  useLayoutEffect(() => {
    if (follow && !needle && lines.length > 0) scrollToRow(lines.length - 1, 'end');
  }, [follow, needle, lines.length]);

  const goTo = (n: number) => {
    if (hits.length === 0) return;
    const next = ((n % hits.length) + hits.length) % hits.length;
    setHit(next);
    setFollow(false);
    scrollToRow(hits[next]!, 'center');
  };

  const onScroll = () => {
    const el = scroller.current!;
    setPort({ top: el.scrollTop, height: el.clientHeight });
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 2;
    if (atBottom !== follow) setFollow(atBottom);
  };

  const current = hits.length > 0 ? hits[Math.min(hit, hits.length - 1)] : -1;
  const olderInMemory = total > logs.length;

  return (
    <div className="console-wrap">
      <div className="chart-toolbar console-toolbar">
        <label className="inline-field">
          <span>Source</span>
          <select
            value={file.name ?? ''}
            onChange={(e) => void (e.target.value ? file.open(runId, e.target.value) : file.leave())}
            onFocus={() => void file.list(runId)}
            aria-describedby="console-source-hint"
          >
            <option value="">live output</option>
            {file.logs.map((l) => (
              <option key={l.name} value={l.name}>
                full log: {l.name} ({Math.max(1, Math.round(l.bytes / 1024))} KiB)
              </option>
            ))}
          </select>
        </label>
        {!fileMode && (
          <>
            <label className="inline-field">
              <span>Stage</span>
              <select value={stage} onChange={(e) => setStage(e.target.value as StageName | 'all')}>
                <option value="all">all stages</option>
                {stages.map((s) => (
                  <option key={s} value={s}>
                    {STAGE_LABEL[s]}
                  </option>
                ))}
              </select>
            </label>
            <label className="inline-field">
              <span>Stream</span>
              <select value={stream} onChange={(e) => setStream(e.target.value as StreamFilter)}>
                {Object.entries(STREAMS).map(([k, v]) => (
                  <option key={k} value={k}>
                    {v}
                  </option>
                ))}
              </select>
            </label>
          </>
        )}
        <label className="inline-field">
          <span>Search</span>
          <input
            type="search"
            value={query}
            placeholder="text in the output"
            onChange={(e) => {
              setQuery(e.target.value);
              setHit(0);
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') {
                e.preventDefault();
                goTo(e.shiftKey ? hit - 1 : hit + 1);
              }
            }}
            aria-describedby="console-count"
          />
        </label>
        {needle && (
          <>
            <button
              type="button"
              className="secondary small"
              onClick={() => goTo(hit - 1)}
              disabled={hits.length === 0}
              aria-label="Previous match"
            >
              ↑
            </button>
            <button
              type="button"
              className="secondary small"
              onClick={() => goTo(hit + 1)}
              disabled={hits.length === 0}
              aria-label="Next match"
            >
              ↓
            </button>
          </>
        )}
        <span id="console-count" className="hint small" role="status" data-testid="console-count">
          {needle
            ? hits.length === 0
              ? 'no match'
              : `match ${Math.min(hit, hits.length - 1) + 1} of ${hits.length}`
            : `${fmtCount(lines.length)} line${lines.length === 1 ? '' : 's'}`}
          {!fileMode && olderInMemory
            ? ` (newest ${fmtCount(logs.length)} of ${fmtCount(total)} in memory)`
            : ''}
          {!fileMode && paging ? ' · reading older lines…' : ''}
        </span>
        {!follow && (
          <button type="button" className="secondary small" onClick={() => setFollow(true)}>
            Follow the output
          </button>
        )}
      </div>
      <p id="console-source-hint" className="hint small">
        {fileMode
          ? file.offset > 0
            ? `${file.name}: from byte ${fmtCount(file.offset)} to the end.`
            : `${file.name}: the whole log.`
          : 'The live output keeps a sample of long commands; a full log holds every line a command printed.'}
      </p>
      {fileMode && file.offset > 0 && (
        <button
          type="button"
          className="secondary small"
          onClick={() => void file.older(runId)}
          disabled={file.busy}
        >
          {file.busy ? 'Loading…' : 'Load older output'}
        </button>
      )}
      {file.error && (
        <p className="field-error" role="alert">
          {file.error}
        </p>
      )}
      {lines.length === 0 ? (
        <p className="hint">
          {fileMode
            ? file.busy
              ? 'Reading the log…'
              : 'This log is empty.'
            : logs.length === 0
              ? 'No output yet: lines appear here as the stages run commands.'
              : 'No line matches the filters: choose "all stages" and "all streams".'}
        </p>
      ) : (
        <div
          ref={scroller}
          className="console"
          tabIndex={0}
          role="log"
          aria-label="Run output"
          aria-live="off"
          onScroll={onScroll}
          data-testid="console"
        >
          <div style={{ height: lines.length * ROW, position: 'relative' }}>
            {Array.from({ length: Math.max(0, lastRow - firstRow) }, (_, k) => {
              const index = firstRow + k;
              const line = lines.at(index);
              return (
                <div
                  key={line.key}
                  className={`console-line ${line.stream}${index === current ? ' current-hit' : ''}`}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW,
                    transform: `translateY(${index * ROW}px)`,
                  }}
                >
                  {!fileMode && <span className="console-source">{line.source}</span>}
                  {highlight(line.text, needle)}
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
