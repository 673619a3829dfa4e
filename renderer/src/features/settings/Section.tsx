import type { ReactNode } from 'react';

/** One titled card of the Settings view; its id is the target of the view's section links. */
export function Section(props: { id: string; title: string; intro?: ReactNode; children: ReactNode }) {
  return (
    <section className="card settings-section" id={props.id} aria-labelledby={`${props.id}-title`}>
      <h2 id={`${props.id}-title`}>{props.title}</h2>
      {props.intro && <p className="hint section-intro">{props.intro}</p>}
      {props.children}
    </section>
  );
}

/** A read from the engine that is loading or failed: says so, with the way on. */
export function RemoteState(props: {
  what: string;
  status: 'idle' | 'loading' | 'ready' | 'error';
  error: string | null;
  retry(): void;
}) {
  if (props.status === 'error') {
    return (
      <div className="inline-error" role="alert">
        <p>
          Could not read {props.what}: {props.error}
        </p>
        <button type="button" className="secondary small" onClick={props.retry}>
          Try again
        </button>
      </div>
    );
  }
  if (props.status === 'ready') return null;
  return (
    <p className="hint" aria-busy="true">
      Reading {props.what}…
    </p>
  );
}
