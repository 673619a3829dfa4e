import { beforeEach, describe, expect, it, vi } from 'vitest';
import { app, resetElectronMock } from './testing/electron-mock';

vi.mock('electron', () => import('./testing/electron-mock'));

const { deepLinksIn, installDeepLinks, runIdFromDeepLink } = await import('./deep-link');

beforeEach(() => resetElectronMock());

describe('mle-beast:// deep links', () => {
  it.each([
    ['mle-beast://run/3f2a9c1e-0b4d-4e5f-8a6b-7c8d9e0f1a2b', '3f2a9c1e-0b4d-4e5f-8a6b-7c8d9e0f1a2b'],
    ['mle-beast://run/cli-run/', 'cli-run'],
    ['MLE-BEAST://run/abc', 'abc'],
  ])('%s opens run %s', (link, id) => {
    expect(runIdFromDeepLink(link)).toEqual({ ok: true, value: id });
  });

  it.each([
    ['https://run/abc', /not a mle-beast:\/\/ link/],
    ['mle-beast://settings/abc', /opens a run/],
    ['mle-beast://run/', /mle-beast:\/\/run\/<id>/],
    ['mle-beast://run/a/b', /mle-beast:\/\/run\/<id>/],
    ['mle-beast://run/..%2F..%2Fetc', /a run id is/],
    ['mle-beast://run/abc?x=1', /nothing after the id/],
    ['mle-beast://run/%E0%A4%A', /not valid text/],
    [`mle-beast://run/${'a'.repeat(65)}`, /a run id is/],
    ['not a link', /not a link/],
  ])('%s is refused with the reason', (link, reason) => {
    const result = runIdFromDeepLink(link);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).toMatch(reason);
  });

  it('finds the links among a launch’s arguments', () => {
    expect(deepLinksIn(['/opt/mle-beast', '--no-sandbox', 'mle-beast://run/abc'])).toEqual([
      'mle-beast://run/abc',
    ]);
  });

  it('registers the scheme (with the script when unpackaged) and opens runs from open-url and argv', () => {
    const openRun = vi.fn();
    const warn = vi.fn();
    const links = installDeepLinks({
      app: app as never,
      openRun,
      warn,
      defaultApp: true,
      argv: ['/electron', 'out/main/index.js'],
      execPath: '/electron',
    });
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('mle-beast', '/electron', [
      expect.stringMatching(/out[\\/]main[\\/]index\.js$/),
    ]);
    const preventDefault = vi.fn();
    app.emit('open-url', { preventDefault }, 'mle-beast://run/from-mac');
    expect(preventDefault).toHaveBeenCalled();
    expect(links.handleArgv(['/electron', 'out/main/index.js', 'mle-beast://run/from-argv'])).toBe(1);
    expect(links.handleArgv(['/electron', 'mle-beast://run/bad%20id'])).toBe(0);
    expect(openRun.mock.calls).toEqual([['from-mac'], ['from-argv']]);
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/^ignored a link: a run id is/));
  });

  it('a packaged app registers the scheme alone', () => {
    installDeepLinks({ app: app as never, openRun: vi.fn(), defaultApp: false });
    expect(app.setAsDefaultProtocolClient).toHaveBeenCalledWith('mle-beast');
  });
});
