/**
 * mle-beast's section of AGENTS.md: how a coding agent (Claude Code, Cursor, Aider, Codex) drives mle-beast from a
 * terminal. Short, and true of this version: `report` is named only when this build has the command.
 */
export function agentsSection(options: { report: boolean }): string {
  return `# Driving mle-beast

mle-beast is an ML engineering agent: given a dataset and a goal, it writes, tests, trains and improves a model in a
sandbox, scoring each experiment on a hidden holdout it keeps to itself. Drive it from the terminal:

- \`mle-beast doctor\` first: every prerequisite with the fix for each problem (exit 0 all good, 1 something to fix).
- Start a run and wait for its end (it can take a long time; it prints progress, or one JSON document with \`--json\`):
  \`mle-beast run ./data "predict which customers churn" --metric accuracy --target 0.85 --max-steps 20 --json\`
  or \`mle-beast run project.yaml --json\`. Name the metric and its target, and give the data folder.
  \`--max-cost USD\` caps what the LLM calls may cost.
- \`mle-beast runs --json\`: the runs, newest first. \`mle-beast show <id> --json\`: one run (stages, experiments,
  scores); \`--events\` for its events, \`--logs\` for its commands' logs. An id prefix is enough.
- \`mle-beast cancel <id>\` stops a run (also one started in another terminal); \`mle-beast resume <id>\` continues an
  interrupted one from its best commit.
${options.report ? "- `mle-beast report <id>` writes the run's HTML report (`--out FILE` to choose where).\n" : ''}
Exit codes of \`run\` and \`resume\`: 0 the target was reached; 1 the run ended without reaching it (steps, failures,
cost or time ran out); 2 bad input (the message names the file, line and field, or the flag); 3 the run failed or
was interrupted; 130 cancelled.

The code the run writes lives in its workspace (a git repository, \`--workspace DIR\`): each kept experiment is a
commit. Trust the engine's scores (\`show\`), not figures printed by the model's own scripts. Never put API keys in
project files: they belong in \`.env\` (git-ignored) or the shell.
`;
}
