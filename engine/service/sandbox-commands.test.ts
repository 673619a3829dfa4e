import fs from 'node:fs';
import path from 'node:path';
import Dockerode from 'dockerode';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../api/dispatch';
import type { EventMessage } from '../api/contract';
import type { SandboxBuildFinished, SandboxBuildProgress, SandboxStatus } from '../api/sandbox';
import { probeOsSandbox } from '../sandbox/os-sandbox/probe';
import { offlineImageTag } from '../sandbox/images';
import { daemon, dockerSuiteTitle } from '../testing/docker';
import { makeTempDir } from '../testing/temp-dir';
import { createEngine, type Engine } from './engine';

// sandbox.status and sandbox.build through dispatch, against the machine's real Docker daemon. The build tests
// build tiny real images (FROM scratch, a label) from a recipe folder of their own: the whole event flow of
// the real builder (dockerode's buildImage, its progress stream, the final inspect) in a second, instead of the
// sandbox image's minutes.

const temp = makeTempDir('mle-sandbox-commands-');
afterAll(() => temp.cleanup());

const engines: Engine[] = [];
function engine(env?: NodeJS.ProcessEnv): Engine {
  const e = createEngine({
    host: 'cli',
    databasePath: path.join(temp.dir, `db-${engines.length}.sqlite`),
    ...(env ? { runs: { env } } : {}),
  });
  engines.push(e);
  return e;
}
afterEach(async () => {
  for (const e of engines.splice(0)) {
    await e.builds.idle();
    await e.close();
  }
});

/** A recipe folder holding this Dockerfile, as MLE_BEAST_SANDBOX_RESOURCES points the builder to it. */
function recipe(name: string, dockerfile: string): NodeJS.ProcessEnv {
  const dir = path.join(temp.dir, name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'Dockerfile'), dockerfile);
  return { ...process.env, MLE_BEAST_SANDBOX_RESOURCES: dir };
}

function collect(e: Engine) {
  const progress: SandboxBuildProgress[] = [];
  const finished: SandboxBuildFinished[] = [];
  e.events.subscribe((m: EventMessage) => {
    if (m.name === 'sandbox.build.progress') progress.push(m.payload);
    if (m.name === 'sandbox.build.finished') finished.push(m.payload);
  });
  return { progress, finished };
}

const testTag = (what: string) => `mle-beast-contract-test:${what}-${process.pid}-${Date.now().toString(36)}`;
const docker = new Dockerode();
const removeImage = (tag: string) =>
  docker
    .getImage(tag)
    .remove({ force: true })
    .catch(() => undefined);

describe('sandbox.status', () => {
  it('says why Docker does not answer and what to do, and still reports the OS sandbox and the GPU', async () => {
    const e = engine({ ...process.env, DOCKER_HOST: `unix://${path.join(temp.dir, 'no-docker.sock')}` });
    const result = await dispatch(e.handlers, 'sandbox.status', {});
    if (!result.ok) throw new Error(result.error.message);
    const status = result.value as SandboxStatus;
    expect(status.ready).toBe(false);
    expect(status.docker.available).toBe(false);
    expect(status.docker.endpoint).toContain('no-docker.sock');
    expect(status.docker.problem?.message).toBeTruthy();
    expect(status.advice[0]).toBe(status.docker.problem?.message);
    expect(status.images.every((i) => !i.present && i.sizeBytes === null)).toBe(true);
    expect(status.images.map((i) => i.build)).toEqual([
      'mle-beast sandbox build',
      'mle-beast sandbox build --offline',
    ]);
    const os = await probeOsSandbox(process.env);
    expect(status.osSandbox.kind).toBe(os.kind);
    expect(status.osSandbox.available).toBe(os.kind !== 'none');
    expect(typeof status.gpu.detected).toBe('boolean');
    expect(status.gpu.note).toBeTruthy();
    expect(status.build).toBeNull();
  });

  it('refuses input it does not take', async () => {
    const e = engine();
    const result = await dispatch(e.handlers, 'sandbox.status', { verbose: true });
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
  });

  it.skipIf(!daemon.available)(
    dockerSuiteTitle('reports the daemon and the sandbox images it holds'),
    async () => {
      const e = engine();
      const result = await dispatch(e.handlers, 'sandbox.status', {});
      if (!result.ok) throw new Error(result.error.message);
      const status = result.value as SandboxStatus;
      expect(status.docker).toMatchObject({ available: true, version: daemon.version, problem: null });
      const offline = status.images.find((i) => i.variant === 'offline')!;
      expect(offline.tag).toBe(offlineImageTag());
      const inspected = await docker
        .getImage(offline.tag)
        .inspect()
        .catch(() => null);
      expect(offline.present).toBe(inspected !== null);
      if (inspected) {
        expect(offline.sizeBytes).toBe(inspected.Size);
        expect(offline.createdAt).toBe(new Date(inspected.Created).toISOString());
        expect(status.ready).toBe(true);
        expect(status.defaultImage).not.toBeNull();
      }
    },
  );
});

