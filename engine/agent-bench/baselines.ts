import { BaselinesFile } from '../api/agent-bench';
import recorded from './baselines.json' with { type: 'json' };
import { BENCH_TASKS } from './tasks';

/**
 * The recorded baselines (baselines.json, measured once in the sandbox image by testing/measure-baselines.ts on
 * each task's final hidden split), checked against the schema and the task declarations.
 */
export function parseBaselines(raw: unknown): BaselinesFile {
  const file = BaselinesFile.parse(raw);
  for (const task of BENCH_TASKS) {
    const b = file.tasks[task.name];
    if (!b) throw new Error(`baselines.json has no entry for the task ${task.name}`);
    if (b.metric !== task.metric.name || b.direction !== task.metric.direction) {
      throw new Error(
        `baselines.json: ${task.name} was measured with ${b.metric} (${b.direction}), the task scores ${task.metric.name} (${task.metric.direction})`,
      );
    }
  }
  return file;
}

export const BASELINES: BaselinesFile = parseBaselines(recorded);
