import { z } from 'zod';

/** Why a command failed. Hosts map these to transport codes (HTTP status, IPC result). */
export const ApiErrorCode = z.enum([
  'invalid_input',
  'invalid_output',
  'unknown_command',
  'forbidden',
  'unauthorized',
  'not_found',
  'conflict',
  'unavailable',
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiIssue = z.object({ path: z.string(), message: z.string() });
export type ApiIssue = z.infer<typeof ApiIssue>;

export const ApiError = z.object({
  code: ApiErrorCode,
  message: z.string(),
  issues: z.array(ApiIssue).optional(),
});
export type ApiError = z.infer<typeof ApiError>;

/** An error an engine handler throws on purpose; its message is meant for the user. */
export class EngineError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: ApiIssue[],
  ) {
    super(message);
    this.name = 'EngineError';
  }
}

const withArticle = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

function valueText(value: unknown): string {
  const text = JSON.stringify(value);
  if (text === undefined) return value === undefined ? 'nothing' : String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/**
 * Renders zod issues as `path: message` a person can act on. Parse with `{ reportInput: true }` so a type
 * error can say what it got: `defaultMaxSteps: expected a number, got "high"`.
 */
export function describeIssues(error: z.ZodError): ApiIssue[] {
  return error.issues.map((issue) => {
    let message = issue.message;
    if (issue.code === 'invalid_type' && 'input' in issue) {
      message = `expected ${withArticle(issue.expected)}, got ${valueText(issue.input)}`;
    }
    return { path: issue.path.length > 0 ? issue.path.map(String).join('.') : '(input)', message };
  });
}

export function issuesToText(issues: ApiIssue[]): string {
  return issues.map((i) => `${i.path}: ${i.message}`).join('; ');
}
