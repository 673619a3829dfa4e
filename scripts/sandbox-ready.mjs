// Exits 0 when a Docker sandbox can start (the daemon answers and a sandbox image is built); otherwise prints
// what is wrong and how to fix it, on one line, and exits 1. Used by scripts/test.sh in CI.
import { spawnSync } from 'node:child_process';

const run = spawnSync(process.execPath, ['bin/mle-beast.js', 'sandbox', 'status', '--json'], {
  encoding: 'utf8',
});
let status = null;
try {
  status = JSON.parse(run.stdout);
} catch {
  console.log(
    `\`mle-beast sandbox status --json\` did not answer (exit ${run.status}): ${run.stderr.trim().split('\n')[0]}`,
  );
  process.exit(1);
}
if (status.ready) process.exit(0);
const problem = status.docker.problem?.message ?? status.advice[0] ?? 'no sandbox image is built';
console.log(problem.replace(/\s*\n\s*/g, ' '));
process.exit(1);
