import fs from 'node:fs';
import path from 'node:path';
import { isEngineReportFile } from '../api/report';
import type { Experiment } from '../api/runs';
import { formatScore } from '../workspace';
import type { RunSession } from './session';
import { EXPERIMENT_TAGS } from '../api/vocabulary';

/**
 * The prompts. Every stage starts from a compact brief (task, data, metric, hardware, the journal of past
 * experiments, the files of the workspace) rather than from the run's history, so the size of a prompt
 * stays bounded however long the run gets: the journal shows the last JOURNAL_LINES experiments and counts
 * the rest, excerpts are capped.
 */
const JOURNAL_LINES = 10;
const ANALYSIS_EXCERPT = 3000;
const FILE_LIST_MAX = 60;

const ONE_TOOL =
  'Call exactly one tool per turn. Paths are relative to the workspace root. When the work is done, call mark_complete with a short summary.';

export function workspaceContract(session: RunSession): string {
  const data = session.dataPath ?? '<no dataset>';
  return [
    'The workspace contract (the engine runs these files itself; keep the command lines exactly):',
    `- train.py: \`python3 -u train.py --data-path ${data} --device {cpu,cuda} --epochs N --checkpoint-dir checkpoints\`. Never hard-code the device. Log progress to logs/training.log and append one JSON object per epoch to logs/metrics.jsonl, e.g. {"epoch": 3, "train_loss": 0.41, "val_accuracy": 0.87}. Save the best model under the checkpoint dir. Hold out a validation split of the training data yourself.`,
    `- evaluate.py: \`python3 -u evaluate.py --data-path ${data} --device {cpu,cuda} --checkpoint-dir checkpoints\`: writes eval_results.json = {"metric_name", "value", "split", "n_samples"} for your validation split.`,
    '- predict.py: `python3 predict.py --input PATH --output PATH`: loads the trained model from checkpoints/, reads features (tabular: a CSV with an `id` column and the feature columns but NO label column, possibly with missing values; images: a folder of image files whose names are the ids; text: a JSONL of {"id","text"}) and writes a CSV with header `id,prediction` (classification may add `proba_<class>` columns). The engine scores these predictions on hidden data you never see.',
    '- model.py (imported by the scripts), tests/test_smoke.py (fast pytest smoke tests: import the modules, run each script with --help, a tiny fit), data_analysis.md, research_log.md (the engine writes it).',
    '- Never name a file after a Python standard-library module (e.g. no random.py, types.py). No full training runs inside tests.',
  ].join('\n');
}

export function brief(session: RunSession): string {
  const { config, runData, metric, sandbox } = session.input;
  const lines: string[] = [`# Task\n${config.task}`];
  if (runData) {
    const s = runData.manifest.summary;
    const classes = s.classes
      ? `; classes: ${s.classes
          .map((c) => `${c.label} (${c.count})`)
          .slice(0, 20)
          .join(', ')}`
      : '';
    lines.push(
      `# Data\nKind: ${s.kind}; ${runData.manifest.task}; ${s.rowsByRole.train} training examples visible (read-only) at ${session.dataPath}; label: \`${s.label.name}\`${classes}. A hidden holdout the engine keeps scores your predict.py.`,
    );
  } else if (config.dataset) {
    lines.push(
      `# Data\n${config.dataset.kind} data at ${session.dataPath ?? config.dataset.trainPath} (no hidden holdout: your own evaluate.py figure is used).`,
    );
  }
  const target =
    metric.target === null
      ? 'no target (improve as far as possible)'
      : `target ${metric.direction === 'higher' ? '>=' : '<='} ${metric.target}`;
  lines.push(`# Metric\n${metric.name} (${metric.direction} is better), ${target}.`);
  lines.push(
    `# Hardware\nDevice: ${session.device}${sandbox.gpu ? ' (a GPU is available)' : ' (no GPU: keep models small enough for a CPU)'}; sandbox: ${sandbox.kind}, network ${config.sandbox.network === 'bridge' ? 'allowed' : 'off (no pip installs, no downloads)'}. Each training must finish well within ${Math.round(session.input.tuning.timeouts.trainingMs / 60000)} min.`,
  );
  return lines.join('\n\n');
}

