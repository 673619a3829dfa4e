import type { IpcMainInvokeEvent } from 'electron';
import path from 'node:path';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { commandNames } from '../../engine/api/contract';
import type { CommandHandlers } from '../../engine/api/dispatch';
import { EventBus } from '../../engine/api/event-bus';
import { DEFAULT_SETTINGS } from '../../engine/api/settings';
import type { Engine } from '../../engine/service/engine';
import { useTempDir } from '../../engine/testing/temp-dir';
import { APP_ORIGIN } from './app-origin';

/**
 * A saved key never reaches the renderer: every IPC reply and event is checked against the saved keys before it
 * leaves the main process (main/shared/secret-scan.ts), whatever a handler does. Electron is mocked: ipcMain
 * records the handlers, safeStorage is a stand-in cipher.
 */

type Handler = (event: IpcMainInvokeEvent, input: unknown) => Promise<unknown>;
const registered = new Map<string, Handler>();

vi.mock('electron', () => ({
  ipcMain: {
    handle: vi.fn((channel: string, handler: Handler) => registered.set(channel, handler)),
    removeHandler: vi.fn((channel: string) => registered.delete(channel)),
  },
  safeStorage: {
    isEncryptionAvailable: () => true,
    getSelectedStorageBackend: () => 'gnome_libsecret',
    encryptString: (s: string) => Buffer.from(s).reverse(),
    decryptString: (b: Buffer) => Buffer.from(b).reverse().toString(),
  },
}));

const { forwardEvents, registerContractHandlers } = await import('./ipc');
const { createKeychainStore } = await import('./keychain');
const { createEngine } = await import('../../engine/service/engine');

const KEY = 'sk-or-v1-5e4d3c2b1a0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d';
const appEvent = {
  senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: null },
} as unknown as IpcMainInvokeEvent;
const call = (name: string, input: unknown = {}) => registered.get(`mle:command:${name}`)!(appEvent, input);

describe('no saved key in any IPC reply', () => {
  beforeEach(() => registered.clear());

  it('every command: a reply holding the key (here, in a failing handler’s message) is withheld', async () => {
    let leakingCalls = 0;
    const leaking = Object.fromEntries(
      commandNames.map((name) => [
        name,
        async () => {
          leakingCalls += 1;
          throw new Error(`request failed with Authorization: Bearer ${KEY}`);
        },
      ]),
    ) as unknown as CommandHandlers;
    const engine = {
      handlers: leaking,
      events: new EventBus(),
      savedKeyValues: () => [KEY],
    } as unknown as Engine;
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    registerContractHandlers(engine, [APP_ORIGIN]);
    // Each command with an input its schema accepts, so its handler runs and its reply holds the key.
    for (const name of commandNames) {
      const reply = await call(name, validInputs[name] ?? {});
      expect(reply, name).toEqual({
        ok: false,
        error: {
          code: 'internal',
          message: `${name}: the reply was withheld because it contained a saved API key (a bug: please report it)`,
        },
      });
    }
    expect(leakingCalls).toBe(commandNames.length);
    expect(logged).toHaveBeenCalled();
    expect(JSON.stringify(logged.mock.calls)).not.toContain(KEY);
    logged.mockRestore();
  });

  it('a valid reply that holds the key (a key pasted into a setting) is withheld too; others pass untouched', async () => {
    const handlers = {
      'settings.get': async () => ({ ...DEFAULT_SETTINGS, llmModel: `model ${KEY}` }),
      'metrics.list': async () => ({ metrics: [] }),
    } as unknown as CommandHandlers;
    const engine = { handlers, events: new EventBus(), savedKeyValues: () => [KEY] } as unknown as Engine;
    vi.spyOn(console, 'error').mockImplementation(() => {});
    registerContractHandlers(engine, [APP_ORIGIN]);
    expect(await call('settings.get')).toMatchObject({ ok: false, error: { code: 'internal' } });
    const ok = await call('metrics.list');
    expect(ok).toMatchObject({ ok: true });
  });

  it('an event holding the key is not sent; one without it is', () => {
    const engine = { events: new EventBus(), savedKeyValues: () => [KEY] } as unknown as Engine;
    const window = { isDestroyed: () => false, send: vi.fn() };
    vi.spyOn(console, 'error').mockImplementation(() => {});
    forwardEvents(engine, () => [window] as never);
    engine.events.emit('settings.changed', { settings: { ...DEFAULT_SETTINGS, llmModel: KEY } });
    engine.events.emit('settings.changed', { settings: DEFAULT_SETTINGS });
    expect(window.send).toHaveBeenCalledTimes(1);
    expect(JSON.stringify(window.send.mock.calls)).not.toContain(KEY);
  });

  describe('a real engine with a saved key in the keychain store', () => {
    const temp = useTempDir('mle-beast-ipc-secrets-');
    it('every command’s reply over IPC: the key appears in none, its mask in secrets.status', async () => {
      vi.stubEnv('DOCKER_HOST', 'unix:///nonexistent/ipc-secrets.sock');
      const engine = createEngine({
        host: 'electron',
        databasePath: path.join(temp.dir, 'db.sqlite'),
        probeDocker: async () => ({
          available: false,
          version: null,
          endpoint: 'unix:///none',
          error: 'none',
        }),
        // No key in the shell: the saved one is used. The model catalog request (models.list, project.validate)
        // fails within 300 ms where there is no network; the key must not be in its error either.
        runs: { env: {}, catalogTimeoutMs: 300 },
        secrets: createKeychainStore(temp.dir),
      });
      registerContractHandlers(engine, [APP_ORIGIN]);
      const saved = await call('secrets.set', { variable: 'OPENROUTER_API_KEY', value: KEY });
      expect(saved).toMatchObject({ ok: true, value: { entries: [{ masked: 'sk-or-v1-...7e6d' }, {}] } });
      const replies: Record<string, unknown> = {};
      for (const name of commandNames) {
        replies[name] = await call(name, CHANGES_THE_MACHINE.has(name) ? {} : (validInputs[name] ?? {}));
      }
      for (const [name, reply] of Object.entries(replies))
        expect(JSON.stringify(reply), name).not.toContain(KEY);
      expect(replies['secrets.status']).toMatchObject({ ok: true, value: { backend: 'os-keychain' } });
      expect(replies['provider.status']).toMatchObject({
        ok: true,
        value: { resolved: { provider: 'openrouter' } },
      });
      await engine.close();
      vi.unstubAllEnvs();
    }, 30_000);
  });
});

