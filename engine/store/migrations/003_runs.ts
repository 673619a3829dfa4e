// Applied migrations are checksummed: never edit this file once released; add a new migration instead.
// Enum CHECKs are kept to the values that change the way a run is handled (run and stage status, mode,
// direction, sandbox, control); names that will grow (stages, end reasons, event types) are validated on read.
export default {
  id: 3,
  name: 'runs',
  sql: `
CREATE TABLE runs (
  id                 TEXT PRIMARY KEY,
  name               TEXT,
  status             TEXT NOT NULL CHECK (status IN
                       ('pending', 'running', 'paused', 'completed', 'failed', 'cancelled', 'interrupted')),
  end_reason         TEXT,
  message            TEXT,
  mode               TEXT NOT NULL CHECK (mode IN ('greenfield', 'brownfield')),
  task               TEXT NOT NULL,
  workspace          TEXT NOT NULL,
  run_dir            TEXT NOT NULL,
  config_json        TEXT NOT NULL CHECK (json_valid(config_json)),
  metric_name        TEXT NOT NULL,
  direction          TEXT NOT NULL CHECK (direction IN ('higher', 'lower')),
  target             REAL,
  trusted            INTEGER NOT NULL CHECK (trusted IN (0, 1)),
  step               INTEGER NOT NULL DEFAULT 0,
  max_steps          INTEGER NOT NULL,
  best_score         REAL,
  best_step          INTEGER,
  best_commit        TEXT,
  final_score        REAL,
  cost_usd           REAL NOT NULL DEFAULT 0,
  unknown_cost_calls INTEGER NOT NULL DEFAULT 0,
  prompt_tokens      INTEGER NOT NULL DEFAULT 0,
  completion_tokens  INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens   INTEGER NOT NULL DEFAULT 0,
  cached_tokens      INTEGER NOT NULL DEFAULT 0,
  llm_calls          INTEGER NOT NULL DEFAULT 0,
  model              TEXT NOT NULL,
  sandbox            TEXT NOT NULL CHECK (sandbox IN ('docker', 'local')),
  created_at         TEXT NOT NULL,
  started_at         TEXT,
  ended_at           TEXT,
  last_seq           INTEGER NOT NULL DEFAULT 0,
  owner_pid          INTEGER,
  owner_host         TEXT,
  control            TEXT CHECK (control IS NULL OR control IN ('cancel', 'pause')),
  state_json         TEXT CHECK (state_json IS NULL OR json_valid(state_json))
) STRICT;
CREATE INDEX runs_status_created ON runs (status, created_at);
CREATE INDEX runs_created ON runs (created_at);

CREATE TABLE stages (
  run_id     TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  stage      TEXT NOT NULL,
  status     TEXT NOT NULL CHECK (status IN ('pending', 'active', 'pass', 'fail', 'retrying', 'skipped')),
  attempt    INTEGER NOT NULL DEFAULT 0,
  step       INTEGER NOT NULL DEFAULT 0,
  started_at TEXT,
  ended_at   TEXT,
  message    TEXT,
  PRIMARY KEY (run_id, stage)
) STRICT;

CREATE TABLE experiments (
  run_id              TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  step                INTEGER NOT NULL,
  parent_step         INTEGER,
  hypothesis          TEXT NOT NULL,
  proposal            TEXT NOT NULL,
  tag                 TEXT,
  outcome             TEXT NOT NULL,
  score               REAL,
  self_reported_score REAL,
  note                TEXT,
  commit_sha          TEXT,
  started_at          TEXT NOT NULL,
  ended_at            TEXT,
  duration_ms         REAL,
  prompt_tokens       INTEGER NOT NULL DEFAULT 0,
  completion_tokens   INTEGER NOT NULL DEFAULT 0,
  cost_usd            REAL NOT NULL DEFAULT 0,
  unknown_cost_calls  INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, step)
) STRICT;

CREATE TABLE events (
  run_id    TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq       INTEGER NOT NULL,
  at        TEXT NOT NULL,
  type      TEXT NOT NULL,
  stage     TEXT,
  body_json TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
) STRICT, WITHOUT ROWID;

CREATE TABLE llm_calls (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id            TEXT NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  seq               INTEGER,
  stage             TEXT NOT NULL,
  step              INTEGER NOT NULL,
  model             TEXT NOT NULL,
  at                TEXT NOT NULL,
  duration_ms       REAL NOT NULL,
  attempts          INTEGER NOT NULL,
  ok                INTEGER NOT NULL CHECK (ok IN (0, 1)),
  error             TEXT,
  prompt_tokens     INTEGER NOT NULL DEFAULT 0,
  completion_tokens INTEGER NOT NULL DEFAULT 0,
  reasoning_tokens  INTEGER NOT NULL DEFAULT 0,
  cached_tokens     INTEGER NOT NULL DEFAULT 0,
  cost_usd          REAL,
  request_json      TEXT NOT NULL CHECK (json_valid(request_json)),
  response_json     TEXT CHECK (response_json IS NULL OR json_valid(response_json))
) STRICT;
CREATE INDEX llm_calls_run ON llm_calls (run_id, id);
`,
};
