import fs from 'node:fs';
import path from 'node:path';
import type { z } from 'zod';
import { EngineError } from '../api/errors';
import {
  RunExperimentQuery,
  RunTraceQuery,
  type CappedText,
  type CriticNote,
  type RunDocument,
  type RunDocuments,
  type RunExperimentDetail,
  type RunGitLog,
  type RunSafety,
  type RunTrace,
  type SafetyBlock,
} from '../api/run-details';
import type { StageName } from '../api/runs';
import { SAFETY_LOG } from '../../policy/audit-log';
import type { RunRecord, RunRepository } from '../store/run-repository';
import { readWorkspaceState } from '../workspace';
import { runGit } from '../workspace/git';
import { stepDiffPath } from '../workspace/step-diffs';

/**
 * The Run detail view's drill-downs (engine/api/run-details.ts): an experiment's diff and critic notes, the
 * model calls with their messages, the workspace documents, the run branch's history and the safety log.
 * Read-only: git is asked with plumbing that changes nothing (log, diff), files are read with a size cap.
 */

/** A diff, a document or the safety log bigger than this is cut: the UI renders text, not megabytes. */
export const DIFF_CAP_BYTES = 512 * 1024;
export const DOCUMENT_CAP_BYTES = 512 * 1024;
const SAFETY_CAP_BYTES = 1024 * 1024;
const GIT_LOG_MAX = 500;
const GIT_TIMEOUT_MS = 20_000;

/** The critic stages of the baseline (step 0) and of a loop step. */
const CRITIC_STAGES: Record<'baseline' | 'loop', StageName[]> = {
  baseline: ['data_analysis_critic', 'testing'],
  loop: ['proposal_critic', 'hillclimb_test'],
};

export class RunDetails {
  constructor(private readonly repo: RunRepository) {}

  private record(id: string): RunRecord {
    const record = this.repo.get(id);
    if (!record) throw new EngineError('not_found', `no run ${id}: list runs with \`mle-beast runs\``);
    return record;
  }

  /** One experiment: its proposal, its critics' notes, and its commit's diff against its parent's. */
  async experiment(query: z.input<typeof RunExperimentQuery>): Promise<RunExperimentDetail> {
    const q = RunExperimentQuery.parse(query);
    const record = this.record(q.id);
    const experiments = this.repo.experiments(q.id);
    const experiment = experiments.find((e) => e.step === q.step);
    if (!experiment) {
      const steps = experiments.map((e) => e.step).join(', ') || 'none yet';
      throw new EngineError('not_found', `run ${q.id} has no experiment ${q.step} (its steps: ${steps})`);
    }
    const parent =
      experiment.parentStep === null ? null : experiments.find((e) => e.step === experiment.parentStep);
    const diff = experiment.commitSha
      ? await experimentDiff(record.summary.workspace, experiment.commitSha, parent?.commitSha ?? null)
      : uncommittedStepDiff(record.runDir, experiment.step, experiment.outcome);
    return {
      step: experiment.step,
      parentStep: experiment.parentStep,
      hypothesis: experiment.hypothesis,
      proposal: experiment.proposal,
      note: experiment.note,
      commitSha: experiment.commitSha,
      parentSha: diff.parentSha,
      diff: diff.diff,
      diffNote: diff.note,
      critic: this.criticNotes(q.id, experiment.step),
    };
  }

  private criticNotes(id: string, step: number): CriticNote[] {
    const stages = CRITIC_STAGES[step === 0 ? 'baseline' : 'loop'];
    const notes: CriticNote[] = [];
    for (const event of this.repo.stepEvents(id, 'stage.finished', step)) {
      const body = event.body;
      if (body.type !== 'stage.finished' || !stages.includes(body.stage)) continue;
      notes.push({
        stage: body.stage,
        at: event.at,
        kind: body.outcome,
        text: body.message ?? (body.outcome === 'pass' ? 'passed' : body.outcome),
      });
    }
    for (const stage of stages) {
      for (const call of this.repo.stepLlmCalls(id, stage, step)) {
        const text = replyText(call.response);
        if (text) notes.push({ stage, at: call.at, kind: 'advice', text });
      }
    }
    return notes.sort((a, b) => a.at.localeCompare(b.at));
  }

  /** A page of the run's model calls, oldest first, with their messages and replies. */
  trace(query: z.input<typeof RunTraceQuery>): RunTrace {
    const q = RunTraceQuery.parse(query);
    this.record(q.id);
    const { calls, total } = this.repo.llmCalls(q.id, { limit: q.limit, offset: q.offset });
    return {
      total,
      calls: calls.map((c) => ({
        id: c.id,
        seq: c.seq,
        stage: c.stage,
        step: c.step,
        model: c.model,
        at: c.at,
        durationMs: c.durationMs,
        attempts: c.attempts,
        ok: c.ok,
        error: c.error,
        promptTokens: c.usage.promptTokens,
        completionTokens: c.usage.completionTokens,
        costUsd: c.usage.costUsd,
        messages: c.messages,
        response: c.response ?? null,
      })),
    };
  }

