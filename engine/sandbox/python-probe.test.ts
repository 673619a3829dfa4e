import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../testing/temp-dir';
import { IMPORT_CHECK_SCRIPT, choosePython, missingModulesMessage, parseImportCheck } from './python-probe';

// Real interpreters: a venv made without the system's packages stands for a version manager's python3 that
// lacks them (pyenv here); /usr/bin/python3 has them where Debian's python3-pandas & co. are installed.

const SYSTEM = '/usr/bin/python3';
const systemHasAll =
  fs.existsSync(SYSTEM) &&
  (await execa(SYSTEM, ['-s', '-c', 'import numpy, pandas, sklearn, pytest'], { reject: false })).exitCode ===
    0;

describe.skipIf(!systemHasAll)('choosing the local Python', () => {
  const temp = makeTempDir();
  let bare: string;
  beforeAll(async () => {
    await execa(SYSTEM, ['-m', 'venv', '--without-pip', path.join(temp.dir, 'bare')]);
    bare = path.join(temp.dir, 'bare', 'bin', 'python');
  });
  afterAll(() => temp.cleanup());

  it('skips a first candidate that lacks the packages, and says why', async () => {
    const chosen = await choosePython(undefined, process.env, [bare, SYSTEM]);
    if (!chosen.ok) throw chosen.error;
    expect(fs.realpathSync(chosen.value.executable)).toBe(fs.realpathSync(SYSTEM));
    expect(chosen.value.missing).toEqual([]);
    expect(chosen.value.notes).toHaveLength(1);
    expect(chosen.value.notes[0]).toMatch(
      /bare\/bin\/python .*lacks numpy, pandas, sklearn, pytest; using \/usr\/bin\/python3/,
    );
  });

  it('with the default candidates, python3 first on PATH lacking pandas loses to /usr/bin/python3', async () => {
    const onPath = await execa('python3', ['-s', '-c', 'import pandas'], { reject: false });
    const chosen = await choosePython(undefined, process.env);
    if (!chosen.ok) throw chosen.error;
    expect(chosen.value.missing).toEqual([]);
    if (onPath.exitCode !== 0) {
      // This machine's case: a pyenv shim first on PATH, without pandas.
      expect(chosen.value.notes.join('\n')).toMatch(/^python3 \(.*\) lacks .*pandas/);
    }
  });

  it('a named interpreter is used as named, what it lacks listed', async () => {
    const chosen = await choosePython(bare, process.env);
    if (!chosen.ok) throw chosen.error;
    expect(chosen.value.executable).toBe(bare);
    expect(chosen.value.venv).toBe(path.join(temp.dir, 'bare'));
    expect(chosen.value.missing).toEqual(['numpy', 'pandas', 'sklearn', 'pytest']);
    expect(chosen.value.roots).toContain(path.join(temp.dir, 'bare'));
  });

  it('the setup check names the interpreter, the packages, the real import errors and the fix', async () => {
    const r = await execa(bare, ['-c', IMPORT_CHECK_SCRIPT]);
    const check = parseImportCheck(r.stdout);
    expect(check).not.toBeNull();
    expect(check!.executable).toBe(bare);
    expect(check!.errors.pandas).toBe("ModuleNotFoundError: No module named 'pandas'");
    expect(check!.pytest).toBeNull();
    const local = missingModulesMessage(check!, true);
    expect(local).toContain(`the sandbox's Python ${bare}`);
    expect(local).toContain('cannot import numpy, pandas, scikit-learn, pytest');
    expect(local).toContain("ModuleNotFoundError: No module named 'pandas'");
    expect(local).toContain(`${bare} -m pip install numpy pandas scikit-learn pytest`);
    expect(local).toContain('--python PATH');
    expect(missingModulesMessage(check!, false)).toMatch(/rebuild it \(mle-beast sandbox build\)/);
    const good = parseImportCheck((await execa(SYSTEM, ['-c', IMPORT_CHECK_SCRIPT])).stdout);
    expect(good).toMatchObject({ errors: {}, pytest: expect.stringMatching(/^\d+\./) });
  });

  it('an interpreter that does not run is a clear error', async () => {
    const chosen = await choosePython(path.join(temp.dir, 'nope', 'python'), process.env);
    expect(chosen.ok).toBe(false);
    if (!chosen.ok) {
      expect(chosen.error.code).toBe('python_unavailable');
      expect(chosen.error.message).toMatch(/--python PATH/);
    }
  });
});