/** An input each command accepts (the handlers of the first test are stand-ins, so any valid input will do). */
const RUN_ID = '00000000-0000-4000-8000-000000000000';
const validInputs: Record<string, unknown> = {
  'settings.update': { defaultMaxSteps: 12 },
  'runs.start': { project: '/nonexistent/project.yaml' },
  'runs.list': {},
  'runs.get': { id: RUN_ID },
  'runs.cancel': { id: RUN_ID },
  'runs.pause': { id: RUN_ID },
  'runs.resume': { id: RUN_ID },
  'runs.delete': { id: RUN_ID },
  'runs.logs': { id: RUN_ID },
  'runs.log': { id: RUN_ID, name: 'training.log' },
  'runs.experiment': { id: RUN_ID, step: 0 },
  'runs.trace': { id: RUN_ID },
  'runs.documents': { id: RUN_ID },
  'runs.gitLog': { id: RUN_ID },
  'runs.safety': { id: RUN_ID },
  'datasets.inspect': { path: '/nonexistent/data.csv' },
  'workspace.inspect': { path: '/nonexistent/workspace' },
  'project.validate': { form: {} },
  'project.import': { yaml: 'task: x' },
  'project.export': { form: {} },
  'sandbox.build': { variant: 'offline' },
  'policy.check': { command: 'ls', workspace: '/nonexistent/workspace' },
  'policy.update': { blockedTokens: [], blockedPatterns: [], allowPathsOutsideWorkspace: [] },
  'examples.create': { name: 'titanic', folder: '/nonexistent/example' },
  'models.list': {},
  'models.suggest': { name: 'deepseek' },
  'secrets.set': { variable: 'OPENAI_API_KEY', value: 'sk-proj-aaaaaaaaaaaaaaaaaaaaaaaa' },
  'secrets.delete': { variable: 'OPENAI_API_KEY' },
};
/** On the real engine, only commands that change nothing outside its temp folder get a valid input. */
const CHANGES_THE_MACHINE = new Set(['runs.start', 'sandbox.build', 'policy.update', 'examples.create']);
