/**
 * A collapsible JSON viewer built on <details>/<summary>: keyboard and screen-reader access come with the
 * elements (Enter/Space toggles, the open state is announced). Long strings (a message's content) show as
 * preformatted text, so the model's words keep their lines.
 */
export function JsonTree({ value, label, open = false }: { value: unknown; label: string; open?: boolean }) {
  return (
    <div className="json-tree">
      <Node name={label} value={value} open={open} />
    </div>
  );
}

const LONG = 80;

function Node({ name, value, open }: { name: string; value: unknown; open: boolean }) {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string' && (value.length > LONG || value.includes('\n'))) {
      return (
        <details className="json-node" open={open}>
          <summary>
            <span className="json-key">{name}</span>{' '}
            <span className="hint small">text, {value.length.toLocaleString('en-US')} chars</span>
          </summary>
          <pre className="json-text">{value}</pre>
        </details>
      );
    }
    return (
      <div className="json-leaf">
        <span className="json-key">{name}</span>:{' '}
        <span className={`json-${value === null ? 'null' : typeof value}`}>{JSON.stringify(value)}</span>
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return (
    <details className="json-node" open={open}>
      <summary>
        <span className="json-key">{name}</span>{' '}
        <span className="hint small">
          {Array.isArray(value) ? `[${entries.length}]` : `{${entries.length}}`}
        </span>
      </summary>
      <div className="json-children">
        {entries.map(([k, v]) => (
          <Node key={k} name={k} value={v} open={false} />
        ))}
      </div>
    </details>
  );
}