  /** research_log.md and data_analysis.md as they are in the workspace now. */
  documents(id: string): RunDocuments {
    const workspace = this.record(id).summary.workspace;
    const names = ['research_log.md', 'data_analysis.md'] as const;
    return { documents: names.map((name) => readDocument(workspace, name)) };
  }

  /** The commits of the run's branch, newest first (those before the run started left out). */
  async gitLog(id: string): Promise<RunGitLog> {
    const workspace = this.record(id).summary.workspace;
    if (!fs.existsSync(path.join(workspace, '.git'))) {
      return {
        branch: null,
        commits: [],
        truncated: false,
        note: `${workspace} is not a git repository (any more)`,
      };
    }
    const state = await readWorkspaceState(workspace).catch(() => null);
    const branch = state?.branch ?? null;
    const range: string[] = [];
    let note: string | null = null;
    if (branch && (await refExists(workspace, `refs/heads/${branch}`))) {
      range.push(`refs/heads/${branch}`);
      // Brownfield: the user's history before the run is theirs, not the run's. Greenfield: all of it is the run's.
      if (state?.mode === 'brownfield' && state.baseCommit) range.push(`^${state.baseCommit}`);
    } else {
      range.push('HEAD');
      note = branch
        ? `the run's branch ${branch} is gone; showing the history of HEAD`
        : 'the workspace does not record the run (its state was restored or removed); showing the history of HEAD';
    }
    if (!(await refExists(workspace, range[0]!))) {
      return { branch, commits: [], truncated: false, note: 'no commits yet' };
    }
    const format = ['%H', '%P', '%an', '%aI', '%s', '%b'].join('%x1f') + '%x1e';
    const { stdout } = await runGit(
      workspace,
      ['log', `--format=${format}`, `--max-count=${GIT_LOG_MAX + 1}`, ...range, '--'],
      { timeoutMs: GIT_TIMEOUT_MS },
    );
    const commits = stdout
      .split('\x1e')
      .map((r) => r.replace(/^\n/, ''))
      .filter((r) => r.length > 0)
      .map((r) => {
        const [sha = '', parents = '', author = '', at = '', subject = '', body = ''] = r.split('\x1f');
        return { sha, parents: parents.split(' ').filter(Boolean), author, at, subject, body: body.trim() };
      });
    const truncated = commits.length > GIT_LOG_MAX;
    return { branch, commits: commits.slice(0, GIT_LOG_MAX), truncated, note };
  }

  /** The commands the safety policy blocked while this run was going (the workspace's logs/safety.log). */
  safety(id: string): RunSafety {
    const { summary } = this.record(id);
    const file = path.join(summary.workspace, SAFETY_LOG);
    const read = readCapped(file, SAFETY_CAP_BYTES, 'tail');
    if (!read) return { blocks: [], file, note: 'nothing was blocked: the workspace has no safety log' };
    // One log per workspace: a brownfield repository keeps the blocks of every run it had; keep this run's.
    const from = summary.startedAt ?? summary.createdAt;
    const to = summary.endedAt;
    const blocks: SafetyBlock[] = [];
    for (const line of read.text.split('\n')) {
      const [at, kind, rule, ...rest] = line.split('\t');
      if (!at || !kind || rule === undefined) continue;
      const time = Date.parse(at);
      if (Number.isNaN(time)) continue;
      // The log has whole seconds: a block in the run's first second still counts.
      if (time < Math.floor(Date.parse(from) / 1000) * 1000) continue;
      if (to && time > Date.parse(to)) continue;
      blocks.push({ at, kind, rule, subject: rest.join('\t') });
    }
    const note = read.truncated
      ? `only the last ${SAFETY_CAP_BYTES / 1024} KiB of the safety log were read`
      : null;
    return { blocks, file, note };
  }
}

async function refExists(cwd: string, ref: string): Promise<boolean> {
  const result = await runGit(cwd, ['rev-parse', '-q', '--verify', `${ref}^{commit}`], {
    okExitCodes: [1],
    timeoutMs: GIT_TIMEOUT_MS,
  });
  return result.exitCode === 0;
}

/**
 * A step that left no commit: the changes the pipeline saved before reverting it (stages.ts), when it did
 * (runs before that was recorded, and steps that changed nothing, have none).
 */
