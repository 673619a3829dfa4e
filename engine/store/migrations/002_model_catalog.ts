// Applied migrations are checksummed: never edit this file once released; add a new migration instead.
export default {
  id: 2,
  name: 'model_catalog',
  sql: `
CREATE TABLE model_catalog (
  provider     TEXT NOT NULL,
  base_url     TEXT NOT NULL,
  catalog_json TEXT NOT NULL CHECK (json_valid(catalog_json)),
  fetched_at   TEXT NOT NULL,
  PRIMARY KEY (provider, base_url)
) STRICT;
`,
};
