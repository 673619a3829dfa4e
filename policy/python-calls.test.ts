import { describe, expect, it } from 'vitest';
import { PYTHON_VALUE, findPythonCalls } from './python-calls';

const one = (source: string) => {
  const calls = findPythonCalls(source);
  expect(calls).toHaveLength(1);
  return calls[0]!;
};

describe('findPythonCalls', () => {
  it('reads a shell string given to os.system, with its line', () => {
    expect(one('import os\n\nos.system("rm -rf build")\n')).toMatchObject({
      line: 3,
      callee: 'os.system',
      shell: 'rm -rf build',
    });
  });

  it('reads an argument list given to subprocess, through import aliases', () => {
    expect(one('import subprocess as sp\nsp.run(["sudo", "ls", x])').argv).toEqual(['sudo', 'ls', null]);
    expect(one('from subprocess import check_call as cc\ncc(("rm", "-rf", "/"))').argv).toEqual([
      'rm',
      '-rf',
      '/',
    ]);
    expect(one('from subprocess import (\n  Popen,\n)\nPopen(["ls"])').callee).toBe('subprocess.Popen');
  });

  it('marks run-time parts of strings as unknown values', () => {
    expect(one('import os\nos.system(f"rm -rf {path}/x")').shell).toBe(`rm -rf ${PYTHON_VALUE}/x`);
    expect(one('import os\nos.system("sudo " + cmd)').shell).toBe(`sudo ${PYTHON_VALUE}`);
  });

  it('decodes escapes and concatenated literals', () => {
    expect(one("import os\nos.system('\\x73udo' ' ls')").shell).toBe('sudo ls');
    expect(one("import os\nos.system(r'echo \\x73')").shell).toBe('echo \\x73');
  });

  it('finds calls on expressions and the exec and spawn families', () => {
    expect(one('__import__("os").system("sudo ls")')).toMatchObject({
      callee: 'os.system',
      shell: 'sudo ls',
    });
    expect(one('import os\nos.execvp("sudo", ["sudo", "ls"])').argv).toEqual(['sudo', 'ls']);
    expect(one('import os\nos.spawnlp(os.P_WAIT, "sudo", "sudo", "ls")').argv).toEqual(['sudo', 'ls']);
    expect(one('import asyncio\nasyncio.create_subprocess_exec("rm", "-rf", "/")').argv).toEqual([
      'rm',
      '-rf',
      '/',
    ]);
  });

  it('keeps other literals of an argument (shlex.split) and literal paths of deletions', () => {
    expect(one('import shlex, subprocess\nsubprocess.run(shlex.split("sudo ls"))').loose).toEqual([
      'sudo ls',
    ]);
    expect(one('import shutil\nshutil.rmtree("/etc")').removes).toEqual(['/etc']);
  });

  it('ignores comments, strings that look like calls, and unrelated functions', () => {
    expect(
      findPythonCalls('# os.system("sudo ls")\nx = "os.system(\'sudo\')"\nmodel.run("train")\n'),
    ).toEqual([]);
  });
});
