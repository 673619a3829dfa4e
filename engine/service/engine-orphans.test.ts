import path from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../testing/temp-dir';

// The clean-up itself runs against the real daemon in engine/sandbox/docker-sandbox.test.ts; here only
// whether the engine asks for it at start-up.
const cleanupOrphanSandboxes = vi.fn(async () => ({
  ok: true as const,
  value: { containers: ['mle-beast-run-dead'], volumes: [], failures: [] },
}));
vi.mock('../sandbox/orphans', () => ({ cleanupOrphanSandboxes }));
const { createEngine } = await import('./engine');

const offline = async () => ({ available: false, version: null, endpoint: 'unix:///none', error: 'none' });

describe('engine start-up', () => {
  const temp = useTempDir();

  it('removes sandboxes left by ended runs when the host asks for it', async () => {
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const engine = createEngine({
      host: 'server',
      databasePath: path.join(temp.dir, 'db.sqlite'),
      probeDocker: offline,
      cleanupOrphanSandboxes: true,
    });
    await vi.waitFor(() => expect(cleanupOrphanSandboxes).toHaveBeenCalledWith([]));
    await vi.waitFor(() =>
      expect(log).toHaveBeenCalledWith('removed 1 sandbox container(s) left by ended runs'),
    );
    engine.close();
    log.mockRestore();
  });

  it('leaves Docker alone otherwise', async () => {
    cleanupOrphanSandboxes.mockClear();
    const engine = createEngine({
      host: 'cli',
      databasePath: path.join(temp.dir, 'db.sqlite'),
      probeDocker: offline,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(cleanupOrphanSandboxes).not.toHaveBeenCalled();
    engine.close();
  });
});