function uncommittedStepDiff(
  runDir: string,
  step: number,
  outcome: string,
): { parentSha: string | null; diff: CappedText | null; note: string | null } {
  const saved = readCapped(stepDiffPath(runDir, step), DIFF_CAP_BYTES, 'head');
  const never =
    outcome === 'kept' || outcome === 'baseline'
      ? 'it has no commit yet'
      : `it was ${outcome}: its changes were rolled back and never committed`;
  if (!saved)
    return { parentSha: null, diff: null, note: `No diff: ${never}, and no copy of them was kept.` };
  if (saved.text.length === 0) {
    return { parentSha: null, diff: null, note: `No diff: ${never}, and it had changed no file.` };
  }
  const { mtime: _mtime, ...diff } = saved;
  return {
    parentSha: null,
    diff,
    note: `Not committed: it was ${outcome}, so its changes were rolled back. Shown: what it changed against the best commit, saved before the revert${diff.truncated ? ` (the first ${DIFF_CAP_BYTES / 1024} KiB)` : ''}.`,
  };
}

async function experimentDiff(
  workspace: string,
  commit: string,
  parentCommit: string | null,
): Promise<{ parentSha: string | null; diff: CappedText | null; note: string | null }> {
  if (!fs.existsSync(workspace)) {
    return { parentSha: null, diff: null, note: `No diff: the workspace ${workspace} is gone.` };
  }
  if (!(await refExists(workspace, commit))) {
    return {
      parentSha: null,
      diff: null,
      note: `No diff: commit ${commit.slice(0, 12)} is not in the workspace any more (rewritten or pruned).`,
    };
  }
  // Against the parent experiment's commit; the baseline (or a parent without a commit) against its own parent.
  let parentSha = parentCommit && (await refExists(workspace, parentCommit)) ? parentCommit : null;
  if (!parentSha && (await refExists(workspace, `${commit}^`))) {
    parentSha = (
      await runGit(workspace, ['rev-parse', `${commit}^`], { timeoutMs: GIT_TIMEOUT_MS })
    ).stdout.trim();
  }
  const args = parentSha
    ? ['diff', '--no-color', '--no-ext-diff', parentSha, commit, '--']
    : ['show', '--no-color', '--no-ext-diff', '--format=', '--root', commit, '--'];
  const { stdout } = await runGit(workspace, args, { timeoutMs: GIT_TIMEOUT_MS });
  const diff = cap(stdout, DIFF_CAP_BYTES);
  const note = diff.truncated
    ? `The diff is ${Math.round(diff.bytes / 1024)} KiB; only its first ${DIFF_CAP_BYTES / 1024} KiB are shown (\`git diff ${parentSha?.slice(0, 12) ?? ''} ${commit.slice(0, 12)}\` in the workspace shows all).`
    : stdout.length === 0
      ? 'The commit changed no files.'
      : null;
  return { parentSha, diff, note };
}

/** Cuts text to `max` bytes of UTF-8, at a line end when there is one in the last part. */
function cap(text: string, max: number): CappedText {
  const bytes = Buffer.byteLength(text);
  if (bytes <= max) return { text, bytes, truncated: false };
  let cut = Buffer.from(text)
    .subarray(0, max)
    .toString('utf8')
    .replace(/\uFFFD$/, '');
  const lastLine = cut.lastIndexOf('\n');
  if (lastLine > max / 2) cut = cut.slice(0, lastLine + 1);
  return { text: cut, bytes, truncated: true };
}

/** A file's text, at most `max` bytes from its start (`head`) or its end (`tail`); null when it is not there. */
function readCapped(file: string, max: number, from: 'head' | 'tail'): (CappedText & { mtime: Date }) | null {
  let fd: number;
  try {
    // No symlink is followed: the workspace is written by the agent's code.
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW);
  } catch {
    return null;
  }
  try {
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return null;
    const length = Math.min(stat.size, max);
    const buffer = Buffer.alloc(length);
    fs.readSync(fd, buffer, 0, length, from === 'head' ? 0 : stat.size - length);
    let text = buffer.toString('utf8');
    if (from === 'tail' && stat.size > length) text = text.slice(text.indexOf('\n') + 1);
    return { text, bytes: stat.size, truncated: stat.size > length, mtime: stat.mtime };
  } finally {
    fs.closeSync(fd);
  }
}

function readDocument(workspace: string, name: RunDocument['name']): RunDocument {
  const read = readCapped(path.join(workspace, name), DOCUMENT_CAP_BYTES, 'head');
  if (!read) {
    const who = name === 'data_analysis.md' ? 'the data analysis stage' : 'the loop';
    return {
      name,
      content: null,
      missing: `${name} is not in the workspace yet: ${who} writes it.`,
      modifiedAt: null,
    };
  }
  const { mtime, ...content } = read;
  return { name, content, missing: null, modifiedAt: mtime.toISOString() };
}

/** The text of an assistant reply as stored (`{ content }` in OpenAI chat format). */
function replyText(response: unknown): string | null {
  if (!response || typeof response !== 'object') return null;
  const content = (response as { content?: unknown }).content;
  return typeof content === 'string' && content.trim() ? content.trim() : null;
}
