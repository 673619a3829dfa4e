import { useMemo, useState } from 'react';
import type { Experiment } from '../../../../engine/api';
import { scoreDelta } from '../../../../engine/api/run-view';
import { fmtCost, fmtDelta, fmtDuration, fmtScore, shortSha } from '../../lib/format';

type Key = 'step' | 'tag' | 'score' | 'selfReportedScore' | 'delta' | 'outcome' | 'durationMs';
const COLUMNS: { key: Key | null; label: string; numeric?: boolean }[] = [
  { key: 'step', label: 'Step', numeric: true },
  { key: 'tag', label: 'Tag' },
  { key: null, label: 'Hypothesis' },
  { key: 'score', label: 'Score', numeric: true },
  { key: 'selfReportedScore', label: 'Self-reported', numeric: true },
  { key: 'delta', label: 'Δ parent', numeric: true },
  { key: 'outcome', label: 'Outcome' },
  { key: null, label: 'Commit' },
  { key: 'durationMs', label: 'Duration', numeric: true },
  { key: null, label: 'Tokens', numeric: true },
  { key: null, label: 'Cost', numeric: true },
];

/** Every experiment of the run, sortable; the note says why one was reverted or abandoned; the step selects it. */
export function ExperimentsTable({
  experiments,
  trusted,
  selected = null,
  onSelect,
}: {
  experiments: readonly Experiment[];
  trusted: boolean;
  selected?: number | null;
  onSelect?: (step: number) => void;
}) {
  const [sort, setSort] = useState<{ key: Key; dir: 1 | -1 }>({ key: 'step', dir: 1 });
  const rows = useMemo(() => {
    const value = (e: Experiment): number | string =>
      sort.key === 'delta'
        ? (scoreDelta(experiments, e) ?? Number.NEGATIVE_INFINITY)
        : sort.key === 'tag' || sort.key === 'outcome'
          ? (e[sort.key] ?? '')
          : (e[sort.key] ?? Number.NEGATIVE_INFINITY);
    return [...experiments].sort((a, b) => {
      const va = value(a);
      const vb = value(b);
      return (va < vb ? -1 : va > vb ? 1 : a.step - b.step) * sort.dir;
    });
  }, [experiments, sort]);

  if (experiments.length === 0) {
    return <p className="hint">No experiment yet: the baseline is recorded once it is trained and scored.</p>;
  }
  return (
    <div className="table-scroll">
      <table className="table experiments" aria-label="Experiments">
        <thead>
          <tr>
            {COLUMNS.map((c) => (
              <th
                key={c.label}
                scope="col"
                className={c.numeric ? 'num' : undefined}
                aria-sort={
                  c.key && sort.key === c.key ? (sort.dir === 1 ? 'ascending' : 'descending') : undefined
                }
              >
                {c.key ? (
                  <button
                    type="button"
                    className="sort"
                    onClick={() =>
                      setSort((s) => ({ key: c.key!, dir: s.key === c.key ? (-s.dir as 1 | -1) : 1 }))
                    }
                  >
                    {c.label}
                    <span aria-hidden="true">{sort.key === c.key ? (sort.dir === 1 ? ' ▲' : ' ▼') : ''}</span>
                  </button>
                ) : (
                  c.label
                )}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((e) => {
            const delta = scoreDelta(experiments, e);
            return (
              <tr
                key={e.step}
                data-testid="experiment-row"
                data-outcome={e.outcome}
                className={selected === e.step ? 'selected' : undefined}
              >
                <td className="num">
                  {onSelect ? (
                    <button
                      type="button"
                      className="link"
                      aria-pressed={selected === e.step}
                      aria-label={`Show experiment ${e.step}`}
                      onClick={() => onSelect(e.step)}
                    >
                      {e.step}
                    </button>
                  ) : (
                    e.step
                  )}
                </td>
                <td>{e.tag ?? '—'}</td>
                <td className="hypothesis">
                  <span title={e.proposal}>{e.hypothesis}</span>
                  {e.note && <div className="hint small">{e.note}</div>}
                </td>
                <td className="num">{fmtScore(e.score)}</td>
                <td className="num">
                  {fmtScore(e.selfReportedScore)}
                  {!trusted && e.selfReportedScore !== null && <span className="hint small"> (used)</span>}
                </td>
                <td
                  className={`num ${delta === null ? '' : delta > 0 ? 'delta-up' : delta < 0 ? 'delta-down' : ''}`}
                >
                  {fmtDelta(delta)}
                </td>
                <td>
                  <span className={`outcome ${e.outcome}`}>{e.outcome}</span>
                </td>
                <td>
                  <code>{shortSha(e.commitSha)}</code>
                </td>
                <td className="num">{fmtDuration(e.durationMs)}</td>
                <td className="num">{(e.promptTokens + e.completionTokens).toLocaleString('en-US')}</td>
                <td className="num">{fmtCost(e.costUsd, e.unknownCostCalls)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
