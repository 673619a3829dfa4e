import { describe, expect, it } from 'vitest';
import { fakeOutput } from '../testing/fake-engine';
import { ProgressWriter } from './writer';

describe('the progress writer', () => {
  it('on a terminal redraws the status line in place and prints lines above it', () => {
    const out = fakeOutput({ isTTY: true, columns: 80 });
    const w = new ProgressWriter(out, true);
    w.setStatus('step 1/6');
    w.lines(['stage training started']);
    w.setStatus('step 2/6');
    w.setStatus('step 2/6');
    w.clear();
    w.lines(['done']);
    expect(out.text()).toBe(
      '\rstep 1/6' +
        '\r\x1b[2Kstage training started\nstep 1/6' +
        '\r\x1b[2Kstep 2/6' +
        '\r\x1b[2K' +
        'done\n',
    );
    expect(w.width).toBe(80);
  });

  it('elsewhere writes the lines only, with no control characters', () => {
    const out = fakeOutput();
    const w = new ProgressWriter(out, false);
    w.setStatus('step 1/6');
    w.lines(['a', 'b']);
    w.clear();
    expect(out.text()).toBe('a\nb\n');
    expect(w.width).toBe(0);
  });
});
