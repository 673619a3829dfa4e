import { readShell } from '../../policy/shell/parse';
import { bashSyntaxProblem } from '../../policy/shell/syntax';
import { ToolError } from './context';

/**
 * Splits an argument string the way a shell would split words (quotes, backslashes), with the policy's bash
 * reader; like Python's shlex.split, nothing is expanded. Anything a shell would do beyond splitting words
 * (variables, $(...), redirections, `;`, pipes) is refused with a ToolError: write the arguments literally.
 */
export async function splitArgs(text: string): Promise<string[]> {
  if (text.trim() === '') return [];
  if (text.includes('\0')) throw new ToolError('args contain a NUL character');
  // A command word in front, so that `lr=0.1` stays an argument rather than an assignment.
  const line = `_ ${text}`;
  const problem = await bashSyntaxProblem(line);
  if (problem) throw new ToolError(`args are not valid shell words (${problem.message}); check the quoting`);
  let script;
  try {
    script = readShell(line);
  } catch (error) {
    throw new ToolError(`args cannot be read as shell words (${(error as Error).message})`);
  }
  const item = script.items.length === 1 ? script.items[0] : undefined;
  const pipeline = item && !item.background && item.pipelines.length === 1 ? item.pipelines[0] : undefined;
  const command =
    pipeline && !pipeline.negated && pipeline.commands.length === 1 ? pipeline.commands[0] : undefined;
  if (
    !command ||
    command.type !== 'simple' ||
    command.redirects.length > 0 ||
    command.assignments.length > 0
  ) {
    throw new ToolError('args must be plain arguments: no ;, &&, |, & or redirections');
  }
  const out: string[] = [];
  for (const word of command.words.slice(1)) {
    let value = '';
    for (const part of word.parts) {
      if (part.type !== 'lit') {
        throw new ToolError(`args: ${word.raw} needs a shell to expand it; write the value literally`);
      }
      value += part.value;
    }
    out.push(value);
  }
  return out;
}
