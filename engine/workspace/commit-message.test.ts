import { describe, expect, it } from 'vitest';
import { experimentBranchName } from './branch-name';
import { experimentCommitMessage, formatScore, SUBJECT_HYPOTHESIS_MAX } from './commit-message';

describe('formatScore', () => {
  it.each([
    [null, 'none'],
    [undefined, 'none'],
    [0.8734521, '0.8735'],
    [0.85, '0.85'],
    [0.000012346, '0.00001235'],
    [1.5e-9, '1.5e-9'],
    [3, '3'],
    [12345.678912, '12345.6789'],
    [-0.25, '-0.25'],
    [Number.NaN, 'NaN'],
    [Number.POSITIVE_INFINITY, 'inf'],
    [Number.NEGATIVE_INFINITY, '-inf'],
  ])('%s -> %s', (score, text) => {
    expect(formatScore(score)).toBe(text);
  });
});

describe('experimentCommitMessage', () => {
  it('is `step N: hypothesis (score X, was Y)`, with `was none` for the first', () => {
    expect(experimentCommitMessage(1, 'Add dropout', 0.85, null)).toEqual({
      subject: 'step 1: Add dropout (score 0.85, was none)',
      body: '',
    });
    expect(experimentCommitMessage(7, '  use\n  a larger\tbatch ', 0.9012345, 0.85).subject).toBe(
      'step 7: use a larger batch (score 0.9012, was 0.85)',
    );
  });

  it('cuts a long hypothesis on a character boundary and keeps the whole text in the body', () => {
    const long = `${'数据'.repeat(60)} 🎯 end`;
    const { subject, body } = experimentCommitMessage(2, long, 1, 0.5);
    const shown = subject.slice('step 2: '.length, subject.indexOf(' (score'));
    expect([...shown]).toHaveLength(SUBJECT_HYPOTHESIS_MAX);
    expect(shown.endsWith('…')).toBe(true);
    expect(shown).not.toMatch(/[\uD800-\uDBFF]…$/); // no half surrogate pair before the ellipsis
    expect(body).toBe(long);
  });

  it('says so when there is no hypothesis', () => {
    expect(experimentCommitMessage(3, ' \n ', 0.1, 0.2).subject).toBe(
      'step 3: (no hypothesis given) (score 0.1, was 0.2)',
    );
  });
});

describe('experimentBranchName', () => {
  it('is mle-beast-YYYYMMDD-HHMMSS in UTC', () => {
    expect(experimentBranchName(new Date('2025-03-04T05:06:07.890Z'))).toBe('mle-beast-20250304-050607');
    expect(experimentBranchName(new Date('2025-12-31T23:59:59+02:00'))).toBe('mle-beast-20251231-215959');
  });
});
