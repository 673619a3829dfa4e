import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { failWith, messageOf, succeed, type SandboxResult } from './errors';

/**
 * Finding the Python the local sandbox runs, and checking that a sandbox's Python has what the workspace
 * contract needs. A version manager's shim first on PATH (pyenv) often lacks the packages the system's
 * python3 has (apt's python3-pandas): when no interpreter is named, the first candidate that has them wins.
 */

/** The modules the workspace contract needs (import name, and the package that provides it). */
export const WORKSPACE_MODULES = [
  { module: 'numpy', package: 'numpy' },
  { module: 'pandas', package: 'pandas' },
  { module: 'sklearn', package: 'scikit-learn' },
  { module: 'pytest', package: 'pytest' },
] as const;

export interface PythonInfo {
  /** sys.executable: the real interpreter (a shim resolves to what it runs). */
  executable: string;
  /** sys.prefix when it is a virtual environment. */
  venv: string | null;
  /** The folders the interpreter needs (its prefixes), for the OS sandbox to bind read-only. */
  roots: string[];
  version: string;
  /** Workspace modules this interpreter cannot find (by a quick look-up, no import). */
  missing: string[];
  /** How it was chosen, for the run's log: other candidates that lacked modules. */
  notes: string[];
}

const PROBE = [
  'import sys, json, importlib.util',
  `names = ${JSON.stringify(WORKSPACE_MODULES.map((m) => m.module))}`,
  'missing = [n for n in names if importlib.util.find_spec(n) is None]',
  'print(json.dumps({"executable": sys.executable, "prefix": sys.prefix, "base": sys.base_prefix,',
  '  "exec_prefix": sys.exec_prefix, "version": sys.version.split()[0], "missing": missing}))',
].join('\n');

/** Looks at one interpreter on this machine (without the user site, which the OS sandbox's HOME hides). */
export async function inspectPython(
  python: string,
  env: NodeJS.ProcessEnv,
): Promise<SandboxResult<Omit<PythonInfo, 'notes'>>> {
  try {
    const result = await execa(python, ['-s', '-c', PROBE], {
      env,
      extendEnv: false,
      timeout: 20_000,
      reject: false,
    });
    if (result.exitCode !== 0 || result.failed) {
      const why = String(result.stderr || result.shortMessage || '')
        .trim()
        .split('\n')
        .pop();
      return failWith(
        'python_unavailable',
        `the Python interpreter ${python} does not run (${why}). Give the path of a working python with ` +
          "--python PATH (a virtual environment's bin/python, or /usr/bin/python3).",
      );
    }
    const info = JSON.parse(String(result.stdout).trim().split('\n').pop() ?? '{}') as {
      executable: string;
      prefix: string;
      base: string;
      exec_prefix: string;
      version: string;
      missing: string[];
    };
    const roots = [info.prefix, info.base, info.exec_prefix, path.dirname(info.executable)].filter(Boolean);
    // The executable may be a link into another folder (a venv's python -> /usr/bin/python3.11).
    try {
      roots.push(path.dirname(fs.realpathSync(info.executable)));
    } catch {
      // it ran, so it exists; a race is harmless here
    }
    return succeed({
      executable: info.executable || python,
      venv: info.prefix !== info.base ? info.prefix : null,
      roots: [...new Set(roots)],
      version: info.version,
      missing: info.missing,
    });
  } catch (error) {
    return failWith('python_unavailable', `cannot run ${python}: ${messageOf(error)}`, error);
  }
}

/** Where to look when no interpreter is named: python3 on PATH first, then the system's. */
export const PYTHON_CANDIDATES = ['python3', '/usr/bin/python3', '/usr/local/bin/python3'] as const;

/**
 * The interpreter to use: the one named (as is: the setup stage reports what it lacks), or the first
 * candidate that has every workspace module, else the first that runs.
 */
