import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import shipped from './policy.json';

// The policy is the shipped policy.json (the original tool's format and rules, plus a few) with the
// user's ~/.mle-beast/policy.json merged on top. Merging is a union: a user file can add tokens,
// patterns and allowed paths but cannot remove a shipped rule, so a stray or tampered user file can
// only make the policy stricter (or fail to load, loudly). A file that does not validate is an error
// naming the file and the field; it never degrades to an open policy.

/** A blocked pattern: the source as written (it names the rule in safety.log) and its compiled form. */
export interface BlockedPattern {
  readonly source: string;
  readonly regex: RegExp;
}

export interface Policy {
  /** Command names, lower case. */
  readonly blockedTokens: readonly string[];
  readonly blockedPatterns: readonly BlockedPattern[];
  /** Writable places outside the workspace, as written (`~` means the home directory). */
  readonly allowPathsOutsideWorkspace: readonly string[];
  /** The files merged, shipped first. */
  readonly sources: readonly string[];
  /** Files no command may write: the user's policy file, so the agent cannot edit its own rules. */
  readonly protectedPaths: readonly string[];
}

export class PolicyFileError extends Error {
  constructor(
    /** The file, as shown to the user (`~/...` for files under the home directory). */
    readonly file: string,
    /** The field, e.g. `blocked_patterns[2]`; null when the whole file is at fault. */
    readonly field: string | null,
    problem: string,
  ) {
    super(`${file}: ${field ? `${field}: ` : ''}${problem}`);
    this.name = 'PolicyFileError';
  }
}

export const SHIPPED_POLICY_NAME = 'policy/policy.json (shipped with mle-beast)';

const token = z
  .string()
  .trim()
  .min(1, 'a token cannot be empty')
  .regex(
    /^[^\s/]+$/,
    'a token is one command name, without spaces or slashes (use blocked_patterns for phrases)',
  );

const allowedPath = z
  .string()
  .trim()
  .min(1, 'a path cannot be empty')
  .refine((p) => path.isAbsolute(p) || p === '~' || p.startsWith('~/'), {
    message: 'a path must be absolute or start with ~/',
  })
  .refine((p) => path.resolve(p) !== '/', {
    message: 'allowing / would switch off path containment; list the directories you need',
  });

/** The file format. Every key is optional so a user file can hold only what it adds; unknown keys are errors. */
const policyFileSchema = z.strictObject({
  blocked_tokens: z.array(token).optional(),
  blocked_patterns: z.array(z.string().min(1, 'a pattern cannot be empty')).optional(),
  allow_paths_outside_workspace: z.array(allowedPath).optional(),
});

export type PolicyFile = z.infer<typeof policyFileSchema>;

export interface LoadPolicyOptions {
  /**
   * The user's policy file. Undefined: `<homeDir>/.mle-beast/policy.json`, used when it exists.
   * A string: that file, which must exist. Null: no user file.
   */
  userPolicyPath?: string | null;
  /** The home directory (for the default user file and for display). Defaults to os.homedir(). */
  homeDir?: string;
}

export function defaultUserPolicyPath(homeDir: string): string {
  return path.join(homeDir, '.mle-beast', 'policy.json');
}

/** Loads the shipped policy and merges the user's on top. Throws PolicyFileError. */
export function loadPolicy(options: LoadPolicyOptions = {}): Policy {
  const homeDir = options.homeDir ?? os.homedir();
  const layers = [validatePolicyFile(shipped, SHIPPED_POLICY_NAME)];
  const sources = [SHIPPED_POLICY_NAME];
  const protectedPaths: string[] = [];

  const explicit = options.userPolicyPath !== undefined;
  const userPath = explicit ? options.userPolicyPath : defaultUserPolicyPath(homeDir);
  if (userPath) {
    const absolute = path.resolve(userPath);
    const shown = displayPath(absolute, homeDir);
    protectedPaths.push(absolute);
    const text = readUserFile(absolute, shown, explicit);
    if (text !== null) {
      layers.push(validatePolicyFile(parseJson(text, shown), shown));
      sources.push(shown);
    }
  }
  return mergeLayers(layers, sources, protectedPaths);
}

