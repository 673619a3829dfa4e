import type { ReactNode } from 'react';
import type { SettingKey } from '../../../../engine/api';
import { useAppStore } from '../../state/app-store';
import { toRaw } from './fields';
import { useFieldRaw, useSettingsView } from './store';

export type Options = readonly (readonly [string, string])[];

interface Props {
  name: SettingKey;
  label: string;
  /** Said under the field when it has no error. */
  hint?: ReactNode;
  /** A select with these choices; otherwise a text input (or a checkbox for a yes/no setting). */
  options?: Options;
  placeholder?: string;
  /** Unit after the input (s, min, USD). */
  unit?: string;
  inputMode?: 'numeric' | 'decimal' | 'url' | 'text';
}

/**
 * One setting: its label, its input, and one line under it that is either the hint or the engine's message
 * for the value (referenced by aria-describedby, so a screen reader reads it with the field).
 */
export function SettingField({ name, label, hint, options, placeholder, unit, inputMode }: Props) {
  const saved = useAppStore((s) => (s.settings ? toRaw(name, s.settings[name]) : ''));
  const raw = useFieldRaw(name, saved);
  const error = useSettingsView((s) => s.fieldErrors[name]);
  const edit = useSettingsView((s) => s.edit);
  const messageId = `${name}-msg`;
  const common = {
    id: name,
    'aria-invalid': error !== undefined,
    'aria-describedby': messageId,
  };

  let input: ReactNode;
  if (typeof raw === 'boolean') {
    input = (
      <input {...common} type="checkbox" checked={raw} onChange={(e) => edit(name, e.target.checked)} />
    );
  } else if (options) {
    input = (
      <select {...common} value={raw} onChange={(e) => edit(name, e.target.value)}>
        {options.map(([value, text]) => (
          <option key={value} value={value}>
            {text}
          </option>
        ))}
      </select>
    );
  } else {
    input = (
      <input
        {...common}
        inputMode={inputMode}
        placeholder={placeholder}
        value={raw}
        onChange={(e) => edit(name, e.target.value)}
      />
    );
  }
  return (
    <>
      <label htmlFor={name}>{label}</label>
      <div>
        <div className={unit ? 'with-unit' : undefined}>
          {input}
          {unit && <span className="hint">{unit}</span>}
        </div>
        <p id={messageId} className={error ? 'field-error' : 'hint'} role={error ? 'alert' : undefined}>
          {error ?? hint}
        </p>
      </div>
    </>
  );
}