export async function choosePython(
  named: string | undefined,
  env: NodeJS.ProcessEnv,
  candidates: readonly string[] = PYTHON_CANDIDATES,
): Promise<SandboxResult<PythonInfo>> {
  if (named) {
    const info = await inspectPython(named, env);
    return info.ok ? succeed({ ...info.value, notes: [] }) : info;
  }
  const seen = new Set<string>();
  const lacking: { name: string; info: Omit<PythonInfo, 'notes'> }[] = [];
  let firstError: SandboxResult<PythonInfo> | null = null;
  for (const name of candidates) {
    if (name.startsWith('/') && !fs.existsSync(name)) continue;
    const info = await inspectPython(name, env);
    if (!info.ok) {
      firstError ??= info;
      continue;
    }
    if (seen.has(info.value.executable)) continue;
    seen.add(info.value.executable);
    if (info.value.missing.length === 0) {
      const notes = lacking.map(
        (l) =>
          `${l.name} (${l.info.executable}) lacks ${l.info.missing.join(', ')}; using ${info.value.executable}`,
      );
      return succeed({ ...info.value, notes });
    }
    lacking.push({ name, info: info.value });
  }
  if (lacking.length > 0) return succeed({ ...lacking[0]!.info, notes: [] });
  return (
    firstError ?? failWith('python_unavailable', 'no python3 found: install Python 3 or give --python PATH')
  );
}

/** The setup stage's check, run inside the sandbox: imports each module for real and prints what failed. */
export const IMPORT_CHECK_SCRIPT = [
  'import sys, json, importlib',
  `names = ${JSON.stringify(WORKSPACE_MODULES.map((m) => m.module))}`,
  'errors = {}',
  'versions = {}',
  'for n in names:',
  '    try:',
  '        versions[n] = str(getattr(importlib.import_module(n), "__version__", "?"))',
  '    except BaseException as e:',
  '        errors[n] = type(e).__name__ + ": " + str(e)',
  'pytest = sys.modules.get("pytest")',
  'print(json.dumps({"executable": sys.executable, "version": sys.version.split()[0], "errors": errors, "versions": versions,',
  '  "pytest": getattr(pytest, "__version__", "?") if pytest else None}))',
].join('\n');

export interface ImportCheck {
  executable: string;
  version: string;
  /** pytest's version; null when it did not import. */
  pytest: string | null;
  /** Module -> its `__version__` (for the setup stage's line and the report), for those that imported. */
  versions?: Record<string, string>;
  /** Module -> the error its import raised (`ModuleNotFoundError: No module named 'pandas'`). */
  errors: Record<string, string>;
}

export function parseImportCheck(stdout: string): ImportCheck | null {
  try {
    const value = JSON.parse(stdout.trim().split('\n').pop() ?? '') as ImportCheck;
    return typeof value.executable === 'string' && typeof value.errors === 'object' ? value : null;
  } catch {
    return null;
  }
}

/**
 * What the setup stage says when the sandbox's Python lacks modules: the interpreter, the modules with their
 * real import errors, and how to fix it for this kind of sandbox.
 */
export function missingModulesMessage(
  check: ImportCheck,
  local: boolean,
  notes: readonly string[] = [],
): string {
  const names = Object.keys(check.errors);
  const packages = names.map((n) => WORKSPACE_MODULES.find((m) => m.module === n)?.package ?? n);
  const errors = names.map((n) => check.errors[n]).join('; ');
  const fix = local
    ? `Install them into that interpreter (${check.executable} -m pip install ${packages.join(' ')}, or your ` +
      `system's packages, e.g. apt-get install ${packages.map((p) => `python3-${p === 'scikit-learn' ? 'sklearn' : p}`).join(' ')}), ` +
      'or choose an interpreter that has them with --python PATH (project.yaml: sandbox.python).'
    : 'The sandbox image lacks them: rebuild it (mle-beast sandbox build).';
  return (
    `the sandbox's Python ${check.executable} (${check.version}) cannot import ${packages.join(', ')}, which the ` +
    `workspace contract needs (${errors}). ${fix}${notes.length ? ` (${notes.join('; ')})` : ''}`
  );
}
