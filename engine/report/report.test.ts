import { describe, expect, it } from 'vitest';
import { esc, safeHttpUrl } from './escape';
import { renderReportMarkdown } from './markdown';
import { experimentTree, trajectoryChart } from './charts';
import { renderReport, REPORT_CSP } from './html';
import { syntheticReportData } from './testing/synthetic';

// The report is a pure function of its data: these render made-up runs and read the HTML back.

const HOSTILE = '<script>alert(1)</script><img src=x onerror=alert(2)>';

describe('escaping', () => {
  it('escapes the characters that open tags or close attributes', () => {
    expect(esc(`<a href="x" title='y'>&`)).toBe('&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;');
    expect(esc(null)).toBe('');
  });

  it('keeps http(s) URLs and refuses every other scheme', () => {
    expect(safeHttpUrl('https://scikit-learn.org/stable/')).toBe('https://scikit-learn.org/stable/');
    expect(safeHttpUrl(' http://example.com ')).toBe('http://example.com');
    for (const bad of [
      'javascript:alert(1)',
      'JaVaScRiPt:alert(1)',
      'data:text/html,x',
      'file:///etc/passwd',
      'vbscript:x',
      '/relative',
    ])
      expect(safeHttpUrl(bad)).toBeNull();
  });
});

describe('markdown', () => {
  it('shows raw HTML as text', () => {
    const html = renderReportMarkdown(`# Log\n\n${HOSTILE}\n\n<iframe src="https://evil.example"></iframe>`);
    expect(html).not.toMatch(/<script|<img|<iframe/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');
  });

  it('links only http(s); a javascript: link and images stay text', () => {
    const html = renderReportMarkdown(
      '[docs](https://example.com/a) [bad](javascript:alert(1)) [bad2](data:text/html,hi) ![px](https://tracker.example/p.gif)',
    );
    expect(html).toContain('<a href="https://example.com/a" rel="noreferrer noopener">docs</a>');
    expect(html).not.toMatch(/href="(javascript|data):/i);
    expect(html).toContain('[bad](javascript:alert(1))');
    expect(html).not.toMatch(/<img/i);
  });

  it("turns the engine's own proposal folds into a plain line", () => {
    const html = renderReportMarkdown(
      '## Experiment 1\n\n<details><summary>Proposal</summary>\n\nUse SVC.\n\n</details>\n',
    );
    expect(html).toContain('<strong>Proposal:</strong>');
    expect(html).toContain('Use SVC.');
    expect(html).not.toContain('details');
  });
});

describe('charts', () => {
  it('the trajectory has the target line and one mark per experiment, with the running best', () => {
    const data = syntheticReportData(9);
    const svg = trajectoryChart({
      experiments: data.experiments,
      direction: 'higher',
      target: 0.99,
      metricName: 'accuracy',
    });
    expect(svg.match(/<line class="target" data-target="0.99"/g)).toHaveLength(1);
    const marks = [...svg.matchAll(/data-step="(\d+)" data-outcome="(\w+)"/g)].map((m) => [
      Number(m[1]),
      m[2],
    ]);
    expect(marks).toEqual(data.experiments.map((e) => [e.step, e.outcome]));
    expect(marks.filter(([, o]) => o === 'kept')).toHaveLength(3);
    expect(marks.filter(([, o]) => o === 'reverted')).toHaveLength(3);
    expect(marks.filter(([, o]) => o === 'abandoned')).toHaveLength(3);
    expect(svg).toMatch(/<path class="best-line" d="M[\d.]+ [\d.]+H/);
    // The target is above every score here: the y range stretches to show it.
    expect(svg).toContain('target 0.99');
  });

  it('without a target there is no target line; a hostile hypothesis is escaped in the tooltips', () => {
    const data = syntheticReportData(2);
    data.experiments[1]!.hypothesis = HOSTILE;
    const svg = trajectoryChart({
      experiments: data.experiments,
      direction: 'lower',
      target: null,
      metricName: 'rmse',
    });
    expect(svg).not.toContain('class="target"');
    expect(svg).not.toMatch(/<script|<img/);
    const tree = experimentTree(data.experiments, 'rmse');
    expect(tree).not.toMatch(/<script|<img/);
    expect(tree).toContain('&lt;script&gt;');
  });

  it('the tree puts each experiment under its parent, once', () => {
    const data = syntheticReportData(6);
    const tree = experimentTree(data.experiments, 'accuracy');
    expect([...tree.matchAll(/<text class="node-label"/g)]).toHaveLength(7);
    // Edges: every experiment but the root hangs from a parent.
    expect([...tree.matchAll(/class="edge"/g)]).toHaveLength(6);
  });
});

describe('renderReport', () => {
  it('is one self-contained page: CSP meta, inline CSS, no script, nothing fetched', () => {
    const html = renderReport(syntheticReportData(12));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="${REPORT_CSP}">`);
    expect(REPORT_CSP).toBe("default-src 'none'; style-src 'unsafe-inline'; img-src data:");
    expect(html).not.toMatch(/<script|<link|<iframe|<img|\bsrc=|@import|url\(/i);
    expect(html).toContain('@media (prefers-color-scheme:dark)');
    expect(html).toContain('@media print');
  });

  it("shows the sections in order with the run's real numbers", () => {
    const data = syntheticReportData(12);
    const html = renderReport(data);
    const ids = [...html.matchAll(/<section id="([a-z-]+)"/g)].map((m) => m[1]);
    expect(ids).toEqual([
      'outcome',
      'trajectory',
      'tree',
      'experiments',
      'documents',
      'usage',
      'safety',
      'environment',
      'configuration',
    ]);
    const { run } = data;
    expect(html).toContain(`data-testid="final-score">${run.finalScore!.toFixed(4)}`);
    expect(html).toContain(`data-testid="selection-score">${run.bestScore!.toFixed(4)}`);
    expect(html).toMatch(/data-testid="target">not reached<small> &gt;= 0.9900/);
    expect(html).toContain('<strong>Stopped:</strong> step limit reached</p>');
    expect(html).toContain('numpy 2.1.0, pandas 2.2.3, scikit-learn 1.6.1');
    expect(html).toContain('mle-beast-sandbox:0.1.0');
    expect(html).toContain('CPU only');
    // The self-reported column is labelled; kept changes carry their diff, folded.
    expect(html).toContain('Own eval <span class="self"');
    expect([...html.matchAll(/<details><summary>diff/g)]).toHaveLength(data.diffs.size);
    expect(html).toContain('n_estimators = 103');
    // Cost by stage and by model.
    expect(html).toContain('aria-label="Cost by stage"');
    expect(html).toContain('aria-label="Tokens by model"');
    expect(html).toContain('openai/gpt-5-nano');
  });

  it('a reached target and an untrusted metric say so; scores are labelled self-reported', () => {
    const data = syntheticReportData(3, {
      endReason: 'target_reached',
      metric: { name: 'accuracy', direction: 'higher', target: 0.5, trusted: false },
    });
    const html = renderReport(data);
    expect(html).toMatch(/data-testid="target">hit/);
    expect(html).toContain('<strong>Stopped:</strong> target reached</p>');
    expect(html).toMatch(/data-testid="selection-score">[\d.]+<span class="self"/);
    expect(html).toContain('every score here is the agent');
  });

  it('model-written text anywhere renders as text', () => {
    const data = syntheticReportData(3, {
      name: HOSTILE,
      task: HOSTILE,
      message: HOSTILE,
      status: 'failed',
      endReason: 'error',
    });
    data.experiments[1]!.hypothesis = HOSTILE;
    data.experiments[2]!.note = HOSTILE;
    data.experiments[2]!.outcome = 'failed';
    data.diffs.set(1, { text: `+${HOSTILE}\n`, truncated: false, note: HOSTILE });
    data.documents[1]!.content!.text = `# Log\n\n${HOSTILE}\n\n[x](javascript:alert(3))`;
    data.safety.blocks.push({ at: '2026-12-07T10:00:00Z', kind: 'shell', rule: HOSTILE, subject: HOSTILE });
    data.stages[0]!.message = HOSTILE;
    const html = renderReport(data);
    expect(html).not.toMatch(/<script|<img|<[^>]*onerror|href="javascript/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('an empty run still renders every section with what to expect', () => {
    const data = syntheticReportData(0, {
      status: 'failed',
      endReason: 'error',
      bestScore: null,
      bestStep: null,
      finalScore: null,
    });
    data.experiments = [];
    data.usage = [];
    data.documents = data.documents.map((d) => ({
      ...d,
      content: null,
      missing: `${d.name} is not in the workspace yet`,
    }));
    data.run.message = 'the sandbox did not start: Docker is not running';
    const html = renderReport(data);
    expect(html).toContain(
      '<strong>Stopped:</strong> stopped by an error — the sandbox did not start: Docker is not running',
    );
    expect(html).toContain('No experiments were recorded.');
    expect(html).toContain('No model calls were recorded.');
    expect(html).toContain('data_analysis.md is not in the workspace yet');
    expect(html).toMatch(/data-testid="final-score">—/);
  });
});
