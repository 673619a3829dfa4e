import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS, SettingsPatch, describeIssues } from '../../../../engine/api';
import { FIELD_KINDS, fieldErrorsOf, parseRaw, patchOf, toRaw } from './fields';

describe('settings fields', () => {
  it('knows every setting of the schema', () => {
    expect(Object.keys(FIELD_KINDS).sort()).toEqual(Object.keys(DEFAULT_SETTINGS).sort());
  });

  it('shows null as an empty field and numbers as text', () => {
    expect(toRaw('defaultMaxCostUsd', null)).toBe('');
    expect(toRaw('defaultMaxSteps', 30)).toBe('30');
    expect(toRaw('forceCpu', true)).toBe(true);
  });

  it('an empty cap is "no cap"; an empty step count is refused; text is not a number', () => {
    expect(parseRaw('defaultMaxCostUsd', ' ')).toEqual({ ok: true, value: null });
    expect(parseRaw('defaultMaxSteps', '')).toMatchObject({ ok: false });
    expect(parseRaw('defaultMaxSteps', 'ten')).toEqual({ ok: false, message: 'Enter a number, not "ten".' });
    expect(parseRaw('defaultMaxSteps', ' 12 ')).toEqual({ ok: true, value: 12 });
    expect(parseRaw('llmProvider', '')).toEqual({ ok: true, value: null });
    expect(parseRaw('llmModel', '  ')).toEqual({ ok: true, value: null });
  });

  it('leaves range checks to the engine: 0 steps is sent, for the engine to refuse', () => {
    expect(patchOf(DEFAULT_SETTINGS, { defaultMaxSteps: '0' })).toEqual({
      patch: { defaultMaxSteps: 0 },
      errors: {},
    });
  });

  it('sends only what changes', () => {
    const { patch } = patchOf(DEFAULT_SETTINGS, {
      defaultMaxSteps: '30',
      theme: 'dark',
      forceCpu: false,
      defaultMaxWallMinutes: '90',
    });
    expect(patch).toEqual({ theme: 'dark', defaultMaxWallMinutes: 90 });
  });

  it("puts the engine's own validation messages beside the fields they name", () => {
    const patch = { defaultMaxSteps: 0, shellTimeoutSeconds: 2, theme: 'dark' };
    // The contract's own schema, as the engine validates the command's input.
    const parsed = SettingsPatch.safeParse(patch);
    expect(parsed.success).toBe(false);
    if (parsed.success) return;
    const issues = describeIssues(parsed.error);
    const errors = fieldErrorsOf(issues, patch);
    expect(Object.keys(errors).sort()).toEqual(['defaultMaxSteps', 'shellTimeoutSeconds']);
    expect(errors.defaultMaxSteps).toMatch(/1/);
    expect(errors.shellTimeoutSeconds).toMatch(/5/);
  });
});