export function analysisExcerpt(workspace: string): string {
  const text = readSmall(path.join(workspace, 'data_analysis.md'), ANALYSIS_EXCERPT);
  return text ? `# Data analysis (data_analysis.md, excerpt)\n${text}` : '';
}

export function journal(
  experiments: readonly Experiment[],
  best: { step: number | null; score: number | null },
): string {
  if (experiments.length === 0) return '';
  const recent = experiments.slice(-JOURNAL_LINES);
  const older = experiments.length - recent.length;
  const lines = recent.map(
    (e) =>
      `- step ${e.step}${e.tag ? ` [${e.tag}]` : ''}: ${e.hypothesis.slice(0, 90)} -> ${e.outcome} (score ${formatScore(e.score)})`,
  );
  return [
    `# Journal (best: step ${best.step ?? '-'}, score ${formatScore(best.score)})`,
    older > 0 ? `(${older} earlier experiments are in research_log.md)` : '',
    ...lines,
  ]
    .filter(Boolean)
    .join('\n');
}

export function fileList(workspace: string): string {
  const out: string[] = [];
  const walk = (dir: string, rel: string, depth: number) => {
    if (out.length >= FILE_LIST_MAX || depth > 2) return;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name));
    } catch {
      return;
    }
    for (const e of entries) {
      if (out.length >= FILE_LIST_MAX) return;
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (
        e.name.startsWith('.') ||
        ['__pycache__', 'checkpoints', 'logs', 'venv', 'node_modules'].includes(e.name) ||
        // The engine's run reports (hidden holdout scores): not even their names reach the model. The rest of
        // reports/ (a brownfield repository's figures and notes) is listed like any folder.
        isEngineReportFile(r, { anyCase: true })
      )
        continue;
      if (e.isDirectory()) walk(path.join(dir, e.name), r, depth + 1);
      else if (e.isFile()) out.push(r);
    }
  };
  walk(workspace, '', 0);
  return out.length ? `# Workspace files\n${out.join('\n')}` : '# Workspace files\n(empty)';
}

