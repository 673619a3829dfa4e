import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { LogLine } from '../../../../engine/api/run-view';

const ROW = 20;
type StreamFilter = 'all' | 'errors' | 'engine';

/**
 * The run's output, virtualized (only the visible lines are in the DOM), following the tail unless the user
 * scrolled up; "Follow" brings it back.
 */
export function Console({ logs, total }: { logs: readonly LogLine[]; total: number }) {
  const scroller = useRef<HTMLDivElement>(null);
  const [follow, setFollow] = useState(true);
  const [filter, setFilter] = useState<StreamFilter>('all');
  // One row per line of text: an event may carry several (a batch of a script's output).
  const lines = useMemo(() => {
    const out: { key: string; source: string; stream: string; text: string }[] = [];
    for (const l of logs) {
      if (filter === 'errors' && l.stream !== 'stderr' && l.stream !== 'error' && l.stream !== 'warning')
        continue;
      if (filter === 'engine' && l.source !== 'engine') continue;
      const parts = l.text.replace(/\n$/, '').split('\n');
      parts.forEach((text, i) =>
        out.push({ key: `${l.seq}:${i}`, source: l.source, stream: l.stream, text }),
      );
    }
    return out;
  }, [logs, filter]);
  // The React Compiler skips this component (TanStack Virtual returns fresh functions each render): expected.
  // eslint-disable-next-line react-hooks/incompatible-library
  const virtualizer = useVirtualizer({
    count: lines.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW,
    getItemKey: (i) => lines[i]!.key,
    overscan: 20,
  });

  useEffect(() => {
    if (follow && lines.length > 0) virtualizer.scrollToIndex(lines.length - 1, { align: 'end' });
  }, [follow, lines.length, virtualizer]);

  const onScroll = () => {
    const el = scroller.current!;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < ROW * 2;
    if (atBottom !== follow) setFollow(atBottom);
  };

  return (
    <div className="console-wrap">
      <div className="chart-toolbar">
        <label className="inline-field">
          <span>Show</span>
          <select value={filter} onChange={(e) => setFilter(e.target.value as StreamFilter)}>
            <option value="all">all output</option>
            <option value="errors">errors and warnings</option>
            <option value="engine">engine messages</option>
          </select>
        </label>
        <span className="hint small" role="status">
          {lines.length.toLocaleString('en-US')} line{lines.length === 1 ? '' : 's'}
          {total > logs.length
            ? ` (newest ${logs.length.toLocaleString('en-US')} of ${total.toLocaleString('en-US')})`
            : ''}
        </span>
        {!follow && (
          <button type="button" className="secondary small" onClick={() => setFollow(true)}>
            Follow the output
          </button>
        )}
      </div>
      {lines.length === 0 ? (
        <p className="hint">No output yet.</p>
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
          <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
            {virtualizer.getVirtualItems().map((item) => {
              const line = lines[item.index]!;
              return (
                <div
                  key={line.key}
                  className={`console-line ${line.stream}`}
                  style={{
                    position: 'absolute',
                    top: 0,
                    left: 0,
                    right: 0,
                    height: ROW,
                    transform: `translateY(${item.start}px)`,
                  }}
                >
                  <span className="console-source">{line.source}</span>
                  {line.text}
                </div>
              );
            })}
          </div>
        </div>
      )}
    </div>
  );
}
