import type { Experiment } from '../../../../engine/api';
import { fmtScore } from '../../lib/format';

/**
 * The experiments as a tree of parent links: each experiment under the kept step it started from, so the line
 * of kept improvements reads top to bottom and the reverted tries hang off it. Each node selects the experiment.
 */
export function ExperimentsTree({
  experiments,
  selected,
  onSelect,
}: {
  experiments: readonly Experiment[];
  selected: number | null;
  onSelect: (step: number) => void;
}) {
  if (experiments.length === 0) return null;
  const children = new Map<number | null, Experiment[]>();
  const steps = new Set(experiments.map((e) => e.step));
  for (const e of experiments) {
    // A parent not among the experiments (not recorded yet) makes the experiment a root.
    const parent = e.parentStep !== null && steps.has(e.parentStep) ? e.parentStep : null;
    children.set(parent, [...(children.get(parent) ?? []), e]);
  }
  const branch = (parent: number | null, depth: number) => {
    const list = children.get(parent);
    if (!list) return null;
    return (
      <ul
        className={depth === 0 ? 'exp-tree' : undefined}
        aria-label={depth === 0 ? 'Experiment tree' : undefined}
      >
        {list.map((e) => (
          <li key={e.step}>
            <button
              type="button"
              className={`exp-node ${e.outcome}`}
              aria-pressed={selected === e.step}
              data-testid="tree-node"
              data-step={e.step}
              onClick={() => onSelect(e.step)}
            >
              <span className={`outcome ${e.outcome}`}>{e.outcome}</span>
              <span className="exp-node-step">#{e.step}</span>
              <span className="exp-node-hyp">{e.hypothesis || '(no hypothesis)'}</span>
              <span className="exp-node-score">{fmtScore(e.score)}</span>
            </button>
            {branch(e.step, depth + 1)}
          </li>
        ))}
      </ul>
    );
  };
  return <nav aria-label="Experiments by parent">{branch(null, 0)}</nav>;
}
