import fs from 'node:fs';
import path from 'node:path';
import type { StageName } from '../api/runs';
import { parseImportErrors, runTests } from '../tools';
import { SYSTEM } from './prompts';
import type { RunSession } from './session';

/**
 * Critics are procedural (files, pytest, numbers) and call the model at most once, for feedback text when
 * there is a failure to explain. A critic never fails the run: its verdict goes back to the actor.
 */
export interface Verdict {
  pass: boolean;
  /** For the actor's next attempt (empty when passing). */
  feedback: string;
}

const ANALYSIS_SECTIONS: readonly [string, RegExp][] = [
  ['Inventory', /inventory|files?\b/i],
  ['Modality', /modality|tabular|image|text/i],
  ['Sample size', /sample size|samples|\bn\s*=|rows|examples/i],
  ['Target / labels', /target|label/i],
  ['Splits', /split/i],
  ['Leakage risks', /leak/i],
  ['Preprocessing', /preprocess|normali[sz]|encod|tokeni[sz]|imput|scal/i],
  ['Modeling implications', /model/i],
];
const MIN_ANALYSIS_CHARS = 400;

export function checkDataAnalysis(workspace: string): Verdict {
  const file = path.join(workspace, 'data_analysis.md');
  let text: string;
  try {
    if (!fs.lstatSync(file).isFile()) throw new Error('not a file');
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return {
      pass: false,
      feedback: 'data_analysis.md does not exist in the workspace root: write it with write_file.',
    };
  }
  const problems: string[] = [];
  if (text.trim().length < MIN_ANALYSIS_CHARS) {
    problems.push(
      `it has ${text.trim().length} characters; a useful analysis has at least ${MIN_ANALYSIS_CHARS}`,
    );
  }
  const missing = ANALYSIS_SECTIONS.filter(([, re]) => !re.test(text)).map(([name]) => name);
  if (missing.length > 0) problems.push(`sections missing: ${missing.join(', ')}`);
  return problems.length === 0
    ? { pass: true, feedback: '' }
    : { pass: false, feedback: `data_analysis.md is incomplete: ${problems.join('; ')}.` };
}

/** Output tail given to the model when it explains a failure. */
const FEEDBACK_CONTEXT_CHARS = 3000;

/**
 * Runs the smoke tests in the sandbox. Pass: no failures, no errors, at least one test. On failure the
 * model is asked once to explain it; when that call fails, the failing tests and the output's tail stand in.
 */
export async function testCritic(session: RunSession, stage: StageName, step: number): Promise<Verdict> {
  const result = await runTests(session.toolContext(stage), {
    timeoutMs: session.input.tuning.timeouts.testsMs,
  });
  session.checkStop();
  const { counts } = result;
  if (result.exitCode === 0 && counts.failed === 0 && counts.errors === 0 && counts.total > 0) {
    session.log(`smoke tests: ${counts.passed} passed`, 'info', stage);
    return { pass: true, feedback: '' };
  }
  // An import error is the cause of everything after it: it is named first, as Python gave it.
  const imports = parseImportErrors(result.output).slice(0, 3);
  const cause = imports.length ? `; import error: ${imports.join('; ')}` : '';
  const what =
    (result.timedOut
      ? 'the tests timed out'
      : counts.total === 0
        ? 'no tests were collected (write tests/test_smoke.py)'
        : `${counts.failed} failed, ${counts.errors} errors, ${counts.passed} passed`) + cause;
  const tail = result.output.slice(-FEEDBACK_CONTEXT_CHARS);
  session.log(`smoke tests: ${what}`, 'warning', stage);
  const reply = await session.chat('critic', stage, step, {
    messages: [
      { role: 'system', content: SYSTEM.testingFeedback },
      { role: 'user', content: `pytest says: ${what}\n\nOutput (tail):\n${tail}` },
    ],
    maxTokens: 600,
  });
  const advice = reply.ok && reply.value.content?.trim() ? reply.value.content.trim().slice(0, 2000) : '';
  const failing = result.failedIds.length ? ` Failing: ${result.failedIds.slice(0, 10).join(', ')}.` : '';
  return {
    pass: false,
    feedback: `Smoke tests failed: ${what}.${failing}${advice ? `\n${advice}` : `\nOutput tail:\n${tail.slice(-1200)}`}`,
  };
}
