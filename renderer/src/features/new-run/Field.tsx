import type { ReactNode } from 'react';
import type { FormField } from '../../../../engine/api';
import { useFieldIssues } from './store';

/** What an input needs to be tied to its label and its message. */
export interface FieldProps {
  id: string;
  'aria-describedby': string;
  'aria-invalid': boolean;
}

/**
 * One row of the form: the label, the input, and beneath it the engine's message for the field (or a hint),
 * tied to the input with aria-describedby so a screen reader reads it with the field.
 */
export function Field(props: {
  field: FormField;
  label: string;
  hint?: ReactNode;
  /** Shown with the engine's messages (e.g. why a dataset path cannot be read). */
  extraErrors?: string[];
  children(input: FieldProps): ReactNode;
}) {
  const issues = [...useFieldIssues(props.field), ...(props.extraErrors ?? [])];
  const id = `f-${props.field}`;
  const messageId = `${id}-msg`;
  return (
    <>
      <label htmlFor={id}>{props.label}</label>
      <div>
        {props.children({ id, 'aria-describedby': messageId, 'aria-invalid': issues.length > 0 })}
        <div id={messageId}>
          {issues.map((message) => (
            <p key={message} className="field-error" data-field-error={props.field}>
              {message}
            </p>
          ))}
          {props.hint && <div className="hint">{props.hint}</div>}
        </div>
      </div>
    </>
  );
}
