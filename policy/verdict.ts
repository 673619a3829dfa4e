/** The answer to "may this run?". `rule` names what blocked it, as logged in safety.log. */
export interface PolicyVerdict {
  allowed: boolean;
  kind: 'shell' | 'python_file';
  /** `token:sudo`, `pattern:<source>`, `path-containment`, `parse-error`, ...; null when allowed. */
  rule: string | null;
  /** What is wrong and how to proceed, for the agent; null when allowed. */
  reason: string | null;
}

/** A reason to block, before it becomes a verdict. */
export interface Violation {
  rule: string;
  reason: string;
}

export function allowedVerdict(kind: PolicyVerdict['kind']): PolicyVerdict {
  return { allowed: true, kind, rule: null, reason: null };
}

export function blockedVerdict(kind: PolicyVerdict['kind'], violation: Violation): PolicyVerdict {
  return { allowed: false, kind, rule: violation.rule, reason: violation.reason };
}

/** The text the agent gets back instead of the command's output. */
export function blockMessage(verdict: PolicyVerdict): string {
  return `ERROR: blocked by safety policy: ${verdict.reason ?? verdict.rule ?? 'blocked'}`;
}
