import type dagreModule from '@dagrejs/dagre';
import { useEffect, useState } from 'react';
import type { StageName, StageRow } from '../../../../engine/api';
import { STAGES } from '../../../../engine/api/vocabulary-values';
import { STAGE_LABEL, STAGE_STATUS_TEXT } from './stage-labels';

const NODE_W = 150;
const NODE_H = 40;

/** The pipeline's flow: the setup chain, then the loop that goes back from the experiment's tests to training. */
const EDGES: [StageName, StageName, string?][] = [
  ['setup', 'data_analysis'],
  ['data_analysis', 'data_analysis_critic'],
  ['data_analysis_critic', 'baseline'],
  ['baseline', 'testing'],
  ['testing', 'training'],
  ['training', 'evaluate'],
  ['evaluate', 'scoring'],
  ['scoring', 'proposal'],
  ['proposal', 'proposal_critic'],
  ['proposal_critic', 'implement'],
  ['implement', 'hillclimb_test'],
  ['hillclimb_test', 'training', 'loop'],
  ['scoring', 'final_scoring', 'done'],
];

interface Layout {
  width: number;
  height: number;
  nodes: { stage: StageName; x: number; y: number }[];
  edges: {
    from: StageName;
    to: StageName;
    label?: string;
    points: { x: number; y: number }[];
    labelAt: { x: number; y: number } | null;
  }[];
}

/** Laid out once: the graph's shape never changes, only the stages' states. */
function layoutPipeline(dagre: typeof dagreModule): Layout {
  const g = new dagre.graphlib.Graph();
  // Top to bottom: the stages read as a checklist and the graph fits a column beside the charts.
  g.setGraph({ rankdir: 'TB', nodesep: 24, ranksep: 20, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const stage of STAGES) g.setNode(stage, { width: NODE_W, height: NODE_H });
  for (const [from, to, label] of EDGES) {
    g.setEdge(
      from,
      to,
      label ? { label, width: label === 'loop' ? 120 : 36, height: 14, labelpos: 'c' } : {},
    );
  }
  dagre.layout(g);
  const graph = g.graph();
  return {
    width: graph.width ?? 0,
    height: graph.height ?? 0,
    nodes: STAGES.map((stage) => ({ stage, x: g.node(stage).x, y: g.node(stage).y })),
    edges: EDGES.map(([from, to, label]) => {
      const edge = g.edge(from, to);
      const labelAt = label && edge.x !== undefined && edge.y !== undefined ? { x: edge.x, y: edge.y } : null;
      return { from, to, label, points: edge.points ?? [], labelAt };
    }),
  };
}

let cached: Layout | null = null;

/**
 * The layout, once dagre has loaded: dagre (47 KB) is a chunk of its own, fetched when a graph is first
 * shown, so a run's page does not parse it before its first paint (nor at all when opened on another tab).
 */
function usePipelineLayout(): Layout | null {
  const [layout, setLayout] = useState(cached);
  useEffect(() => {
    if (layout) return;
    let live = true;
    void import('@dagrejs/dagre').then(({ default: dagre }) => {
      cached ??= layoutPipeline(dagre);
      if (live) setLayout(cached);
    });
    return () => {
      live = false;
    };
  }, [layout]);
  return layout;
}

const path = (points: { x: number; y: number }[]) =>
  points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');

/**
 * The pipeline as a graph (dagre layout): each stage with its state, the active one animated, and the loop's
 * edge labelled with the iteration count. A list of the same facts follows for screen readers.
 */
export function PipelineGraph({
  stages,
  current,
  step,
  maxSteps,
  ended,
}: {
  stages: readonly StageRow[];
  current: StageName | null;
  step: number;
  maxSteps: number;
  /** The run has ended: a stage still marked active was stopped there (cancel, failure, crash). */
  ended: boolean;
}) {
  const layout = usePipelineLayout();
  const byName = new Map(stages.map((s) => [s.stage, s]));
  const loopText = `iteration ${step} of ${maxSteps}`;
  const caption = (
    <figcaption className="visually-hidden">
      <ol>
        {STAGES.map((s) => (
          <li key={s}>
            {STAGE_LABEL[s]}:{' '}
            {current === s ? 'running now' : STAGE_STATUS_TEXT[byName.get(s)?.status ?? 'pending']}
          </li>
        ))}
      </ol>
    </figcaption>
  );
  if (!layout) {
    return (
      <figure className="pipeline" data-testid="pipeline-graph" aria-busy="true">
        <p className="hint">
          {current ? `Now: ${STAGE_LABEL[current]}` : 'No stage active'} · {loopText}
        </p>
        {caption}
      </figure>
    );
  }
  return (
    <figure className="pipeline" data-testid="pipeline-graph">
      <svg
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        width={layout.width}
        height={layout.height}
        role="img"
        aria-label={`Pipeline graph; ${current ? `active stage: ${STAGE_LABEL[current]}` : 'no stage active'}; loop ${loopText}`}
      >
        <defs>
          <marker
            id="arrow"
            viewBox="0 0 10 10"
            refX="9"
            refY="5"
            markerWidth="7"
            markerHeight="7"
            orient="auto"
          >
            <path d="M0,0 L10,5 L0,10 z" className="pipeline-arrow" />
          </marker>
        </defs>
        {layout.edges.map((e) => {
          const mid = e.labelAt;
          return (
            <g key={`${e.from}-${e.to}`} className={`pipeline-edge${e.label === 'loop' ? ' loop' : ''}`}>
              <path d={path(e.points)} markerEnd="url(#arrow)" />
              {e.label && mid && (
                <text
                  x={mid.x}
                  y={mid.y - 4}
                  textAnchor="middle"
                  data-testid={e.label === 'loop' ? 'loop-count' : undefined}
                >
                  {e.label === 'loop' ? loopText : e.label}
                </text>
              )}
            </g>
          );
        })}
        {layout.nodes.map((n) => {
          const row = byName.get(n.stage);
          const status = row?.status ?? 'pending';
          const active = current === n.stage;
          const stopped = ended && (status === 'active' || status === 'retrying');
          return (
            <g
              key={n.stage}
              className={`pipeline-node status-${stopped ? 'stopped' : status}${active ? ' current' : ''}`}
              transform={`translate(${n.x - NODE_W / 2},${n.y - NODE_H / 2})`}
              data-testid="stage"
              data-stage={n.stage}
              data-status={status}
              data-active={active ? 'true' : undefined}
            >
              <rect width={NODE_W} height={NODE_H} rx={8} />
              <text x={10} y={18} className="pipeline-name">
                {STAGE_LABEL[n.stage]}
              </text>
              <text x={10} y={34} className="pipeline-meta">
                {active ? 'running' : stopped ? 'stopped here' : STAGE_STATUS_TEXT[status]}
                {row && row.attempt > 0 ? ` · try ${row.attempt + 1}` : ''}
              </text>
            </g>
          );
        })}
      </svg>
      {caption}
    </figure>
  );
}
