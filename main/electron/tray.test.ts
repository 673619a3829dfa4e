import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createEngine, type Engine } from '../../engine/service/index';
import { makeTempDir } from '../../engine/testing/temp-dir';
import { resetElectronMock, Tray, type MenuItemTemplate } from './testing/electron-mock';
import { runWriter } from './testing/run-writer';

vi.mock('electron', () => import('./testing/electron-mock'));

const { createRunTray } = await import('./tray');

const noDocker = async () => ({ available: false, version: null, endpoint: 'none', error: 'none' });

let temp: ReturnType<typeof makeTempDir>;
let engine: Engine;
let cli: Engine | null = null;
let destroy: (() => void) | null = null;

beforeEach(() => {
  resetElectronMock();
  temp = makeTempDir('mle-beast-tray-');
  engine = createEngine({
    host: 'electron',
    databasePath: path.join(temp.dir, 'db.sqlite'),
    probeDocker: noDocker,
    tailOtherProcesses: { intervalMs: 20 },
  });
});
afterEach(async () => {
  destroy?.();
  destroy = null;
  await cli?.close();
  cli = null;
  await engine.close();
  temp.cleanup();
});

function makeTray(overrides: Partial<Parameters<typeof createRunTray>[0]> = {}) {
  const deps = {
    engine,
    iconsDir: '/app/resources/icons',
    openWindow: vi.fn(),
    openRun: vi.fn(),
    quit: vi.fn(),
    confirmCancel: vi.fn(async () => true),
    debounceMs: 10,
    warn: vi.fn(),
    ...overrides,
  };
  const tray = createRunTray(deps);
  destroy = tray.destroy;
  return { tray, deps, icon: Tray.made.at(-1)! };
}

const labels = (menu: MenuItemTemplate[]) => menu.map((i) => (i.type === 'separator' ? '---' : i.label));
const item = (menu: MenuItemTemplate[], label: string | RegExp) =>
  menu.find((i) => (typeof label === 'string' ? i.label === label : label.test(i.label ?? '')))!;

describe('the tray', () => {
  it('uses the app icon from resources/icons and starts with no run', async () => {
    const { tray, icon } = makeTray();
    await tray.idle();
    expect(icon.image).toMatchObject({
      file: expect.stringMatching(/resources[\\/]icons[\\/]linux[\\/]\d+x\d+\.png$/),
    });
    expect(labels(icon.menu)).toEqual(['Open mle-beast', '---', 'No run going', '---', 'Quit mle-beast']);
    expect(icon.tooltips.at(-1)).toBe('mle-beast: no run going');
    expect(tray.labels()).toEqual(['Open mle-beast', '---', 'No run going', '---', 'Quit mle-beast']);
  });

  it('lists the active runs with their stage and best score against the target, and follows their events', async () => {
    const w = runWriter(engine);
    w.create('a', 'churn');
    w.start('a');
    w.stage('a', 'data_analysis');
    const { tray, icon } = makeTray();
    await tray.idle();
    expect(labels(icon.menu)).toEqual([
      'Open mle-beast',
      '---',
      'churn: data analysis, no score yet (target >= 0.8200)',
      'Pause or cancel churn',
      '---',
      'Quit mle-beast',
    ]);

    // A second run starts; the first trains and gets a score: the menu and tooltip follow, without a poll.
    w.create('b', 'house prices', null);
    w.start('b');
    w.stage('a', 'training', 1);
    w.progress('a', 1, 0.8123);
    await vi.waitFor(() =>
      expect(icon.menu.filter((i) => /^churn|^house/.test(i.label ?? ''))).toHaveLength(2),
    );
    await tray.idle();
    expect(labels(icon.menu)).toContain('churn: training, best 0.8123 (target >= 0.8200)');
    expect(labels(icon.menu)).toContain('house prices: starting, no score yet');
    expect(icon.tooltips.at(-1)).toBe(
      'mle-beast: 2 runs going\nhouse prices: starting, no score yet\nchurn: training, best 0.8123 (target >= 0.8200)',
    );

    // It ends: it leaves the menu.
    w.end('a', 'completed', 'target_reached', { bestScore: 0.85 });
    await vi.waitFor(() => expect(labels(icon.menu).some((l) => l?.startsWith('churn'))).toBe(false));
    expect(icon.tooltips.at(-1)).toBe('mle-beast: 1 run going\nhouse prices: starting, no score yet');
  });

  it('is rebuilt once per burst of events, and not for output lines', async () => {
    const w = runWriter(engine);
    w.create('a', 'churn');
    w.start('a');
    const { tray, icon } = makeTray({ debounceMs: 50 });
    await tray.idle();
    const before = icon.menus.length;
    for (let i = 0; i < 20; i += 1) w.progress('a', 1, 0.5 + i / 100);
    await new Promise((r) => setTimeout(r, 20));
    await tray.idle();
    expect(icon.menus.length).toBe(before + 1);
    for (let i = 0; i < 20; i += 1)
      w.publisher.publish('a', {
        type: 'log',
        stage: null,
        source: 'training',
        stream: 'stdout',
        text: `${i}`,
      });
    await new Promise((r) => setTimeout(r, 80));
    await tray.idle();
    expect(icon.menus.length).toBe(before + 1);
  });

  it('lists a run of another process (the CLI) as it starts', async () => {
    cli = createEngine({ host: 'cli', databasePath: engine.store.path, probeDocker: noDocker });
    const { icon } = makeTray();
    const w = runWriter(cli);
    w.create('cli-run', 'from the terminal');
    w.start('cli-run');
    w.stage('cli-run', 'baseline');
    await vi.waitFor(() =>
      expect(labels(icon.menu)).toContain('from the terminal: baseline, no score yet (target >= 0.8200)'),
    );
  });

  it('a run’s item opens it; pause, resume and cancel go through the engine; cancel asks first', async () => {
    const w = runWriter(engine);
    w.create('a', 'churn');
    w.start('a');
    const confirmCancel = vi.fn(async () => false);
    const { tray, deps, icon } = makeTray({ confirmCancel });
    await tray.idle();
    item(icon.menu, /^churn:/).click!();
    expect(deps.openRun).toHaveBeenCalledWith('a');
    item(icon.menu, 'Open mle-beast').click!();
    icon.emit('click');
    expect(deps.openWindow).toHaveBeenCalledTimes(2);

    const actions = () => item(icon.menu, 'Pause or cancel churn').submenu!;
    actions().find((i) => i.label === 'Pause')!.click!();
    await vi.waitFor(() => expect(w.repo.readControl('a')).toBe('pause'));

    // Refused in the dialog: nothing happens. Confirmed: the engine is asked to cancel.
    actions().find((i) => i.label === 'Cancel run…')!.click!();
    await vi.waitFor(() => expect(confirmCancel).toHaveBeenCalledTimes(1));
    expect(w.repo.readControl('a')).toBe('pause');
    confirmCancel.mockResolvedValue(true);
    actions().find((i) => i.label === 'Cancel run…')!.click!();
    await vi.waitFor(() => expect(w.repo.readControl('a')).toBe('cancel'));

    // A paused run offers Resume.
    w.repo.update('a', { status: 'paused', control: null });
    w.publisher.publish('a', { type: 'run.state', status: 'paused', reason: null, message: null });
    await vi.waitFor(() => expect(actions().map((i) => i.label)).toEqual(['Resume', 'Cancel run…']));
    expect(labels(icon.menu)).toContain('churn: paused, no score yet (target >= 0.8200)');

    item(icon.menu, 'Quit mle-beast').click!();
    expect(deps.quit).toHaveBeenCalled();
  });
});
