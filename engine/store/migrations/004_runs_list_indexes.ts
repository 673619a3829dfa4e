// Applied migrations are checksummed: never edit this file once released; add a new migration instead.
// One index per sort of the runs list (engine/store/run-list-sql.ts): a page of the history table reads its
// rows in index order instead of sorting every run. created_at and (status, created_at) are in 003.
// The duration expression must stay the same text as DURATION_SQL there, or SQLite will not use it.
export default {
  id: 4,
  name: 'runs_list_indexes',
  sql: `
CREATE INDEX runs_started ON runs (started_at);
CREATE INDEX runs_task ON runs (task COLLATE NOCASE);
CREATE INDEX runs_step ON runs (step);
CREATE INDEX runs_best_score ON runs (best_score);
CREATE INDEX runs_cost ON runs (cost_usd);
CREATE INDEX runs_duration ON runs ((unixepoch(ended_at, 'subsec') - unixepoch(started_at, 'subsec')));
`,
};
