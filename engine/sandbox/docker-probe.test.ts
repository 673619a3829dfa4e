import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { daemon, dockerSuiteTitle } from '../testing/docker';
import { makeTempDir, useTempDir } from '../testing/temp-dir';
import {
  classifyDockerError,
  connectDocker,
  dockerEndpoint,
  explainDockerError,
  probeDocker,
} from './docker-probe';
import { startDockerSandbox } from './docker-sandbox';
import { findSandboxImage } from './images';

const errno = (code: string) => Object.assign(new Error(code), { code });
const isRoot = process.getuid?.() === 0;

describe('docker probe', () => {
  const saved = process.env.DOCKER_HOST;
  const temp = useTempDir();
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('honours DOCKER_HOST for the endpoint it reports', () => {
    expect(dockerEndpoint({ DOCKER_HOST: 'ssh://me@gpu-box' })).toBe('ssh://me@gpu-box');
    expect(dockerEndpoint({})).toMatch(/^unix:\/\/.*docker\.sock$/);
  });

  it('explains each failure with what to do', () => {
    const noDocker = { PATH: path.dirname(process.execPath) };
    fs.writeFileSync(path.join(temp.dir, 'docker'), '#!/bin/sh\n', { mode: 0o755 });
    const installed = { PATH: temp.dir };
    expect(classifyDockerError(errno('ENOENT'), 'unix:///s', noDocker)).toMatchObject({
      code: 'docker_not_installed',
    });
    expect(explainDockerError(errno('ENOENT'), 'unix:///s', noDocker)).toMatch(
      /not installed.*apt-get install docker.io/,
    );
    expect(classifyDockerError(errno('ENOENT'), 'unix:///s', installed)).toMatchObject({
      code: 'docker_not_running',
    });
    expect(explainDockerError(errno('ENOENT'), 'unix:///s', installed)).toMatch(
      /not running.*systemctl start docker/,
    );
    expect(explainDockerError(errno('ECONNREFUSED'), 'tcp://h:2375')).toMatch(
      /nothing answers at tcp:\/\/h:2375/,
    );
    expect(explainDockerError(errno('EACCES'), 'unix:///s')).toMatch(/docker group/);
    expect(
      explainDockerError(
        Object.assign(new Error('All configured authentication methods failed'), {
          level: 'client-authentication',
        }),
        'ssh://u@h',
      ),
    ).toMatch(/ssh-add/);
    expect(explainDockerError(errno('DEPTH_ZERO_SELF_SIGNED_CERT'), 'tcp://h:2376')).toMatch(
      /DOCKER_CERT_PATH/,
    );
    expect(explainDockerError(new Error('weird'), 'unix:///s')).toMatch(/did not answer: weird/);
  });

  it('reports an absent daemon as unavailable instead of throwing', async () => {
    process.env.DOCKER_HOST = 'unix:///nonexistent/mle-beast-test.sock';
    const status = await probeDocker(500);
    expect(status).toEqual({
      available: false,
      version: null,
      endpoint: 'unix:///nonexistent/mle-beast-test.sock',
      error: expect.stringMatching(/not installed|not running/),
    });
  });

  it('a missing socket is "not installed" without a docker program, "not running" with one (real connects)', async () => {
    const host = { DOCKER_HOST: `unix://${temp.dir}/none.sock` };
    const none = await connectDocker({ env: { ...host, PATH: '/nonexistent' }, timeoutMs: 1000 });
    expect(none.ok).toBe(false);
    if (!none.ok)
      expect(none.error).toMatchObject({
        code: 'docker_not_installed',
        message: expect.stringMatching(/Install Docker/),
      });
    fs.writeFileSync(path.join(temp.dir, 'dockerd'), '#!/bin/sh\n', { mode: 0o755 });
    const stopped = await connectDocker({ env: { ...host, PATH: temp.dir }, timeoutMs: 1000 });
    expect(stopped.ok).toBe(false);
    if (!stopped.ok)
      expect(stopped.error).toMatchObject({
        code: 'docker_not_running',
        message: expect.stringMatching(/Start it/),
      });
  });

  it('a stale socket or a closed tcp port is "not running" (real connects)', async () => {
    const stale = path.join(temp.dir, 'stale.sock');
    fs.writeFileSync(stale, '');
    const r = await connectDocker({
      env: { DOCKER_HOST: `unix://${stale}`, PATH: process.env.PATH },
      timeoutMs: 1000,
    });
    expect(r.ok || r.error.code).toBe('docker_not_running');
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((resolve) => server.close(resolve));
    const tcp = await connectDocker({ env: { DOCKER_HOST: `tcp://127.0.0.1:${port}` }, timeoutMs: 1000 });
    expect(tcp.ok).toBe(false);
    if (!tcp.ok)
      expect(tcp.error).toMatchObject({
        code: 'docker_not_running',
        message: expect.stringMatching(/nothing answers/),
      });
  });

  it.skipIf(!isRoot)(
    '(root) a socket the user may not open is "permission denied": dockerode run without root\'s file override',
    async () => {
      const dir = makeTempDir();
      fs.chmodSync(dir.dir, 0o755);
      const socket = path.join(dir.dir, 'docker.sock');
      const server = net.createServer((c) => c.destroy());
      await new Promise<void>((resolve) => server.listen(socket, resolve));
      // Someone else's socket, closed to others: what a user outside the docker group meets.
      fs.chownSync(socket, 65534, 65534);
      fs.chmodSync(socket, 0o600);
      try {
        const dockerode = createRequire(import.meta.url).resolve('dockerode');
        const script = `const D = require(${JSON.stringify(dockerode)});
        new D({ socketPath: ${JSON.stringify(socket)} }).version().then(
          () => console.log(JSON.stringify({ ok: true })),
          (e) => console.log(JSON.stringify({ code: e.code, message: e.message })));`;
        // Still uid 0 (so Node and the checkout stay readable wherever they are installed), but without the
        // capabilities that let root ignore file permissions: connecting is refused exactly as for a user.
        const child = spawn(
          'setpriv',
          ['--bounding-set=-dac_override,-dac_read_search', '--', process.execPath, '-e', script],
          { stdio: ['ignore', 'pipe', 'inherit'] },
        );
        let out = '';
        child.stdout.on('data', (c) => (out += c));
        await new Promise((resolve) => child.once('close', resolve));
        const failure = JSON.parse(out) as { code: string; message: string };
        expect(failure.code).toBe('EACCES');
        const explained = classifyDockerError(
          Object.assign(new Error(failure.message), { code: failure.code }),
          `unix://${socket}`,
        );
        expect(explained.code).toBe('docker_permission_denied');
        expect(explained.message).toMatch(/usermod -aG docker/);
      } finally {
        await new Promise((resolve) => server.close(resolve));
        dir.cleanup();
      }
    },
  );

  it('reports a malformed DOCKER_HOST as unavailable', async () => {
    process.env.DOCKER_HOST = 'tcp://';
    const status = await probeDocker(500);
    expect(status.available).toBe(false);
    expect(status.error).toMatch(/tcp:\/\//);
  });
});

// Against the real daemon: a missing image is an error value that says how to build one.
describe.skipIf(!daemon.available)(dockerSuiteTitle('missing sandbox image'), () => {
  it('is image_missing with the command that builds it', async () => {
    const connection = await connectDocker();
    if (!connection.ok) throw connection.error;
    const found = await findSandboxImage(connection.value.docker, 'mle-beast-sandbox:no-such-tag');
    expect(found.ok).toBe(false);
    if (!found.ok) {
      expect(found.error.code).toBe('image_missing');
      expect(found.error.message).toMatch(/mle-beast-sandbox:no-such-tag.*mle-beast sandbox build --offline/);
    }
    const temp = makeTempDir();
    try {
      const started = await startDockerSandbox({
        runId: 'no-image',
        workspaceDir: temp.dir,
        image: 'mle-beast-sandbox:no-such-tag',
      });
      expect(started.ok).toBe(false);
      if (!started.ok) expect(started.error.code).toBe('image_missing');
    } finally {
      temp.cleanup();
    }
  });
});
