import { describe, expect, it } from 'vitest';
import { ClassMatcher } from './class-matcher';

describe('ClassMatcher', () => {
  it('matches exact text first, then unambiguous case, spacing and numeric spellings', () => {
    const m = new ClassMatcher(['0', '1', '2']);
    expect(m.match('1')).toBe(1);
    expect(m.match('1.0')).toBe(1);
    expect(m.match(' 2 ')).toBe(2);
    expect(m.match('3')).toBeNull();
    expect(m.match('')).toBeNull();
    const words = new ClassMatcher(['false', 'true']);
    expect(words.match('True')).toBe(1);
    expect(words.match('TRUE ')).toBe(1);
  });

  it('refuses a loose match that could mean two classes', () => {
    const m = new ClassMatcher(['Cat', 'cat', '1', '1.0']);
    expect(m.match('cat')).toBe(1);
    expect(m.match('CAT')).toBeNull();
    expect(m.match('1.00')).toBeNull();
  });
});
