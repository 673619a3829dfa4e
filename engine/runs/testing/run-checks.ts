// Checks shared by the whole-run Docker suites (runs.docker.test.ts, runs-control.docker.test.ts).
import { execFileSync } from 'node:child_process';
import { expect } from 'vitest';
import type { RunEvent } from '../../api/runs';

export const git = (dir: string, ...args: string[]) =>
  execFileSync('git', ['-C', dir, ...args], { encoding: 'utf8' }).trim();
export const containersOf = (runId: string) =>
  execFileSync('docker', ['ps', '-a', '--filter', `name=mle-beast-${runId}`, '--format', '{{.Names}}'], {
    encoding: 'utf8',
  }).trim();
export const ofType = <T extends RunEvent['body']['type']>(events: RunEvent[], type: T) =>
  events.map((e) => e.body).filter((b): b is Extract<RunEvent['body'], { type: T }> => b.type === type);

/** The code at HEAD is the best commit's: at most the research log was committed after it. */
export const expectAtBest = (dir: string, best: string | null) => {
  expect(best).toBeTruthy();
  const changed = git(dir, 'diff', '--name-only', best as string, 'HEAD');
  expect(changed === '' || changed === 'research_log.md').toBe(true);
};
export const RUN_MS = 240_000;

export const target = { name: 'accuracy', target_value: 0.82, comparison: '>=' };
