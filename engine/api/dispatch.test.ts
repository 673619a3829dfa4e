import { describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS } from './settings';
import { dispatch, type CommandHandlers } from './dispatch';
import { EngineError } from './errors';

const info = {
  name: 'mle-beast',
  version: '1.2.3',
  platform: 'linux',
  arch: 'x64',
  nodeVersion: '24.0.0',
  electronVersion: null,
  host: 'server' as const,
  databasePath: '/tmp/db',
  storeNotes: [],
  docker: { available: false, version: null, endpoint: 'unix:///x', error: 'down' },
};

const notHere = async (): Promise<never> => {
  throw new Error('not used in these tests');
};

function handlers(overrides: Partial<CommandHandlers> = {}): CommandHandlers {
  return {
    'runs.start': notHere,
    'runs.list': notHere,
    'runs.get': notHere,
    'runs.cancel': notHere,
    'runs.pause': notHere,
    'runs.resume': notHere,
    'runs.delete': notHere,
    'runs.logs': notHere,
    'runs.log': notHere,
    'datasets.inspect': notHere,
    'workspace.inspect': notHere,
    'project.validate': notHere,
    'project.import': notHere,
    'project.export': notHere,
    'sandbox.status': notHere,
    'sandbox.build': notHere,
    'policy.check': notHere,
    'policy.get': notHere,
    'policy.update': notHere,
    'examples.list': notHere,
    'examples.create': notHere,
    'models.list': notHere,
    'models.suggest': notHere,
    'metrics.list': notHere,
    'runs.experiment': notHere,
    'runs.trace': notHere,
    'runs.documents': notHere,
    'runs.gitLog': notHere,
    'runs.safety': notHere,
    'setup.check': notHere,
    'app.info': async () => info,
    'app.storage': notHere,
    'provider.status': notHere,
    'settings.get': async () => DEFAULT_SETTINGS,
    'settings.update': async (patch) => ({ ...DEFAULT_SETTINGS, ...patch }),
    'secrets.status': notHere,
    'secrets.set': notHere,
    'secrets.delete': notHere,
    ...overrides,
  };
}

describe('dispatch', () => {
  it('runs a valid command and returns its validated output', async () => {
    const result = await dispatch(handlers(), 'settings.update', { defaultMaxSteps: 12 });
    expect(result).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS, defaultMaxSteps: 12 } });
  });

  it('rejects a wrong type with a message naming the field, the expected type and the value', async () => {
    const result = await dispatch(handlers(), 'settings.update', { defaultMaxSteps: 'high' });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_input');
    expect(result.error.message).toBe('settings.update: defaultMaxSteps: expected a number, got "high"');
    expect(result.error.issues).toEqual([
      { path: 'defaultMaxSteps', message: 'expected a number, got "high"' },
    ]);
  });

  it('rejects unknown fields, out-of-range values and bad enum members, naming each', async () => {
    const result = await dispatch(handlers(), 'settings.update', {
      colour: 'red',
      defaultMaxSteps: 0,
      theme: 'pink',
    });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    const paths = result.error.issues?.map((i) => i.path).sort();
    expect(paths).toEqual(['(input)', 'defaultMaxSteps', 'theme']);
    expect(result.error.message).toMatch(/colour/);
    expect(result.error.message).toMatch(/theme: Invalid option: expected one of "system"\|"light"\|"dark"/);
  });

  it('rejects an empty update and input to a command that takes none', async () => {
    const empty = await dispatch(handlers(), 'settings.update', {});
    expect(empty.ok || empty.error.message).toMatch(/name at least one setting/);
    const extra = await dispatch(handlers(), 'app.info', { verbose: true });
    expect(extra.ok || extra.error.code).toBe('invalid_input');
  });

  it('rejects a runs.get beforeSeq without tail, saying how to fix it', async () => {
    const result = await dispatch(handlers(), 'runs.get', { id: 'r1', beforeSeq: 40 });
    expect(result.ok || result.error.message).toBe(
      'runs.get: beforeSeq: beforeSeq pages a tail read: pass tail: true with it',
    );
  });

  it('rejects an unknown command without calling anything', async () => {
    const result = await dispatch(handlers(), 'runs.nuke', {});
    expect(result).toEqual({
      ok: false,
      error: { code: 'unknown_command', message: 'unknown command "runs.nuke"' },
    });
    const proto = await dispatch(handlers(), '__proto__', {});
    expect(proto.ok || proto.error.code).toBe('unknown_command');
  });

  it('catches a handler whose output breaks the contract', async () => {
    const broken = handlers({ 'settings.get': async () => ({ theme: 'neon' }) as never });
    const result = await dispatch(broken, 'settings.get', {});
    expect(result.ok || result.error.code).toBe('invalid_output');
  });

  it('turns thrown errors into error values and never throws', async () => {
    const deliberate = handlers({
      'settings.get': async () => {
        throw new EngineError('conflict', 'someone else is saving');
      },
    });
    expect(await dispatch(deliberate, 'settings.get', {})).toEqual({
      ok: false,
      error: { code: 'conflict', message: 'someone else is saving' },
    });
    const crash = handlers({
      'app.info': async () => {
        throw new TypeError('boom');
      },
    });
    expect(await dispatch(crash, 'app.info', {})).toEqual({
      ok: false,
      error: { code: 'internal', message: 'app.info failed: boom' },
    });
  });
});