function readSmall(file: string, max: number): string {
  try {
    const fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
    try {
      const buf = Buffer.alloc(max);
      const n = fs.readSync(fd, buf, 0, max, 0);
      return buf.subarray(0, n).toString('utf8').trim();
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    return '';
  }
}

export const feedbackBlock = (feedback: readonly string[]): string =>
  feedback.length === 0
    ? ''
    : `# Feedback on the previous attempt (fix this first)\n${feedback.map((f, i) => `${i + 1}. ${f}`).join('\n')}`;

const join = (...parts: string[]) => parts.filter((p) => p.trim()).join('\n\n');

export const SYSTEM = {
  data_analysis: `You are an expert ML engineer doing exploratory data analysis before any modelling. Inspect the actual data with the tools (list it, read samples, run small Python scripts that print numbers) and write data_analysis.md in the workspace root with these sections: Inventory, Modality, Sample size, Target / labels, Splits, Leakage risks, Preprocessing recommendations, Modeling implications. Be quantitative. Do not write model, training or prediction code. ${ONE_TOOL}`,
  baseline: `You are an expert ML engineer. Build the SIMPLEST complete, working pipeline for the task first (a strong simple model), following the workspace contract exactly, with smoke tests that pass. Run the tests with run_tests before you finish. Do not train to completion: the engine trains and scores. ${ONE_TOOL}`,
  adapt: `You are an expert ML engineer working in the user's existing repository. Change as little as possible: make the code follow the workspace contract where it does not (the failure below says where), keep the user's approach, and make the smoke tests pass. ${ONE_TOOL}`,
  proposal: `You are an expert ML engineer planning the next experiment of a hill-climbing search. Diagnose why the current model falls short (underfitting, overfitting, features, model class, preprocessing) from the journal, data_analysis.md and the code, then propose exactly ONE specific experiment that has not been tried. No code. Finish with mark_complete whose summary has three lines: HYPOTHESIS: ..., CHANGE: ... (concrete: which model, feature, parameter and value), RATIONALE: .... ${ONE_TOOL}`,
  implement: `You are an expert ML engineer. Implement EXACTLY the proposed experiment and nothing more, keeping the workspace contract (command-line arguments, logs/metrics.jsonl, eval_results.json, predict.py output). Update the smoke tests only if an interface changed, run them with run_tests, and do not run a full training. Each training must stay well within the time budget: the hill-climb loop is the search, so no large grid searches. ${ONE_TOOL}`,
  testingFeedback:
    'You review failing smoke tests of ML code. In at most 8 lines: quote the exact error, name the file and line, and give the concrete fix. Never suggest editing tests/test_*.py to make them pass, unless the test itself calls python by a wrong path.',
  proposalCritic:
    'You review one proposed ML experiment against the research log. Reply in at most 5 lines: say why it was rejected (duplicate of an earlier experiment, or too vague to implement) and suggest a specific, different direction.',
};

export function dataAnalysisPrompt(session: RunSession, feedback: readonly string[]): string {
  return join(brief(session), feedbackBlock(feedback), 'Write data_analysis.md now, then mark_complete.');
}

export function baselinePrompt(session: RunSession, feedback: readonly string[], adapt: boolean): string {
  return join(
    brief(session),
    analysisExcerpt(session.workspace),
    workspaceContract(session),
    fileList(session.workspace),
    feedbackBlock(feedback),
    adapt
      ? 'Adapt the existing code to the contract where the feedback says it fails, run the tests, then mark_complete.'
      : 'Write model.py, train.py, evaluate.py, predict.py and tests/test_smoke.py, run the tests, then mark_complete.',
  );
}

export function proposalPrompt(
  session: RunSession,
  experiments: readonly Experiment[],
  feedback: readonly string[],
): string {
  const { state, input } = session;
  const parts = [
    brief(session),
    analysisExcerpt(session.workspace),
    journal(experiments, { step: state.bestStep, score: state.bestScore }),
    fileList(session.workspace),
    `This is step ${state.step} of at most ${input.limits.maxSteps}. Current best ${input.metric.name}: ${formatScore(state.bestScore)}.`,
  ];
  if (state.consecutiveFailures > 0) {
    parts.push(`WARNING: the last ${state.consecutiveFailures} experiment(s) did not improve the score.`);
  }
  if (state.consecutiveFailures >= 3) parts.push(plateauNote(experiments, state.consecutiveFailures));
  parts.push(
    feedbackBlock(feedback),
    'Read research_log.md and the code as needed, then propose one experiment with mark_complete.',
  );
  return join(...parts);
}

/** After three failures in a row: the categories tried lately, and the instruction to try another. */
export function plateauNote(experiments: readonly Experiment[], failures: number): string {
  const recent = experiments.filter((e) => e.step > 0).slice(-Math.min(8, failures + 2));
  const tally = new Map<string, number>();
  for (const e of recent) tally.set(e.tag ?? 'OTHER', (tally.get(e.tag ?? 'OTHER') ?? 0) + 1);
  const tried = [...tally.entries()].map(([t, n]) => `${t} x${n}`).join(', ');
  const untried = EXPERIMENT_TAGS.filter((t) => !tally.has(t));
  return `PLATEAU DETECTED: ${failures} experiments in a row failed to improve. Recent categories: ${tried || 'none'}. Propose a structurally different change from a category not tried lately${untried.length ? ` (${untried.join(', ')})` : ''}; small tweaks of the same idea will not help.`;
}

export function implementPrompt(session: RunSession, proposal: string, feedback: readonly string[]): string {
  return join(
    brief(session),
    workspaceContract(session),
    fileList(session.workspace),
    `# The experiment to implement (step ${session.state.step})\n${proposal}`,
    feedbackBlock(feedback),
    'Implement it, run the tests, then mark_complete.',
  );
}
