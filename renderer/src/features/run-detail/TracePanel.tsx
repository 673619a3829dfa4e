import { useEffect } from 'react';
import type { TraceCall } from '../../../../engine/api';
import { fmtCost, fmtCount, fmtDate, fmtDuration } from '../../lib/format';
import { useDetailsStore } from './details-store';
import { JsonTree } from './JsonTree';
import { STAGE_LABEL } from './stage-labels';

/** Tool calls the assistant asked for, from its stored reply (OpenAI chat format). */
function toolCallsOf(response: unknown): { name: string; args: unknown }[] {
  const calls = (response as { tool_calls?: { function?: { name?: string; arguments?: string } }[] } | null)
    ?.tool_calls;
  if (!Array.isArray(calls)) return [];
  return calls.map((c) => {
    let args: unknown = c.function?.arguments ?? null;
    try {
      args = JSON.parse(String(args));
    } catch {
      // Shown as the model sent it: an invalid call is part of the story.
    }
    return { name: c.function?.name ?? '?', args };
  });
}

/** Every model call of the run, oldest first, a page at a time; each expands to its messages and tool calls. */
export function TracePanel({ runId, llmCalls }: { runId: string; llmCalls: number }) {
  const trace = useDetailsStore((s) => s.trace);
  const loadTrace = useDetailsStore((s) => s.loadTrace);
  useEffect(() => {
    if (trace.status === 'idle') void loadTrace();
  }, [runId, trace.status, loadTrace]);

  if (trace.status === 'error' && !trace.data) {
    return (
      <div className="card error" role="alert">
        <p>The model calls could not be read: {trace.error}</p>
        <button type="button" onClick={() => void loadTrace()}>
          Try again
        </button>
      </div>
    );
  }
  if (!trace.data) {
    return (
      <p className="hint" role="status">
        Reading the model calls…
      </p>
    );
  }
  const { calls, total } = trace.data;
  if (total === 0) {
    return <p className="hint">No model call yet: the first comes with the data analysis stage.</p>;
  }
  return (
    <div>
      <div className="chart-toolbar">
        <span className="hint small" role="status">
          {calls.length} of {total} call{total === 1 ? '' : 's'}
          {llmCalls > total ? ` (${llmCalls - total} more since: refresh)` : ''}
        </span>
        <button
          type="button"
          className="secondary small"
          onClick={() => void loadTrace()}
          disabled={trace.status === 'loading'}
        >
          Refresh
        </button>
      </div>
      <ol className="trace" aria-label="Model calls">
        {calls.map((c) => (
          <TraceRow key={c.id} call={c} />
        ))}
      </ol>
      {calls.length < total && (
        <button
          type="button"
          className="secondary"
          onClick={() => void loadTrace(true)}
          disabled={trace.status === 'loading'}
        >
          {trace.status === 'loading' ? 'Loading…' : `Load ${Math.min(50, total - calls.length)} more`}
        </button>
      )}
      {trace.error && (
        <p className="field-error" role="alert">
          {trace.error}
        </p>
      )}
    </div>
  );
}

function TraceRow({ call }: { call: TraceCall }) {
  const tools = toolCallsOf(call.response);
  const content = (call.response as { content?: unknown } | null)?.content;
  return (
    <li className={`trace-call${call.ok ? '' : ' failed'}`} data-testid="trace-call">
      <details>
        <summary>
          <span className="trace-stage">{STAGE_LABEL[call.stage]}</span>
          <span className="hint small">step {call.step}</span>
          <span className="trace-model">{call.model}</span>
          <span className="num">
            {fmtCount(call.promptTokens)} in · {fmtCount(call.completionTokens)} out
          </span>
          <span className="num">{call.costUsd === null ? 'cost unknown' : fmtCost(call.costUsd)}</span>
          <span className="num">{fmtDuration(call.durationMs)}</span>
          {tools.length > 0 && <span className="trace-tools">→ {tools.map((t) => t.name).join(', ')}</span>}
          {!call.ok && <span className="danger-text">failed</span>}
        </summary>
        <div className="trace-body">
          <p className="hint small">
            {fmtDate(call.at)}
            {call.attempts > 1 ? ` · ${call.attempts} attempts` : ''}
            {call.error ? ` · ${call.error}` : ''}
          </p>
          {tools.length > 0 && (
            <div>
              <h4>Tool calls</h4>
              {tools.map((t, i) => (
                <JsonTree key={i} label={t.name} value={t.args} open />
              ))}
            </div>
          )}
          {typeof content === 'string' && content.trim() && (
            <div>
              <h4>Reply</h4>
              <pre className="json-text">{content}</pre>
            </div>
          )}
          <h4>Messages sent ({call.messages.length})</h4>
          {call.messages.map((m, i) => {
            const role = (m as { role?: string }).role ?? 'message';
            return <JsonTree key={i} label={`${i + 1}. ${role}`} value={m} />;
          })}
        </div>
      </details>
    </li>
  );
}
