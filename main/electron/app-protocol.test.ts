import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeTempDir } from '../../engine/testing/temp-dir';

let handler: ((request: Request) => Promise<Response>) | null = null;
const registerSchemesAsPrivileged = vi.fn();
vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged,
    handle: (_scheme: string, h: (request: Request) => Promise<Response>) => (handler = h),
  },
}));
const { handleAppProtocol, registerAppScheme } = await import('./app-protocol');

describe('app:// protocol', () => {
  const temp = makeTempDir();
  beforeAll(() => {
    const dir = path.join(temp.dir, 'renderer');
    fs.mkdirSync(path.join(dir, 'assets'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'index.html'), '<!doctype html><title>app</title>');
    fs.writeFileSync(path.join(dir, 'assets', 'main.js'), 'console.log(1)');
    // Chunks the app imports when a page is first opened (the build splits the renderer by route).
    fs.writeFileSync(path.join(dir, 'assets', 'RunDetailPage-Ab1_x-9.js'), 'export const page = 1;');
    fs.writeFileSync(path.join(dir, 'assets', 'uPlot.esm-Cd2.js'), 'export default 1;');
    fs.writeFileSync(path.join(temp.dir, 'outside.txt'), 'private');
    handleAppProtocol(dir);
  });
  afterAll(() => temp.cleanup());

  it('is registered as a standard, secure scheme', () => {
    registerAppScheme();
    expect(registerSchemesAsPrivileged).toHaveBeenCalledWith([
      {
        scheme: 'app',
        privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
      },
    ]);
  });

  it('serves the renderer with the CSP and content types', async () => {
    const page = await handler!(new Request('app://renderer/index.html'));
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>app</title>');
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    const script = await handler!(new Request('app://renderer/assets/main.js'));
    expect(script.headers.get('content-type')).toMatch(/javascript/);
  });

  it('serves the chunks a page imports later as JavaScript under the same CSP (a module script needs it)', async () => {
    for (const name of ['RunDetailPage-Ab1_x-9.js', 'uPlot.esm-Cd2.js']) {
      const chunk = await handler!(new Request(`app://renderer/assets/${name}`));
      expect(chunk.status, name).toBe(200);
      expect(chunk.headers.get('content-type'), name).toBe('text/javascript; charset=utf-8');
      expect(chunk.headers.get('x-content-type-options'), name).toBe('nosniff');
      expect(chunk.headers.get('content-security-policy'), name).toMatch(/script-src 'self'/);
      expect(await chunk.text(), name).toMatch(/^export /);
    }
  });

  it('serves nothing from another host or outside the renderer folder', async () => {
    for (const url of [
      'app://other/index.html',
      'app://renderer/../outside.txt',
      'app://renderer/%2e%2e/outside.txt',
      'app://renderer/missing.js',
    ]) {
      const response = await handler!(new Request(url));
      expect(response.status, url).toBe(404);
      expect(await response.text()).not.toContain('private');
    }
  });
});
