import type { SettingKey, Settings } from '../../../../engine/api';

/**
 * How each setting is edited: what the input holds (text for numbers, so a half-typed value is kept as typed)
 * and how that text becomes the value sent to `settings.update`. Ranges are not checked here: the engine's
 * schema is the one judge, and its message is shown beside the field.
 */
export type FieldKind =
  | { type: 'number'; nullable: boolean }
  | { type: 'text' }
  | { type: 'choice'; nullable: boolean }
  | { type: 'bool' };

export const FIELD_KINDS: Record<SettingKey, FieldKind> = {
  theme: { type: 'choice', nullable: false },
  defaultSandbox: { type: 'choice', nullable: false },
  defaultNetwork: { type: 'choice', nullable: false },
  defaultMaxSteps: { type: 'number', nullable: false },
  defaultMaxConsecutiveFailures: { type: 'number', nullable: false },
  defaultMaxCostUsd: { type: 'number', nullable: true },
  defaultMaxWallMinutes: { type: 'number', nullable: true },
  forceCpu: { type: 'bool' },
  shellTimeoutSeconds: { type: 'number', nullable: false },
  pythonTimeoutSeconds: { type: 'number', nullable: false },
  testTimeoutSeconds: { type: 'number', nullable: false },
  trainingTimeoutMinutes: { type: 'number', nullable: false },
  evaluateTimeoutMinutes: { type: 'number', nullable: false },
  llmProvider: { type: 'choice', nullable: true },
  llmModel: { type: 'text' },
  localBaseUrl: { type: 'text' },
  setupSkipped: { type: 'bool' },
  notifyTargetReached: { type: 'bool' },
  notifyFinished: { type: 'bool' },
  notifyFailed: { type: 'bool' },
  notifyInterrupted: { type: 'bool' },
};

/** What an input holds: text, or a checkbox's state. */
export type RawValue = string | boolean;

/** A saved value as its input shows it (null is an empty field). */
export function toRaw(key: SettingKey, value: Settings[SettingKey]): RawValue {
  if (FIELD_KINDS[key].type === 'bool') return value === true;
  return value === null ? '' : String(value);
}

export type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

/** The input's text as the value to send; only what cannot be a value of its type at all is refused here. */
export function parseRaw(key: SettingKey, raw: RawValue): Parsed {
  const kind = FIELD_KINDS[key];
  if (kind.type === 'bool') return { ok: true, value: raw === true };
  const text = String(raw).trim();
  if (kind.type === 'text') return { ok: true, value: text === '' ? null : text };
  if (kind.type === 'choice') {
    if (text === '') return kind.nullable ? { ok: true, value: null } : { ok: false, message: 'Choose one.' };
    return { ok: true, value: text };
  }
  if (text === '') {
    return kind.nullable
      ? { ok: true, value: null }
      : { ok: false, message: 'Enter a number: this setting cannot be empty.' };
  }
  const n = Number(text);
  if (!Number.isFinite(n)) return { ok: false, message: `Enter a number, not "${text}".` };
  return { ok: true, value: n };
}

/**
 * The patch the edits make against the saved settings (only fields whose value changes), or the fields whose
 * text is not a value at all.
 */
export function patchOf(
  settings: Settings,
  edits: Partial<Record<SettingKey, RawValue>>,
): { patch: Partial<Record<SettingKey, unknown>>; errors: Partial<Record<SettingKey, string>> } {
  const patch: Partial<Record<SettingKey, unknown>> = {};
  const errors: Partial<Record<SettingKey, string>> = {};
  for (const [key, raw] of Object.entries(edits) as [SettingKey, RawValue][]) {
    const parsed = parseRaw(key, raw);
    if (!parsed.ok) errors[key] = parsed.message;
    else if (parsed.value !== settings[key]) patch[key] = parsed.value;
  }
  return { patch, errors };
}

/**
 * The engine's validation issues (`defaultMaxSteps: Too small...`) as messages beside the fields they name.
 * Issues of fields not in the patch, or of the input as a whole, are left for the form-level message.
 */
export function fieldErrorsOf(
  issues: readonly { path: string; message: string }[],
  patch: Partial<Record<SettingKey, unknown>>,
): Partial<Record<SettingKey, string>> {
  const errors: Partial<Record<SettingKey, string>> = {};
  for (const issue of issues) {
    const key = issue.path.split('.')[0] as SettingKey;
    if (Object.hasOwn(patch, key))
      errors[key] = errors[key] ? `${errors[key]}; ${issue.message}` : issue.message;
  }
  return errors;
}
