import type { z } from 'zod';
import { closeMatches, didYouMean } from './suggest';
import type { PathSegment } from './yaml-source';

/** A problem with one field, before it is given a place (a line and column, or a flag). */
export interface FieldIssue {
  path: PathSegment[];
  message: string;
  /** Point at the field's key (unknown or missing keys) or at its value (wrong values). */
  at: 'key' | 'value';
}

/**
 * zod issues in words a person acts on: `expected a number, got "high"`, `unknown key. Did you mean
 * "target_metric"?`. One issue per unknown key, so each gets its own line and column.
 */
export function describeZodIssues(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): FieldIssue[] {
  const out: FieldIssue[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
    const input = (issue as { input?: unknown }).input;
    switch (issue.code) {
      case 'unrecognized_keys':
        for (const key of issue.keys) out.push(unknownKey(schema, path, key));
        break;
      case 'invalid_type':
        if (input === undefined) out.push({ path, message: 'missing: this field is required', at: 'key' });
        else if (input === null)
          out.push({ path, message: `has no value: expected ${typeName(issue.expected)}`, at: 'key' });
        else
          out.push({
            path,
            message: `expected ${typeName(issue.expected)}, got ${valueText(input)}${typeHint(issue.expected, input)}`,
            at: 'value',
          });
        break;
      case 'invalid_value': {
        const values = issue.values.map((v) => String(v));
        const suggestion = typeof input === 'string' ? didYouMean(input, values) : '';
        const base = `expected one of ${values.map((v) => JSON.stringify(v)).join(', ')}, got ${valueText(input)}`;
        out.push({ path, message: suggestion ? `${base}.${suggestion}` : base, at: 'value' });
        break;
      }
      case 'too_small':
        if (issue.origin === 'string') out.push({ path, message: 'is empty', at: 'value' });
        else
          out.push({
            path,
            message: `must be ${issue.inclusive ? 'at least' : 'more than'} ${String(issue.minimum)}, got ${valueText(input)}`,
            at: 'value',
          });
        break;
      case 'too_big':
        out.push({
          path,
          message: `must be ${issue.inclusive ? 'at most' : 'less than'} ${String(issue.maximum)}, got ${valueText(input)}`,
          at: 'value',
        });
        break;
      case 'invalid_union':
        out.push({ path, message: `expected text or a number, got ${valueText(input)}`, at: 'value' });
        break;
      default:
        out.push({ path, message: issue.message, at: 'value' });
    }
  }
  return out;
}

function unknownKey(schema: z.ZodType, path: PathSegment[], key: string): FieldIssue {
  const known = keysAt(schema, path);
  const close = closeMatches(key, known, 2);
  let hint = '';
  if (close.length > 0) hint = ` Did you mean ${close.map((k) => JSON.stringify(k)).join(' or ')}?`;
  else {
    // Right name, wrong place: `target_value` directly under `goals`.
    const elsewhere = allKeyPaths(schema).filter((p) => p.split('.').pop() === key);
    if (elsewhere.length > 0) hint = ` It belongs at ${elsewhere.join(' or ')}.`;
    else if (known.length > 0) hint = ` Known keys here: ${known.join(', ')}.`;
  }
  return { path: [...path, key], message: `unknown key.${hint}`, at: 'key' };
}

/** The keys an object schema accepts at `path` (through optional / nullable / default wrappers). */
export function keysAt(schema: z.ZodType, path: readonly PathSegment[]): string[] {
  let node: unknown = unwrap(schema);
  for (const segment of path) {
    const shape = shapeOf(node);
    if (!shape) return [];
    node = unwrap(shape[String(segment)]);
  }
  const shape = shapeOf(node);
  return shape ? Object.keys(shape) : [];
}

function allKeyPaths(schema: z.ZodType, prefix = ''): string[] {
  const shape = shapeOf(unwrap(schema));
  if (!shape) return [];
  return Object.entries(shape).flatMap(([key, child]) => {
    const here = prefix ? `${prefix}.${key}` : key;
    return [here, ...allKeyPaths(child as z.ZodType, here)];
  });
}

function unwrap(node: unknown): unknown {
  let current = node as { def?: { type?: string; innerType?: unknown; in?: unknown } } | undefined;
  for (let i = 0; i < 10 && current?.def; i += 1) {
    const { type } = current.def;
    if (type === 'optional' || type === 'nullable' || type === 'default')
      current = current.def.innerType as typeof current;
    else if (type === 'pipe') current = current.def.in as typeof current;
    else break;
  }
  return current;
}

function shapeOf(node: unknown): Record<string, unknown> | null {
  const def = (node as { def?: { type?: string } } | undefined)?.def;
  if (def?.type !== 'object') return null;
  return (node as { shape: Record<string, unknown> }).shape;
}

function typeName(expected: string): string {
  switch (expected) {
    case 'number':
      return 'a number';
    case 'int':
      return 'a whole number';
    case 'string':
      return 'text';
    case 'boolean':
      return 'true or false';
    case 'object':
      return 'a mapping (key: value lines)';
    case 'array':
      return 'a list';
    default:
      return expected;
  }
}

export function valueText(value: unknown): string {
  if (Array.isArray(value)) return 'a list';
  if (value instanceof Uint8Array) return 'binary data';
  if (value !== null && typeof value === 'object') return 'a mapping';
  if (typeof value === 'string')
    return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

function typeHint(expected: string, input: unknown): string {
  if (
    (expected === 'number' || expected === 'int') &&
    typeof input === 'string' &&
    input.trim() !== '' &&
    Number.isFinite(Number(input.trim().replace(/%$/, '')))
  ) {
    return input.trim().endsWith('%')
      ? ' (write a plain number, e.g. 0.85 for 85%)'
      : ' (a quoted number is text: remove the quotes)';
  }
  if (expected === 'boolean' && typeof input === 'string') return ' (write true or false)';
  if (expected === 'boolean' && typeof input === 'number') return ' (write true or false)';
  return '';
}
