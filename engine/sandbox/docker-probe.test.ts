import { afterEach, describe, expect, it } from 'vitest';
import { dockerEndpoint, explainDockerError, probeDocker } from './docker-probe';

const errno = (code: string) => Object.assign(new Error(code), { code });

describe('docker probe', () => {
  const saved = process.env.DOCKER_HOST;
  afterEach(() => {
    if (saved === undefined) delete process.env.DOCKER_HOST;
    else process.env.DOCKER_HOST = saved;
  });

  it('honours DOCKER_HOST for the endpoint it reports', () => {
    expect(dockerEndpoint({ DOCKER_HOST: 'ssh://me@gpu-box' })).toBe('ssh://me@gpu-box');
    expect(dockerEndpoint({})).toMatch(/docker/);
  });

  it('explains each failure with what to do', () => {
    expect(explainDockerError(errno('ENOENT'), 'unix:///s')).toMatch(/not installed or not running/);
    expect(explainDockerError(errno('ECONNREFUSED'), 'tcp://h:2375')).toMatch(/not running/);
    expect(explainDockerError(errno('EACCES'), 'unix:///s')).toMatch(/docker group/);
    expect(explainDockerError(new Error('weird'), 'unix:///s')).toMatch(/did not answer: weird/);
  });

  it('reports an absent daemon as unavailable instead of throwing', async () => {
    process.env.DOCKER_HOST = 'unix:///nonexistent/mle-beast-test.sock';
    const status = await probeDocker(500);
    expect(status).toEqual({
      available: false,
      version: null,
      endpoint: 'unix:///nonexistent/mle-beast-test.sock',
      error: expect.stringMatching(/not installed or not running/),
    });
  });

  it('reports a malformed DOCKER_HOST as unavailable', async () => {
    process.env.DOCKER_HOST = 'tcp://';
    const status = await probeDocker(500);
    expect(status.available).toBe(false);
    expect(status.error).toMatch(/tcp:\/\//);
  });
});
