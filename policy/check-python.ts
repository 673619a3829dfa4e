import fs from 'node:fs';
import path from 'node:path';
import { screenPython } from './checker';
import { type CheckContext, checkOptions } from './check-shell';
import type { Policy } from './load-policy';
import { type PolicyVerdict, allowedVerdict, blockedVerdict } from './verdict';

// A Python file is screened before run_python_file runs it: the commands it passes to os.system,
// subprocess and friends go through the shell checker, literal paths it deletes through path
// containment, and then the original's plain scan for blocked tokens anywhere in the text.
// See python-calls.ts for what a text scan cannot see.

const MAX_FILE_BYTES = 5 * 1024 * 1024;

/** Screens a Python file; `filePath` is absolute or relative to the workspace. */
export async function checkPythonFile(
  policy: Policy,
  filePath: string,
  ctx: CheckContext,
): Promise<PolicyVerdict> {
  const full = path.resolve(ctx.workspaceDir, filePath);
  let code: string;
  try {
    const stat = fs.statSync(full);
    if (!stat.isFile()) return unreadable(filePath, 'it is not a regular file');
    if (stat.size > MAX_FILE_BYTES)
      return unreadable(filePath, `it is larger than ${MAX_FILE_BYTES >> 20} MB`);
    code = fs.readFileSync(full, 'utf8');
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    return unreadable(filePath, e.code === 'ENOENT' ? 'no such file' : (e.code ?? e.message));
  }
  const options = checkOptions(policy, ctx);
  const violation = await screenPython(code, options, { cwds: [options.scope.workspace], cwdUnknown: false });
  if (!violation) return allowedVerdict('python_file');
  return blockedVerdict('python_file', { rule: violation.rule, reason: `${filePath}: ${violation.reason}` });
}

/** Fails closed: a file that cannot be read cannot be screened. */
function unreadable(filePath: string, why: string): PolicyVerdict {
  return blockedVerdict('python_file', {
    rule: 'unscreenable-file',
    reason: `cannot screen ${filePath} (${why}); check the path`,
  });
}
