import type Database from 'better-sqlite3';
import {
  RunEventBody,
  STAGES,
  type EndReason,
  type Experiment,
  type RunEvent,
  type RunStatus,
  type RunSummary,
  type StageName,
  type StageRow,
} from '../api/runs';
import {
  capMessage,
  experimentParams,
  jsonOrNull,
  parseJsonOrNull,
  toExperiment,
  toLlmCall,
  toStage,
  toSummary,
  type EventDbRow,
  type ExperimentDbRow,
  type LlmCallDbRow,
  type LlmCallRow,
  type LlmUsage,
  type RunControl,
  type RunRow,
  type StageDbRow,
} from './run-rows';
import { LIVE_STATUSES, runListSql, type RunListFilter } from './run-list-sql';
import type { Direction, RunMode, SandboxKind } from '../api/vocabulary';

export type { LlmCallRow, LlmUsage, RunControl } from './run-rows';

export interface NewRun {
  id: string;
  name: string | null;
  mode: RunMode;
  task: string;
  workspace: string;
  /** The engine's folder for the run's data. */
  runDir: string;
  /** The resolved ProjectConfig, stored as JSON. */
  config: unknown;
  metric: { name: string; direction: Direction; target: number | null; trusted: boolean };
  maxSteps: number;
  model: string;
  sandbox: SandboxKind;
  ownerPid: number | null;
  /** Hostname of the process running the run. */
  ownerHost: string | null;
  /** ISO time; now when left out. */
  createdAt?: string;
}

/** Model usage summed over some calls (`usageByStageAndModel`). */
export interface UsageTotals {
  stage: string;
  model: string;
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** Known cost; calls whose price was unknown are counted in `unknownCostCalls`. */
  costUsd: number;
  unknownCostCalls: number;
}

export interface RunRecord {
  summary: RunSummary;
  config: unknown;
  runDir: string;
  ownerPid: number | null;
  ownerHost: string | null;
  /** Cancel or pause requested from another process, not yet acted on. */
  control: RunControl | null;
  /** Opaque pipeline state for resume. */
  state: unknown;
}

/** The mutable columns of a run; only the keys given (and not undefined) change. */
export interface RunPatch {
  status?: RunStatus;
  endReason?: EndReason | null;
  message?: string | null;
  step?: number;
  maxSteps?: number;
  bestScore?: number | null;
  bestStep?: number | null;
  bestCommit?: string | null;
  finalScore?: number | null;
  startedAt?: string | null;
  endedAt?: string | null;
  ownerPid?: number | null;
  ownerHost?: string | null;
  control?: RunControl | null;
  /** Opaque JSON; null clears it. */
  state?: unknown;
  workspace?: string;
}

export interface RunListOptions extends Partial<RunListFilter> {
  limit: number;
  offset: number;
}

export interface NewLlmCall {
  /** The sequence number of the matching `llm.call` event, or null. */
  seq: number | null;
  stage: StageName;
  step: number;
  model: string;
  /** ISO time the call started. */
  at: string;
  durationMs: number;
  attempts: number;
  ok: boolean;
  error: string | null;
  usage: LlmUsage;
  /** The request's messages: each message's content is capped at MESSAGE_CONTENT_CAP characters. */
  messages: unknown[];
  response: unknown;
}

const PATCH_COLUMNS: Record<keyof RunPatch, string> = {
  status: 'status',
  endReason: 'end_reason',
  message: 'message',
  step: 'step',
  maxSteps: 'max_steps',
  bestScore: 'best_score',
  bestStep: 'best_step',
  bestCommit: 'best_commit',
  finalScore: 'final_score',
  startedAt: 'started_at',
  endedAt: 'ended_at',
  ownerPid: 'owner_pid',
  ownerHost: 'owner_host',
  control: 'control',
  state: 'state_json',
  workspace: 'workspace',
};

const STAGE_ORDER = new Map<string, number>(STAGES.map((s, i) => [s, i]));

/** The stored body checked against the contract; null when it is not even JSON. */
function parseEventBody(json: string): ReturnType<typeof RunEventBody.safeParse> | null {
  try {
    return RunEventBody.safeParse(JSON.parse(json));
  } catch {
    return null;
  }
}

