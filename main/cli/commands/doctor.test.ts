import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SetupCheckResult } from '../../../engine/api/setup-check';
import { startScriptedServer, type ScriptedServer } from '../../../engine/llm/scripted-server';
import { captureOutput } from '../../../engine/testing/capture-output';
import { useTempDir } from '../../../engine/testing/temp-dir';
import { EXIT } from '../exit-codes';
import { main } from '../index';
import { dockerReady, isolateEnv } from '../testing/isolate-env';

// `mle-beast doctor` in this process, on the real engine: the machine's Docker daemon, git and Python; a scripted
// OpenAI-compatible server for the provider; a socket path where nothing listens for a dead daemon.

const temp = useTempDir('mle-cli-doctor-');
let server: ScriptedServer | null = null;

beforeEach(() => isolateEnv(temp.dir));
afterEach(async () => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
  await server?.close();
  server = null;
});

const doctor = (...args: string[]) => main(['node', 'mle-beast', 'doctor', ...args]);

describe('mle-beast doctor', () => {
  it('exits 1 with a clear line when the Docker daemon does not answer, each failure with its fix', async () => {
    const socket = path.join(temp.dir, 'no-docker.sock');
    vi.stubEnv('DOCKER_HOST', `unix://${socket}`);
    const io = captureOutput();
    const started = Date.now();
    expect(await doctor('--no-validate-key')).toBe(EXIT.checksFailed);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(io.out()).toMatch(new RegExp(`^  FAIL  Docker daemon +no answer at unix://${socket}`, 'm'));
    expect(io.err()).toMatch(
      /^mle-beast: the Docker daemon does not answer \(no answer at unix:\/\/.*\)\. What to do: .*Start it/,
    );
    // No provider here either: its failure says what to set.
    expect(io.out()).toMatch(
      /^ {2}FAIL {2}LLM provider +no LLM provider configured\n +fix: Set OPENROUTER_API_KEY/m,
    );
    expect(io.out()).toMatch(/^ {2}skip {2}Sandbox image +not checked: Docker does not answer$/m);
    expect(io.out()).toMatch(/^ {2}ok {4}git +git version \d/m);
    expect(io.out()).toMatch(/^2 checks to fix: LLM provider, Docker daemon/m);
  });

  it('exits 0 when every check passes: a provider whose live list has the model, Docker with the image', async () => {
    server = await startScriptedServer([], {
      modelEntries: [{ id: 'acme/big-coder-2', supported_parameters: ['tools'] }],
    });
    vi.stubEnv('LOCAL_LLM_BASE_URL', server.baseURL);
    vi.stubEnv('MLE_BEAST_MODEL', 'acme/big-coder-2');
    const ready = dockerReady();
    const io = captureOutput();
    expect(await doctor()).toBe(ready ? EXIT.ok : EXIT.checksFailed);
    expect(io.out()).toMatch(/^ {2}ok {4}Model list \(live\) +1 model listed by http:\/\/127\.0\.0\.1/m);
    expect(io.out()).toMatch(/^ {2}ok {4}Model +acme\/big-coder-2 is listed$/m);
    if (ready) {
      expect(io.out()).toMatch(/^ {2}ok {4}Docker daemon +Docker \d/m);
      expect(io.out()).toMatch(/^All checks passed/m);
      expect(io.err()).toBe('');
    }
    expect(server.requests.filter((r) => r.path === '/v1/models')).toHaveLength(1);
  });

  it('--json prints setup.check as is; --no-validate-key asks the provider nothing', async () => {
    server = await startScriptedServer([], { modelEntries: [{ id: 'acme/big-coder-2' }] });
    vi.stubEnv('LOCAL_LLM_BASE_URL', server.baseURL);
    const io = captureOutput();
    const code = await doctor('--json', '--no-validate-key');
    const result = JSON.parse(io.out()) as SetupCheckResult;
    expect(code).toBe(result.ok ? EXIT.ok : EXIT.checksFailed);
    expect(result.checks.map((c) => c.id)).toEqual([
      'provider',
      'key',
      'catalog',
      'model',
      'docker',
      'image',
      'os-sandbox',
      'gpu',
      'git',
      'python',
    ]);
    expect(result.checks.find((c) => c.id === 'catalog')?.status).toBe('skipped');
    expect(server.requests).toHaveLength(0);
  });
});
