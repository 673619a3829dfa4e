import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { DEFAULT_SETTINGS } from '../../engine/api/settings';
import { createEngine, type Engine } from '../../engine/service/index';
import { makeTempDir } from '../../engine/testing/temp-dir';
import { FakeWindow, Notification, resetElectronMock } from './testing/electron-mock';
import { runWriter } from './testing/run-writer';

vi.mock('electron', () => import('./testing/electron-mock'));

const { startRunNotifier } = await import('./notifier');
const { createRunOpener } = await import('./open-run');

const noDocker = async () => ({ available: false, version: null, endpoint: 'none', error: 'none' });

// Real engines on a real SQLite file: the app's (tailing other processes' runs, as the desktop app does) and a
// second one on the same database standing in for `mle-beast run` in a terminal. Only `electron` is mocked.
let temp: ReturnType<typeof makeTempDir>;
let app: Engine;
let cli: Engine | null = null;
const stops: (() => void)[] = [];

beforeEach(() => {
  resetElectronMock();
  temp = makeTempDir('mle-beast-notifier-');
  app = createEngine({
    host: 'electron',
    databasePath: path.join(temp.dir, 'db.sqlite'),
    probeDocker: noDocker,
    tailOtherProcesses: { intervalMs: 20 },
  });
});
afterEach(async () => {
  stops.splice(0).forEach((stop) => stop());
  await cli?.close();
  cli = null;
  await app.close();
  temp.cleanup();
});

function notifier(openRun: (id: string) => void = vi.fn()) {
  const n = startRunNotifier({ engine: app, openRun, warn: vi.fn() });
  stops.push(n.stop);
  return n;
}

async function until(check: () => boolean, what: string, ms = 10_000) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('run-end notifications (main process)', () => {
  it('shows one notification per run end with the run’s name, metric, score and target', async () => {
    const n = notifier();
    const w = runWriter(app);
    w.create('r1', 'churn');
    w.start('r1');
    w.progress('r1', 3, 0.85);
    w.end('r1', 'completed', 'target_reached', { bestScore: 0.85, bestStep: 3 });
    await n.idle();
    expect(Notification.shown).toHaveLength(1);
    expect(Notification.shown[0]!.options).toEqual({
      title: 'Target reached: churn',
      body: 'accuracy 0.8500 (target >= 0.8200) at step 3.',
    });
  });

  it('a click brings the window back and sends it to that run through app.openRun', async () => {
    const window = new FakeWindow();
    window.visible = false;
    window.minimized = true;
    const openWindow = vi.fn();
    const openRun = createRunOpener({ getWindow: () => window as never, openWindow, warn: vi.fn() });
    const n = notifier(openRun);
    const w = runWriter(app);
    w.create('r2', 'house prices');
    w.start('r2');
    w.end('r2', 'failed', 'error', {}, 'the sandbox stopped');
    await n.idle();
    expect(Notification.shown.map((x) => x.options.title)).toEqual(['Failed: house prices']);
    Notification.shown[0]!.click();
    expect(window.minimized).toBe(false);
    expect(window.visible).toBe(true);
    expect(window.focused).toBe(1);
    expect(window.sent).toEqual([{ channel: 'mle:event:app.openRun', payload: { id: 'r2' } }]);
    expect(openWindow).not.toHaveBeenCalled();
  });

  it('a click with the window closed opens a window on the run; a loading page gets the event once loaded', async () => {
    const openWindow = vi.fn();
    createRunOpener({ getWindow: () => null, openWindow })('r3');
    expect(openWindow).toHaveBeenCalledWith('#/runs/r3');

    const loading = new FakeWindow();
    loading.webContents.loading = true;
    createRunOpener({ getWindow: () => loading as never, openWindow })('r3');
    expect(loading.sent).toEqual([]);
    loading.webContents.emit('did-finish-load');
    expect(loading.sent).toEqual([{ channel: 'mle:event:app.openRun', payload: { id: 'r3' } }]);
  });

  it('no duplicate for one end: the same event again, a second terminal state, a replay', async () => {
    const n = notifier();
    const w = runWriter(app);
    w.create('r4', 'churn');
    w.start('r4');
    const ended = w.end('r4', 'completed', 'max_steps', { bestScore: 0.7 });
    // The same stored event on the bus again (a replay), then a second terminal state of the same end.
    app.events.emit('run.event', ended);
    app.events.emit('run.events', { runId: 'r4', events: [ended] });
    w.end('r4', 'interrupted', 'interrupted');
    await n.idle();
    expect(Notification.shown.map((x) => x.options.title)).toEqual(['Finished: churn']);
  });

  it('a run of another process (the CLI) is announced exactly once, through the store tail', async () => {
    cli = createEngine({ host: 'cli', databasePath: app.store.path, probeDocker: noDocker });
    const n = notifier();
    const w = runWriter(cli);
    w.create('cli-run', 'from the terminal');
    w.start('cli-run');
    w.stage('cli-run', 'training', 1);
    w.end('cli-run', 'completed', 'target_reached', { bestScore: 0.9, bestStep: 1, finalScore: 0.88 });
    await until(() => Notification.shown.length > 0, 'the notification of the CLI run');
    // Several more tail ticks: nothing more comes.
    await new Promise((r) => setTimeout(r, 200));
    await n.idle();
    expect(Notification.shown.map((x) => x.options)).toEqual([
      {
        title: 'Target reached: from the terminal',
        body: 'accuracy 0.9000 (target >= 0.8200) at step 1. Final hold-out score 0.8800.',
      },
    ]);
  });

  it('a cancel is not announced, and a kind turned off in the settings is not either', async () => {
    await app.handlers['settings.update']({ notifyFailed: false });
    const n = notifier();
    const w = runWriter(app);
    w.create('r5', 'a');
    w.start('r5');
    w.end('r5', 'cancelled', 'cancelled');
    w.create('r6', 'b');
    w.start('r6');
    w.end('r6', 'failed', 'error');
    w.create('r7', 'c');
    w.start('r7');
    w.end('r7', 'interrupted', 'interrupted', {}, 'the app was closed');
    await n.idle();
    expect(Notification.shown.map((x) => x.options.title)).toEqual(['Interrupted: c']);
    expect(DEFAULT_SETTINGS.notifyFailed).toBe(true);
  });

  it('stops listening when stopped; does nothing where the OS has no notifications', async () => {
    Notification.supported = false;
    const n = notifier();
    const w = runWriter(app);
    w.create('r8', 'a');
    w.start('r8');
    w.end('r8', 'failed', 'error');
    await n.idle();
    expect(Notification.shown).toEqual([]);
    Notification.supported = true;
    n.stop();
    w.create('r9', 'b');
    w.start('r9');
    w.end('r9', 'failed', 'error');
    await n.idle();
    expect(Notification.shown).toEqual([]);
  });
});
