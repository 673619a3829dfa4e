// Applied migrations are checksummed: never edit this file once released; add a new migration instead.
export default {
  id: 1,
  name: 'settings',
  sql: `
CREATE TABLE settings (
  key        TEXT PRIMARY KEY,
  value_json TEXT NOT NULL CHECK (json_valid(value_json)),
  updated_at TEXT NOT NULL
) STRICT;
`,
};