function readUserFile(file: string, shown: string, mustExist: boolean): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && !mustExist) return null;
    const why =
      code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, not a file' : code;
    throw new PolicyFileError(shown, null, `cannot read the policy file (${why})`);
  }
}

function parseJson(text: string, shown: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new PolicyFileError(shown, null, `not valid JSON: ${(error as Error).message}`);
  }
}

/** Validates one file's content (already parsed JSON) and compiles its patterns. */
export function validatePolicyFile(data: unknown, shown: string): ValidLayer {
  const result = policyFileSchema.safeParse(data);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    const field = formatField(issue.path);
    let problem = issue.message;
    if (issue.code === 'unrecognized_keys') {
      problem = `unknown key ${issue.keys.map((k) => `"${k}"`).join(', ')} (the keys are blocked_tokens, blocked_patterns, allow_paths_outside_workspace)`;
    } else if (issue.code === 'invalid_type' && issue.path.length === 0) {
      problem = 'the file must hold a JSON object';
    }
    throw new PolicyFileError(shown, field, problem);
  }
  const file = result.data;
  const patterns = (file.blocked_patterns ?? []).map((source, i) => ({
    source,
    regex: compilePattern(source, shown, `blocked_patterns[${i}]`),
  }));
  return {
    tokens: (file.blocked_tokens ?? []).map((t) => t.toLowerCase()),
    patterns,
    paths: file.allow_paths_outside_workspace ?? [],
  };
}

interface ValidLayer {
  tokens: string[];
  patterns: BlockedPattern[];
  paths: string[];
}

function mergeLayers(layers: ValidLayer[], sources: string[], protectedPaths: string[]): Policy {
  const unique = <T>(items: T[], key: (t: T) => string) => [
    ...new Map(items.map((t) => [key(t), t])).values(),
  ];
  return {
    blockedTokens: unique(
      layers.flatMap((l) => l.tokens),
      (t) => t,
    ),
    blockedPatterns: unique(
      layers.flatMap((l) => l.patterns),
      (p) => p.source,
    ),
    allowPathsOutsideWorkspace: unique(
      layers.flatMap((l) => l.paths),
      (p) => p,
    ),
    sources,
    protectedPaths,
  };
}

/**
 * Compiles a pattern the way the original matched it (case-insensitive search). The original's
 * patterns were Python regular expressions: the few Python-only spellings are translated (named
 * groups, \A and \Z), anything else JavaScript rejects is an error naming the field.
 */
function compilePattern(source: string, shown: string, field: string): RegExp {
  try {
    return new RegExp(fromPythonRegex(source), 'i');
  } catch (error) {
    const detail = (error as Error).message.replace(/^Invalid regular expression: /, '');
    throw new PolicyFileError(
      shown,
      field,
      `invalid regular expression: ${detail} (patterns are JavaScript regular expressions, matched case-insensitively)`,
    );
  }
}

function fromPythonRegex(source: string): string {
  let out = '';
  for (let i = 0; i < source.length; i++) {
    const c = source[i]!;
    if (c === '\\' && i + 1 < source.length) {
      const next = source[i + 1]!;
      out += next === 'A' ? '^' : next === 'Z' ? '$' : c + next;
      i++;
    } else if (source.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (source.startsWith('(?P=', i)) {
      const end = source.indexOf(')', i);
      if (end < 0) return source;
      out += `\\k<${source.slice(i + 4, end)}>`;
      i = end;
    } else out += c;
  }
  return out;
}

function formatField(pathParts: readonly PropertyKey[]): string | null {
  let out = '';
  for (const part of pathParts)
    out += typeof part === 'number' ? `[${part}]` : out ? `.${String(part)}` : String(part);
  return out || null;
}

/** `~/...` for paths under the home directory, the path otherwise. */
export function displayPath(file: string, homeDir: string): string {
  const rel = path.relative(homeDir, file);
  return rel && !rel.startsWith('..') && !path.isAbsolute(rel) ? `~/${rel}` : file;
}
