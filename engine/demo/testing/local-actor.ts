import { spawnSync } from 'node:child_process';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { z } from 'zod';
import type { LlmClient } from '../../llm/client';
import { parseSingleToolCall, type ParsedToolCall, type ToolSet } from '../../llm/tools';

/**
 * For tests of the scenarios without the pipeline: a minimal actor loop and critic call through the real LLM
 * client, and a tool runner that executes the actor tools on the host in a temporary workspace. The pipeline
 * has its own (sandboxed) versions; these only follow the same conversation shape.
 */

export const DEMO_TOOLS: ToolSet = {
  write_file: {
    description: 'Write a file.',
    args: z.object({ file_path: z.string(), content: z.string() }),
  },
  read_file: { description: 'Read a file.', args: z.object({ file_path: z.string() }) },
  edit_file: {
    description: 'Replace text in a file.',
    args: z.object({ file_path: z.string(), old_text: z.string(), new_text: z.string() }),
  },
  list_files: {
    description: 'List files.',
    args: z.object({ directory: z.string().default('.'), pattern: z.string().default('*') }),
  },
  create_directory: { description: 'Create a folder.', args: z.object({ dir_path: z.string() }) },
  run_shell_command: {
    description: 'Run a shell command.',
    args: z.object({ command: z.string(), timeout: z.number().default(120) }),
  },
  run_python_file: {
    description: 'Run a Python file.',
    args: z.object({ file_path: z.string(), args: z.union([z.string(), z.array(z.string())]).default('') }),
  },
  run_tests: { description: 'Run pytest.', args: z.object({ test_file: z.string().default('tests') }) },
  launch_training: {
    description: 'Run train.py.',
    args: z.object({ script_path: z.string(), args: z.string().default('') }),
  },
  launch_evaluate: {
    description: 'Run evaluate.py.',
    args: z.object({ script_path: z.string(), args: z.string().default('') }),
  },
  mark_complete: { description: 'Finish.', args: z.object({ summary: z.string() }) },
};

export type ToolRunner = (call: ParsedToolCall) => Promise<string>;

export interface ActorOutcome {
  /** mark_complete's summary; null when the turn limit came first. */
  summary: string | null;
  calls: ParsedToolCall[];
  /** Tool calls the model got wrong (sent back as errors). */
  invalid: string[];
  costUsd: number;
}

export async function driveActor(
  client: LlmClient,
  options: {
    runId: string;
    stage: string;
    system: string;
    user: string;
    run: ToolRunner;
    tools?: ToolSet;
    maxTurns?: number;
  },
): Promise<ActorOutcome> {
  const tools = options.tools ?? DEMO_TOOLS;
  const messages: ChatCompletionMessageParam[] = [
    { role: 'system', content: options.system },
    { role: 'user', content: options.user },
  ];
  const outcome: ActorOutcome = { summary: null, calls: [], invalid: [], costUsd: 0 };
  for (let turn = 0; turn < (options.maxTurns ?? 30); turn += 1) {
    const r = await client.chat({ context: { runId: options.runId, stage: options.stage }, messages, tools });
    if (!r.ok) throw new Error(`${options.stage}: ${r.error.message}`);
    outcome.costUsd += r.value.usage.costUsd ?? 0;
    messages.push(r.value.assistantMessage);
    const parsed = parseSingleToolCall(r.value.toolCalls, tools, r.value.content);
    const id = r.value.toolCalls[0]?.id ?? 'call_0';
    if (!parsed.ok) {
      outcome.invalid.push(parsed.error);
      if (r.value.toolCalls.length)
        messages.push({ role: 'tool', tool_call_id: id, content: `error: ${parsed.error}` });
      else messages.push({ role: 'user', content: `error: ${parsed.error}` });
      continue;
    }
    outcome.calls.push(parsed.value);
    if (parsed.value.name === 'mark_complete') {
      outcome.summary = String(parsed.value.args.summary);
      return outcome;
    }
    const result = await options.run(parsed.value);
    messages.push({ role: 'tool', tool_call_id: id, content: result });
  }
  return outcome;
}

