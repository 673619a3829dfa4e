import { describe, expect, it } from 'vitest';
import { skippedTitle } from '../engine/testing/skip';
import { playwrightSkipReasons, vitestSkipReason } from './skip-reasons.mjs';

describe('skip reasons for the totals line', () => {
  it('takes a Vitest skip reason from the nearest title that states one', () => {
    const test = {
      title: 'starts a container',
      ancestorTitles: ['outer', skippedTitle('Docker sandbox', 'no Docker daemon answers at unix:///x.sock')],
    };
    expect(vitestSkipReason('/repo/engine/a.test.ts', test)).toBe(
      'no Docker daemon answers at unix:///x.sock',
    );
    expect(
      vitestSkipReason('/repo/engine/a.test.ts', {
        ...test,
        title: skippedTitle('t', 'root reads any file'),
      }),
    ).toBe('root reads any file');
  });

  it('names the file when a Vitest skip states no reason', () => {
    const reason = vitestSkipReason(`${process.cwd()}/engine/b.test.ts`, {
      title: 't',
      ancestorTitles: ['s'],
    });
    expect(reason).toBe('skipped without a stated reason in engine/b.test.ts');
  });

  it('a title is unchanged when the test runs', () => {
    expect(skippedTitle('runs', false)).toBe('runs');
  });

  it('takes Playwright skip reasons from the skip annotation, in nested suites', () => {
    const report = [
      {
        suites: [
          {
            specs: [
              {
                file: 'electron/desktop.spec.ts',
                tests: [
                  { status: 'skipped', annotations: [{ type: 'skip', description: 'no Electron binary' }] },
                  { status: 'expected', annotations: [] },
                ],
              },
            ],
          },
        ],
        specs: [{ file: 'web.spec.ts', tests: [{ status: 'skipped', annotations: [] }] }],
      },
    ];
    expect([...playwrightSkipReasons(report)]).toEqual([
      'no Electron binary (electron/desktop.spec.ts)',
      'skipped without a stated reason in web.spec.ts',
    ]);
  });
});
