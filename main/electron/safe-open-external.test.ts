import { describe, expect, it, vi } from 'vitest';

const openExternal = vi.fn(async () => {});
vi.mock('electron', () => ({ shell: { openExternal } }));
const { isSafeExternalUrl, safeOpenExternal } = await import('./safe-open-external');

describe('safeOpenExternal', () => {
  it.each(['https://openrouter.ai/models', 'http://127.0.0.1:8000/'])('opens %s', async (url) => {
    expect(isSafeExternalUrl(url)).toBe(true);
    openExternal.mockClear();
    await expect(safeOpenExternal(url)).resolves.toBe(true);
    expect(openExternal).toHaveBeenCalledWith(url);
  });

  it.each([
    'file:///etc/passwd',
    'smb://server/share',
    'javascript:alert(1)',
    'ms-msdt:/id PCWDiagnostic',
    'app://renderer/index.html',
    'vscode://file/x',
    'http://',
    'not a url',
    '',
  ])('refuses %s', async (url) => {
    expect(isSafeExternalUrl(url)).toBe(false);
    openExternal.mockClear();
    await expect(safeOpenExternal(url)).resolves.toBe(false);
    expect(openExternal).not.toHaveBeenCalled();
  });
});