/** One critic call (no tools): the feedback text. */
export async function askCritic(
  client: LlmClient,
  options: { runId: string; stage: string; system: string; user: string },
): Promise<string> {
  const r = await client.chat({
    context: { runId: options.runId, stage: options.stage },
    messages: [
      { role: 'system', content: options.system },
      { role: 'user', content: options.user },
    ],
  });
  if (!r.ok) throw new Error(`${options.stage}: ${r.error.message}`);
  return r.value.content ?? '';
}

/**
 * Runs the actor tools on the host, in `workspace`, with `python` for the Python ones (null: Python tools
 * answer that Python is missing). Launches are not run: the pipeline does those itself.
 */
export function localToolRunner(workspace: string, python: string | null): ToolRunner {
  const inside = (p: string): string => {
    const abs = path.resolve(workspace, p);
    if (abs !== workspace && !abs.startsWith(workspace + path.sep))
      throw new Error(`${p} is outside the workspace`);
    return abs;
  };
  const exec = (command: string, args: string[], timeoutS = 120): string => {
    const r = spawnSync(command, args, { cwd: workspace, encoding: 'utf8', timeout: timeoutS * 1000 });
    return `exit code ${r.status}\n${r.stdout ?? ''}${r.stderr ?? ''}`;
  };
  return async ({ name, args }) => {
    try {
      switch (name) {
        case 'write_file': {
          const file = inside(String(args.file_path));
          await fs.mkdir(path.dirname(file), { recursive: true });
          await fs.writeFile(file, String(args.content));
          return `wrote ${String(args.file_path)}`;
        }
        case 'read_file':
          return await fs.readFile(inside(String(args.file_path)), 'utf8');
        case 'edit_file': {
          const file = inside(String(args.file_path));
          const text = await fs.readFile(file, 'utf8');
          if (!text.includes(String(args.old_text))) return 'error: old_text not found';
          await fs.writeFile(file, text.replace(String(args.old_text), String(args.new_text)));
          return 'edited';
        }
        case 'list_files': {
          const entries = await fs.readdir(inside(String(args.directory ?? '.')), { recursive: true });
          return entries.sort().join('\n') || '(empty)';
        }
        case 'create_directory':
          await fs.mkdir(inside(String(args.dir_path)), { recursive: true });
          return `created ${String(args.dir_path)}`;
        case 'run_shell_command': {
          if (!python) return 'error: python3 is not available here';
          // python3 in commands is the Python the tests found.
          const command = String(args.command).replace(/^python3\b/, python);
          return exec('sh', ['-c', command], Number(args.timeout ?? 120));
        }
        case 'run_python_file': {
          if (!python) return 'error: python3 is not available here';
          const extra = Array.isArray(args.args)
            ? args.args.map(String)
            : String(args.args ?? '')
                .split(/\s+/)
                .filter(Boolean);
          return exec(python, [inside(String(args.file_path)), ...extra]);
        }
        case 'run_tests':
          if (!python) return 'error: python3 is not available here';
          return exec(python, [
            '-m',
            'pytest',
            '-q',
            '-p',
            'no:cacheprovider',
            String(args.test_file ?? 'tests'),
          ]);
        default:
          return `error: ${name} is not run by the local tool runner`;
      }
    } catch (err) {
      return `error: ${err instanceof Error ? err.message : String(err)}`;
    }
  };
}

/** A python3 with scikit-learn, pandas, joblib and pytest (MLE_DEMO_PYTHON first), or null. */
export function findSklearnPython(): string | null {
  // MLE_DEMO_PYTHON=none: behave as if there were none (to check the skip paths).
  if (process.env.MLE_DEMO_PYTHON === 'none') return null;
  const candidates = [process.env.MLE_DEMO_PYTHON, 'python3', '/usr/bin/python3', 'python'].filter(
    (c): c is string => Boolean(c),
  );
  for (const candidate of candidates) {
    const probe = spawnSync(candidate, ['-c', 'import sklearn, pandas, joblib, pytest'], { stdio: 'ignore' });
    if (probe.status === 0) return candidate;
  }
  return null;
}