describe.skipIf(!daemon.available)(dockerSuiteTitle('sandbox.build'), () => {
  it('answers at once with a build id, streams progress events, and finishes with the built image', async () => {
    const tag = testTag('ok');
    const e = engine(recipe('ok', 'FROM scratch\nLABEL dev.mlebeast.test=contract\n'));
    const events = collect(e);
    try {
      const started = await dispatch(e.handlers, 'sandbox.build', { variant: 'online', tag });
      expect(started).toMatchObject({ ok: true, value: { status: 'started', tag, variant: 'online' } });
      const buildId = (started as { value: { buildId: string } }).value.buildId;
      expect(buildId).toMatch(/^build-/);
      // The same build asked again while it runs: its id, not a second build.
      const again = await dispatch(e.handlers, 'sandbox.build', { variant: 'online', tag });
      expect(again).toMatchObject({ ok: true, value: { status: 'running', buildId } });
      // Another image while one builds: a clear conflict.
      const other = await dispatch(e.handlers, 'sandbox.build', { variant: 'online', tag: `${tag}-other` });
      expect(other).toMatchObject({ ok: false, error: { code: 'conflict' } });
      expect((other as { error: { message: string } }).error.message).toContain(buildId);
      const status = await dispatch(e.handlers, 'sandbox.status', {});
      expect(status).toMatchObject({ ok: true, value: { build: { buildId, tag, variant: 'online' } } });

      await e.builds.idle();
      expect(events.finished).toHaveLength(1);
      const finished = events.finished[0]!;
      expect(finished).toMatchObject({ buildId, ok: true, error: null, tag });
      expect(finished.sizeBytes).toBeGreaterThanOrEqual(0);
      expect(events.progress.length).toBeGreaterThan(0);
      expect(events.progress.every((p) => p.buildId === buildId)).toBe(true);
      const lines = events.progress.map((p) => p.line);
      expect(lines).toContain('Step 2/2 : LABEL dev.mlebeast.test=contract');
      const step2 = events.progress.find((p) => p.line.startsWith('Step 2/2'))!;
      expect(step2).toMatchObject({ phase: 'building', percent: 50 });
      expect(events.progress.at(-1)).toMatchObject({ phase: 'finishing', percent: 100 });
      const inspected = await docker.getImage(tag).inspect();
      expect(inspected.Config?.Labels?.['dev.mlebeast.test']).toBe('contract');
      // Done: no build is running, and ifMissing finds the image there.
      expect(e.builds.current()).toBeNull();
      const present = await dispatch(e.handlers, 'sandbox.build', {
        variant: 'online',
        tag,
        ifMissing: true,
      });
      expect(present).toMatchObject({ ok: true, value: { status: 'present', buildId: null, tag } });
    } finally {
      await e.builds.idle();
      await removeImage(tag);
    }
  });

  it('reports a failing build in its finished event, with the daemon reason', async () => {
    const tag = testTag('fail');
    // FROM scratch has no shell: the RUN step fails in the daemon.
    const e = engine(recipe('fail', 'FROM scratch\nRUN true\n'));
    const events = collect(e);
    try {
      const started = await dispatch(e.handlers, 'sandbox.build', { variant: 'online', tag });
      expect(started).toMatchObject({ ok: true, value: { status: 'started' } });
      await e.builds.idle();
      expect(events.finished).toEqual([
        expect.objectContaining({ ok: false, tag, sizeBytes: null, error: expect.stringContaining(tag) }),
      ]);
      expect(events.finished[0]!.error).toMatch(/failed/);
      // The next build may start: the failed one is over.
      expect(e.builds.current()).toBeNull();
    } finally {
      await removeImage(tag);
    }
  });

  it('checks its input: the variant, and a base image only for the online build', async () => {
    const e = engine();
    const bad = await dispatch(e.handlers, 'sandbox.build', { variant: 'gpu' });
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid_input' } });
    const base = await dispatch(e.handlers, 'sandbox.build', { variant: 'offline', baseImage: 'x:y' });
    expect(base).toMatchObject({
      ok: false,
      error: { code: 'invalid_input', issues: [{ path: 'baseImage' }] },
    });
    expect(e.builds.current()).toBeNull();
  });
});
