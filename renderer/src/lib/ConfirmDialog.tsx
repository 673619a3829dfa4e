import { useEffect, useRef } from 'react';

/**
 * A modal confirmation on the native <dialog>: focus moves into it and stays there, Escape cancels, and focus
 * returns to what opened it. The safe choice (Keep) has the focus first.
 */
export function ConfirmDialog(props: {
  open: boolean;
  title: string;
  children: React.ReactNode;
  confirmLabel: string;
  busy?: boolean;
  error?: string | null;
  onConfirm(): void;
  onCancel(): void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const dialog = ref.current!;
    if (props.open && !dialog.open) dialog.showModal();
    if (!props.open && dialog.open) dialog.close();
  }, [props.open]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        props.onCancel();
      }}
    >
      {props.open && (
        <>
          <h2 id="confirm-title">{props.title}</h2>
          <div className="dialog-body">{props.children}</div>
          {props.error && (
            <p className="field-error" role="alert">
              {props.error}
            </p>
          )}
          <div className="dialog-actions">
            <button type="button" className="secondary" autoFocus onClick={props.onCancel}>
              Keep
            </button>
            <button type="button" className="danger" disabled={props.busy} onClick={props.onConfirm}>
              {props.busy ? 'Working…' : props.confirmLabel}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
