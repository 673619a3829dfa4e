import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import shipped from './policy.json';
import { PolicyFileError, defaultUserPolicyPath, displayPath, validatePolicyFile } from './load-policy';

/**
 * The user's policy file as a settings page sees it: the rules it adds, read and replaced as a whole. Writing
 * goes through the same validation as loading, every rule checked (one problem per field, not just the first),
 * and nothing is written when any rule is wrong, so a saved file always loads.
 */

export interface PolicyRules {
  blockedTokens: string[];
  blockedPatterns: string[];
  allowPathsOutsideWorkspace: string[];
}

export interface UserPolicyInfo {
  shipped: PolicyRules;
  user: PolicyRules;
  effective: PolicyRules;
  userFile: { path: string; exists: boolean; error: string | null };
}

export interface RuleIssue {
  /** `blockedPatterns.2`: the field of PolicyRules and the index. */
  path: string;
  message: string;
}

const EMPTY: PolicyRules = { blockedTokens: [], blockedPatterns: [], allowPathsOutsideWorkspace: [] };

const FIELDS = {
  blocked_tokens: 'blockedTokens',
  blocked_patterns: 'blockedPatterns',
  allow_paths_outside_workspace: 'allowPathsOutsideWorkspace',
} as const;

function rulesOf(file: Record<string, unknown>): PolicyRules {
  const list = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  return {
    blockedTokens: list(file.blocked_tokens),
    blockedPatterns: list(file.blocked_patterns),
    allowPathsOutsideWorkspace: list(file.allow_paths_outside_workspace),
  };
}

function fileOf(rules: PolicyRules): Record<keyof typeof FIELDS, string[]> {
  return {
    blocked_tokens: rules.blockedTokens,
    blocked_patterns: rules.blockedPatterns,
    allow_paths_outside_workspace: rules.allowPathsOutsideWorkspace,
  };
}

const union = (a: string[], b: string[]) => [...new Set([...a, ...b])];

export function readUserPolicy(options: { homeDir?: string; userPolicyPath?: string } = {}): UserPolicyInfo {
  const homeDir = options.homeDir ?? os.homedir();
  const file = path.resolve(options.userPolicyPath ?? defaultUserPolicyPath(homeDir));
  const shippedRules = rulesOf(shipped as Record<string, unknown>);
  let user = EMPTY;
  let exists = false;
  let error: string | null = null;
  try {
    const text = fs.readFileSync(file, 'utf8');
    exists = true;
    const shown = displayPath(file, homeDir);
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (e) {
      throw new PolicyFileError(shown, null, `not valid JSON: ${(e as Error).message}`);
    }
    validatePolicyFile(data, shown);
    user = rulesOf(data as Record<string, unknown>);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') exists = false;
    else if (e instanceof PolicyFileError) error = e.message;
    else
      error = `${displayPath(file, homeDir)}: cannot read the policy file (${code ?? (e as Error).message})`;
  }
  // Tokens are matched in lower case; the effective list shows them as the checker uses them.
  const effective: PolicyRules = {
    blockedTokens: union(
      shippedRules.blockedTokens.map((t) => t.toLowerCase()),
      user.blockedTokens.map((t) => t.trim().toLowerCase()),
    ),
    blockedPatterns: union(shippedRules.blockedPatterns, user.blockedPatterns),
    allowPathsOutsideWorkspace: union(
      shippedRules.allowPathsOutsideWorkspace,
      user.allowPathsOutsideWorkspace,
    ),
  };
  return { shipped: shippedRules, user, effective, userFile: { path: file, exists, error } };
}

/** Every problem of a set of rules, by field and index; empty when the rules would load. */
export function checkPolicyRules(rules: PolicyRules): RuleIssue[] {
  const issues: RuleIssue[] = [];
  for (const [fileKey, field] of Object.entries(FIELDS) as [keyof typeof FIELDS, keyof PolicyRules][]) {
    rules[field].forEach((value, i) => {
      try {
        validatePolicyFile({ [fileKey]: [value] }, 'policy');
      } catch (e) {
        if (!(e instanceof PolicyFileError)) throw e;
        // The message names the file and the one-item field: keep only the problem.
        const problem = e.message.replace(/^policy: [a-z_]+\[0\]: /, '');
        issues.push({ path: `${field}.${i}`, message: problem });
      }
    });
  }
  return issues;
}

/**
 * Replaces the user's additions. Returns the issues (nothing written) or null (written, atomically: a temp file
 * renamed over the old one, so a crash never leaves half a policy).
 */
export function saveUserPolicy(
  rules: PolicyRules,
  options: { homeDir?: string; userPolicyPath?: string } = {},
): RuleIssue[] | null {
  const trimmed: PolicyRules = {
    blockedTokens: rules.blockedTokens.map((t) => t.trim()),
    blockedPatterns: rules.blockedPatterns,
    allowPathsOutsideWorkspace: rules.allowPathsOutsideWorkspace.map((p) => p.trim()),
  };
  const issues = checkPolicyRules(trimmed);
  if (issues.length > 0) return issues;
  const homeDir = options.homeDir ?? os.homedir();
  const file = path.resolve(options.userPolicyPath ?? defaultUserPolicyPath(homeDir));
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temp, `${JSON.stringify(fileOf(trimmed), null, 2)}\n`);
  fs.renameSync(temp, file);
  return null;
}