const isForeignKeyError = (error: unknown): boolean =>
  error instanceof Error && (error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_FOREIGNKEY';

/**
 * Runs and everything they produce (stages, experiments, events, LLM calls) in the shared SQLite database.
 * Writes are synchronous and atomic; several processes (the app, a CLI run, the server) may write the same
 * file at once: appends take the write lock first (IMMEDIATE) so per-run sequence numbers stay unique and
 * dense. Reads are validated against the contract (engine/api/runs.ts); a row that another version wrote and
 * that no longer fits is skipped and reported once, never thrown at a reader of many rows.
 */
export class RunRepository {
  private readonly stmts: ReturnType<RunRepository['prepare']>;
  private readonly patchStatements = new Map<string, Database.Statement>();
  private readonly listStatements = new Map<
    string,
    { page: Database.Statement; count: Database.Statement }
  >();
  private readonly warned = new Set<string>();
  private readonly appendTx: Database.Transaction<
    (runId: string, bodies: readonly RunEventBody[], iso: string) => RunEvent[]
  >;
  private readonly upsertStageTx: Database.Transaction<
    (runId: string, stage: StageName, patch: Partial<StageRow>) => StageRow
  >;
  private readonly deleteTx: Database.Transaction<(id: string) => boolean>;

  constructor(
    private readonly db: Database.Database,
    private readonly warn: (message: string) => void = (m) => console.warn(m),
  ) {
    this.stmts = this.prepare();
    this.appendTx = this.db.transaction(
      (runId: string, bodies: readonly RunEventBody[], iso: string): RunEvent[] => {
        const last = this.stmts.bumpSeq.get(bodies.length, runId) as number | undefined;
        if (last === undefined) throw new Error(`cannot store events for run ${runId}: there is no such run`);
        let seq = last - bodies.length;
        return bodies.map((body) => {
          seq += 1;
          const stage = 'stage' in body ? body.stage : null;
          this.stmts.insertEvent.run(runId, seq, iso, body.type, stage, JSON.stringify(body));
          return { runId, seq, at: iso, body };
        });
      },
    );
    this.upsertStageTx = this.db.transaction(
      (runId: string, stage: StageName, patch: Partial<StageRow>): StageRow => {
        const row = this.stmts.getStage.get(runId, stage) as StageDbRow | undefined;
        const current: StageRow = row
          ? { ...this.stageOrDefault(row, stage) }
          : { stage, status: 'pending', attempt: 0, step: 0, startedAt: null, endedAt: null, message: null };
        const next: StageRow = { ...current };
        for (const key of ['status', 'attempt', 'step', 'startedAt', 'endedAt', 'message'] as const) {
          if (patch[key] !== undefined) (next as Record<string, unknown>)[key] = patch[key];
        }
        this.stmts.upsertStage.run({ runId, ...next });
        return next;
      },
    );
    this.deleteTx = this.db.transaction((id: string): boolean => {
      // ON DELETE CASCADE does this too; explicit so a connection without foreign_keys leaves no orphans.
      for (const statement of this.stmts.deleteChildren) statement.run(id);
      return this.stmts.deleteRun.run(id).changes > 0;
    });
  }

  private prepare() {
    const db = this.db;
    return {
      insertRun: db.prepare(
        `INSERT INTO runs (id, name, status, mode, task, workspace, run_dir, config_json, metric_name, direction,
           target, trusted, max_steps, model, sandbox, created_at, owner_pid, owner_host)
         VALUES (@id, @name, 'pending', @mode, @task, @workspace, @runDir, @config, @metricName, @direction,
           @target, @trusted, @maxSteps, @model, @sandbox, @createdAt, @ownerPid, @ownerHost)`,
      ),
      getRun: db.prepare('SELECT * FROM runs WHERE id = ?'),
      exists: db.prepare('SELECT 1 FROM runs WHERE id = ?').pluck(),
      live: db.prepare(
        `SELECT * FROM runs WHERE status IN (${LIVE_STATUSES.map((s) => `'${s}'`).join(', ')})
         ORDER BY created_at, rowid`,
      ),
      addUsage: db.prepare(
        `UPDATE runs SET
           prompt_tokens = prompt_tokens + @promptTokens,
           completion_tokens = completion_tokens + @completionTokens,
           reasoning_tokens = reasoning_tokens + @reasoningTokens,
           cached_tokens = cached_tokens + @cachedTokens,
           cost_usd = cost_usd + @cost,
           unknown_cost_calls = unknown_cost_calls + @unknown,
           llm_calls = llm_calls + 1
         WHERE id = @id`,
      ),
      bumpSeq: db.prepare('UPDATE runs SET last_seq = last_seq + ? WHERE id = ? RETURNING last_seq').pluck(),
      insertEvent: db.prepare(
        'INSERT INTO events (run_id, seq, at, type, stage, body_json) VALUES (?, ?, ?, ?, ?, ?)',
      ),
      events: db.prepare(
        'SELECT seq, at, body_json FROM events WHERE run_id = ? AND seq > ? ORDER BY seq LIMIT ?',
      ),
      // Walks the (run_id, seq) primary key backwards: the newest events cost the same at any run length.
      eventsTail: db.prepare(
        'SELECT seq, at, body_json FROM events WHERE run_id = ? AND seq > ? AND seq < ? ORDER BY seq DESC LIMIT ?',
      ),
      getStage: db.prepare(
        'SELECT stage, status, attempt, step, started_at, ended_at, message FROM stages WHERE run_id = ? AND stage = ?',
      ),
      upsertStage: db.prepare(
        `INSERT INTO stages (run_id, stage, status, attempt, step, started_at, ended_at, message)
         VALUES (@runId, @stage, @status, @attempt, @step, @startedAt, @endedAt, @message)
         ON CONFLICT (run_id, stage) DO UPDATE SET status = excluded.status, attempt = excluded.attempt,
           step = excluded.step, started_at = excluded.started_at, ended_at = excluded.ended_at,
           message = excluded.message`,
      ),
      stages: db.prepare(
        'SELECT stage, status, attempt, step, started_at, ended_at, message FROM stages WHERE run_id = ?',
      ),
      upsertExperiment: db.prepare(
        `INSERT INTO experiments (run_id, step, parent_step, hypothesis, proposal, tag, outcome, score,
           self_reported_score, note, commit_sha, started_at, ended_at, duration_ms, prompt_tokens,
           completion_tokens, cost_usd, unknown_cost_calls)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (run_id, step) DO UPDATE SET parent_step = excluded.parent_step,
           hypothesis = excluded.hypothesis, proposal = excluded.proposal, tag = excluded.tag,
           outcome = excluded.outcome, score = excluded.score, self_reported_score = excluded.self_reported_score,
           note = excluded.note, commit_sha = excluded.commit_sha, started_at = excluded.started_at,
           ended_at = excluded.ended_at, duration_ms = excluded.duration_ms,
           prompt_tokens = excluded.prompt_tokens, completion_tokens = excluded.completion_tokens,
           cost_usd = excluded.cost_usd, unknown_cost_calls = excluded.unknown_cost_calls`,
      ),
      experiments: db.prepare('SELECT * FROM experiments WHERE run_id = ? ORDER BY step'),
      insertLlmCall: db.prepare(
        `INSERT INTO llm_calls (run_id, seq, stage, step, model, at, duration_ms, attempts, ok, error,
           prompt_tokens, completion_tokens, reasoning_tokens, cached_tokens, cost_usd, request_json, response_json)
         VALUES (@runId, @seq, @stage, @step, @model, @at, @durationMs, @attempts, @ok, @error,
           @promptTokens, @completionTokens, @reasoningTokens, @cachedTokens, @costUsd, @request, @response)`,
      ),
      llmCalls: db.prepare('SELECT * FROM llm_calls WHERE run_id = ? ORDER BY id LIMIT ? OFFSET ?'),
      countLlmCalls: db.prepare('SELECT count(*) FROM llm_calls WHERE run_id = ?').pluck(),
      countRuns: db.prepare('SELECT count(*) FROM runs').pluck(),
      stepEvents: db.prepare(
        `SELECT * FROM events WHERE run_id = ? AND type = ? AND json_extract(body_json, '$.step') = ?
         ORDER BY seq LIMIT 500`,
      ),
      stepLlmCalls: db.prepare(
        'SELECT * FROM llm_calls WHERE run_id = ? AND stage = ? AND step = ? ORDER BY id LIMIT 100',
      ),
      setControl: db.prepare('UPDATE runs SET control = ? WHERE id = ?'),
      readControl: db.prepare('SELECT control FROM runs WHERE id = ?').pluck(),
      deleteChildren: ['events', 'stages', 'experiments', 'llm_calls'].map((t) =>
        db.prepare(`DELETE FROM ${t} WHERE run_id = ?`),
      ),
      deleteRun: db.prepare('DELETE FROM runs WHERE id = ?'),
    };
  }

  /** Reports a problem once per key for the life of this repository. */
  private warnOnce(key: string, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn(message);
  }

  /** Adds a run, status `pending`. Throws when the id is taken. */
  create(input: NewRun): RunRecord {
    try {
      this.stmts.insertRun.run({
        id: input.id,
        name: input.name,
        mode: input.mode,
        task: input.task,
        workspace: input.workspace,
        runDir: input.runDir,
        config: JSON.stringify(input.config ?? null),
        metricName: input.metric.name,
        direction: input.metric.direction,
        target: input.metric.target,
        trusted: input.metric.trusted ? 1 : 0,
        maxSteps: input.maxSteps,
        model: input.model,
        sandbox: input.sandbox,
        createdAt: input.createdAt ?? new Date().toISOString(),
        ownerPid: input.ownerPid,
        ownerHost: input.ownerHost,
      });
    } catch (error) {
      if ((error as { code?: unknown }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY') {
        throw new Error(`a run with id ${input.id} already exists`, { cause: error });
      }
      throw error;
    }
    return this.get(input.id)!;
  }

  /** The run with its stored config and resume state; null when there is none. Throws on an unreadable row. */
  get(id: string): RunRecord | null {
    const row = this.stmts.getRun.get(id) as RunRow | undefined;
    if (!row) return null;
    const record = this.toRecord(row);
    if (!record.ok) throw new Error(record.error);
    return record.value;
  }

  summary(id: string): RunSummary | null {
    return this.get(id)?.summary ?? null;
  }

  /**
   * One page of runs, filtered, searched and sorted in SQL (run-list-sql.ts). `total` counts every run that
   * matches; a row that cannot be read is skipped.
   */
  list(options: RunListOptions): { runs: RunSummary[]; total: number; all: number } {
    const sql = runListSql({ sort: 'createdAt', dir: 'desc', ...options });
    let statements = this.listStatements.get(sql.key);
    if (!statements) {
      statements = {
        page: this.db.prepare(
          `SELECT * FROM runs ${sql.where} ORDER BY ${sql.orderBy} LIMIT @limit OFFSET @offset`,
        ),
        count: this.db.prepare(`SELECT count(*) FROM runs ${sql.where}`).pluck(),
      };
      this.listStatements.set(sql.key, statements);
    }
    // One read transaction: the count and the page see the same runs even while another process writes.
    const read = this.db.transaction(() => ({
      rows: statements.page.all({ ...sql.params, limit: options.limit, offset: options.offset }) as RunRow[],
      total: statements.count.get(sql.params) as number,
      all: this.stmts.countRuns.get() as number,
    }));
    const { rows, total, all } = read.deferred();
    return { runs: this.readable(rows).map((r) => r.summary), total, all };
  }

  /**
   * Moves a run from one status to another only if it is still in the expected one, atomically (one UPDATE):
   * how two processes that both try to resume an interrupted run find out which of them won.
   */
  claim(id: string, from: RunStatus, to: RunStatus, owner: { pid: number; host: string }): boolean {
    return (
      this.db
        .prepare(
          'UPDATE runs SET status = ?, owner_pid = ?, owner_host = ?, control = NULL WHERE id = ? AND status = ?',
        )
        .run(to, owner.pid, owner.host, id, from).changes > 0
    );
  }

  /** Runs that are pending, running or paused, oldest first. */
  liveRuns(): RunRecord[] {
    return this.readable(this.stmts.live.all() as RunRow[]);
  }

  /** Changes only the keys given. False when there is no such run. */
  update(id: string, patch: RunPatch): boolean {
    const entries = (Object.keys(PATCH_COLUMNS) as (keyof RunPatch)[])
      .filter((key) => patch[key] !== undefined)
      .map((key) => [key, patch[key]] as const);
    if (entries.length === 0) return this.stmts.exists.get(id) !== undefined;
    const columns = entries.map(([key]) => PATCH_COLUMNS[key]);
    const sqlKey = columns.join(',');
    let statement = this.patchStatements.get(sqlKey);
    if (!statement) {
      statement = this.db.prepare(
        `UPDATE runs SET ${columns.map((c) => `${c} = ?`).join(', ')} WHERE id = ?`,
      );
      this.patchStatements.set(sqlKey, statement);
    }
    const values = entries.map(([key, value]) => (key === 'state' ? jsonOrNull(value) : value));
    return statement.run(...values, id).changes > 0;
  }

  /** Adds one LLM call's usage to the run's totals; a null cost counts as an unknown-cost call. */
  addUsage(id: string, usage: LlmUsage): boolean {
    return (
      this.stmts.addUsage.run({
        id,
        promptTokens: usage.promptTokens,
        completionTokens: usage.completionTokens,
        reasoningTokens: usage.reasoningTokens,
        cachedTokens: usage.cachedTokens,
        cost: usage.costUsd ?? 0,
        unknown: usage.costUsd === null ? 1 : 0,
      }).changes > 0
    );
  }

  /** Stores one event with the run's next sequence number. Throws when the run does not exist. */
  appendEvent(runId: string, body: RunEventBody, at: Date = new Date()): RunEvent {
    return this.appendEvents(runId, [body], at)[0]!;
  }

  /** Stores events in one transaction, numbered in order. Throws when the run does not exist. */
  appendEvents(runId: string, bodies: readonly RunEventBody[], at: Date = new Date()): RunEvent[] {
    if (bodies.length === 0) return [];
    const iso = at.toISOString();
    return this.appendTx.immediate(runId, bodies, iso);
  }

  /**
   * Events after `sinceSeq`, ascending, at most `limit`. `nextSeq` is the `sinceSeq` for the next page when
   * more are stored now, else null. A stored event this version cannot read is skipped (and reported once).
   */
  events(runId: string, { sinceSeq, limit }: { sinceSeq: number; limit: number }) {
    const rows = this.stmts.events.all(runId, sinceSeq, limit + 1) as EventDbRow[];
    const more = rows.length > limit;
    const page = more ? rows.slice(0, limit) : rows;
    const events = this.readEvents(runId, page);
    const nextSeq = more ? page[page.length - 1]!.seq : null;
    return { events, nextSeq };
  }

  /**
   * The newest events after `sinceSeq` and before `beforeSeq` (default: all), at most `limit`, ascending.
   * `nextSeq` is the `beforeSeq` of the next older page when older ones are stored, else null.
   */
  eventsTail(
    runId: string,
    { sinceSeq, limit, beforeSeq }: { sinceSeq: number; limit: number; beforeSeq?: number },
  ) {
    const rows = this.stmts.eventsTail.all(
      runId,
      sinceSeq,
      beforeSeq ?? Number.MAX_SAFE_INTEGER,
      limit + 1,
    ) as EventDbRow[];
    const more = rows.length > limit;
    const page = (more ? rows.slice(0, limit) : rows).reverse();
    const events = this.readEvents(runId, page);
    const nextSeq = more ? page[0]!.seq : null;
    return { events, nextSeq };
  }

  /** Parses stored rows; a stored event this version cannot read is skipped (and reported once). */
  private readEvents(runId: string, page: readonly EventDbRow[]): RunEvent[] {
    const events: RunEvent[] = [];
    for (const row of page) {
      const parsed = parseEventBody(row.body_json);
      if (parsed?.success) events.push({ runId, seq: row.seq, at: row.at, body: parsed.data });
      else {
        this.warnOnce(
          `event:${runId}:${row.seq}`,
          `run ${runId}: event ${row.seq} cannot be read by this version (${
            parsed ? parsed.error.issues[0]?.message : 'invalid JSON'
          }); skipped`,
        );
      }
    }
    return events;
  }

  /** Creates the stage row (pending, attempt 0, step 0) when missing, then changes the keys given. */
  upsertStage(runId: string, stage: StageName, patch: Partial<StageRow>): StageRow {
    return this.wrapForeignKey(runId, () => this.upsertStageTx.immediate(runId, stage, patch));
  }

  private stageOrDefault(row: StageDbRow, stage: StageName): StageRow {
    const parsed = toStage(row);
    if (parsed.success) return parsed.data;
    return {
      stage,
      status: 'pending',
      attempt: row.attempt,
      step: row.step,
      startedAt: null,
      endedAt: null,
      message: null,
    };
  }

  /** The run's stage rows in pipeline order (STAGES); rows this version cannot read are skipped. */
  stages(runId: string): StageRow[] {
    const out: StageRow[] = [];
    for (const row of this.stmts.stages.all(runId) as StageDbRow[]) {
      const parsed = toStage(row);
      if (parsed.success) out.push(parsed.data);
      else
        this.warnOnce(
          `stage:${runId}:${row.stage}`,
          `run ${runId}: stage row ${row.stage} is unreadable; skipped`,
        );
    }
    return out.sort((a, b) => STAGE_ORDER.get(a.stage)! - STAGE_ORDER.get(b.stage)!);
  }

  /** Adds the experiment, or replaces the one with the same step. */
  recordExperiment(runId: string, experiment: Experiment): void {
    this.wrapForeignKey(runId, () => this.stmts.upsertExperiment.run(...experimentParams(runId, experiment)));
  }

  /** By step; rows this version cannot read are skipped. */
  experiments(runId: string): Experiment[] {
    const out: Experiment[] = [];
    for (const row of this.stmts.experiments.all(runId) as ExperimentDbRow[]) {
      const parsed = toExperiment(row);
      if (parsed.success) out.push(parsed.data);
      else {
        this.warnOnce(
          `experiment:${runId}:${row.step}`,
          `run ${runId}: experiment ${row.step} is unreadable (${parsed.error.issues[0]?.message}); skipped`,
        );
      }
    }
    return out;
  }

  /** Stores one LLM request and its answer, each message's content capped. Returns the row's id. */
  recordLlmCall(runId: string, call: NewLlmCall): number {
    const info = this.wrapForeignKey(runId, () =>
      this.stmts.insertLlmCall.run({
        runId,
        seq: call.seq,
        stage: call.stage,
        step: call.step,
        model: call.model,
        at: call.at,
        durationMs: call.durationMs,
        attempts: call.attempts,
        ok: call.ok ? 1 : 0,
        error: call.error,
        promptTokens: call.usage.promptTokens,
        completionTokens: call.usage.completionTokens,
        reasoningTokens: call.usage.reasoningTokens,
        cachedTokens: call.usage.cachedTokens,
        costUsd: call.usage.costUsd,
        request: JSON.stringify(call.messages.map((m) => capMessage(m))),
        response: jsonOrNull(call.response === undefined ? null : capMessage(call.response)),
      }),
    );
    return Number(info.lastInsertRowid);
  }

  /** Oldest first; `total` counts all of the run's calls. Rows this version cannot read are skipped. */
  llmCalls(runId: string, { limit, offset }: { limit: number; offset: number }) {
    const calls: LlmCallRow[] = [];
    for (const row of this.stmts.llmCalls.all(runId, limit, offset) as LlmCallDbRow[]) {
      const parsed = toLlmCall(row);
      if (parsed.success) calls.push(parsed.data);
      else this.warnOnce(`llm:${row.id}`, `run ${runId}: LLM call ${row.id} is unreadable; skipped`);
    }
    return { calls, total: this.stmts.countLlmCalls.get(runId) as number };
  }

  /** The events of one type recorded at one step (run detail: a step's critic verdicts), oldest first. */
  stepEvents(runId: string, type: RunEventBody['type'], step: number): RunEvent[] {
    const events: RunEvent[] = [];
    for (const row of this.stmts.stepEvents.all(runId, type, step) as EventDbRow[]) {
      const parsed = parseEventBody(row.body_json);
      if (parsed?.success) events.push({ runId, seq: row.seq, at: row.at, body: parsed.data });
    }
    return events;
  }

  /** The model calls of one stage at one step (run detail: a critic's advice). */
  stepLlmCalls(runId: string, stage: StageName, step: number): LlmCallRow[] {
    const rows = this.stmts.stepLlmCalls.all(runId, stage, step) as LlmCallDbRow[];
    return rows.flatMap((row) => {
      const parsed = toLlmCall(row);
      return parsed.success ? [parsed.data] : [];
    });
  }

  /** Asks the process running the run to cancel or pause (null clears the request). False: no such run. */
  requestControl(id: string, control: RunControl | null): boolean {
    return this.stmts.setControl.run(control, id).changes > 0;
  }

  /** The pending request, null when none (or no such run). */
  readControl(id: string): RunControl | null {
    const value = this.stmts.readControl.get(id) as string | null | undefined;
    return value === 'cancel' || value === 'pause' ? value : null;
  }

  /**
   * The run's model usage summed per stage and model (the report's cost and tokens charts): one row per pair
   * that had calls, in the order the pairs were first used. Computed by SQLite, so a long run's request bodies
   * are never read for it.
   */
  usageByStageAndModel(runId: string): UsageTotals[] {
    const rows = this.db
      .prepare(
        `SELECT stage, model, COUNT(*) AS calls, SUM(prompt_tokens) AS prompt, SUM(completion_tokens) AS completion,
                SUM(COALESCE(cost_usd, 0)) AS cost, SUM(cost_usd IS NULL) AS unknown, MIN(id) AS first
           FROM llm_calls WHERE run_id = ? GROUP BY stage, model ORDER BY first`,
      )
      .all(runId) as {
      stage: string;
      model: string;
      calls: number;
      prompt: number;
      completion: number;
      cost: number;
      unknown: number;
    }[];
    return rows.map((r) => ({
      stage: r.stage,
      model: r.model,
      calls: r.calls,
      promptTokens: r.prompt,
      completionTokens: r.completion,
      costUsd: r.cost,
      unknownCostCalls: r.unknown,
    }));
  }

  /** Removes the run and everything of it. False when there was no such run. */
  delete(id: string): boolean {
    return this.deleteTx.immediate(id);
  }

  private wrapForeignKey<T>(runId: string, write: () => T): T {
    try {
      return write();
    } catch (error) {
      if (isForeignKeyError(error)) throw new Error(`run ${runId} does not exist`, { cause: error });
      throw error;
    }
  }

  private toRecord(row: RunRow): { ok: true; value: RunRecord } | { ok: false; error: string } {
    const summary = toSummary(row);
    if (!summary.success) {
      const issue = summary.error.issues[0];
      return {
        ok: false,
        error: `run ${row.id} in the store cannot be read by this version (${issue?.path.join('.')}: ${issue?.message})`,
      };
    }
    let config: unknown;
    let state: unknown;
    try {
      config = JSON.parse(row.config_json);
      state = parseJsonOrNull(row.state_json);
    } catch {
      return { ok: false, error: `run ${row.id} in the store has unreadable JSON` };
    }
    return {
      ok: true,
      value: {
        summary: summary.data,
        config,
        runDir: row.run_dir,
        ownerPid: row.owner_pid,
        ownerHost: row.owner_host,
        control: row.control === 'cancel' || row.control === 'pause' ? row.control : null,
        state,
      },
    };
  }

  private readable(rows: RunRow[]): RunRecord[] {
    const out: RunRecord[] = [];
    for (const row of rows) {
      const record = this.toRecord(row);
      if (record.ok) out.push(record.value);
      else this.warnOnce(`run:${row.id}`, `${record.error}; skipped`);
    }
    return out;
  }
}
