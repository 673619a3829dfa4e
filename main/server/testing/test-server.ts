import fs from 'node:fs';
import path from 'node:path';
import { createEngine, type Engine, type EngineOptions } from '../../../engine/service/engine';
import { makeTempDir } from '../../../engine/testing/temp-dir';
import { startServer, type RunningServer } from '../http-server';

export interface TestServer {
  server: RunningServer;
  engine: Engine;
  /** The built-renderer stand-in the server serves (an index.html). */
  rendererDir: string;
  /** Every line the server logged. */
  log: string[];
  /** Authorization header with the server's token. */
  bearer: Record<string, string>;
  close(): Promise<void>;
}

/**
 * A real browser host on an ephemeral loopback port over a real engine and database in a temp folder.
 * `wrapEngine` lets a test hand the server an engine with one part replaced (to make a handler fail).
 */
export async function startTestServer(
  wrapEngine: (engine: Engine) => Engine = (e) => e,
  options: Pick<EngineOptions, 'tailOtherProcesses' | 'secrets' | 'secretsUnavailable' | 'runs'> = {},
): Promise<TestServer> {
  const temp = makeTempDir('mle-beast-server-');
  const rendererDir = path.join(temp.dir, 'renderer');
  fs.mkdirSync(rendererDir);
  fs.writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>mle-beast</title>');
  const engine = createEngine({
    host: 'server',
    databasePath: path.join(temp.dir, 'db.sqlite'),
    probeDocker: async () => ({ available: false, version: null, endpoint: 'unix:///none', error: 'none' }),
    ...options,
  });
  const log: string[] = [];
  const server = await startServer({
    engine: wrapEngine(engine),
    host: '127.0.0.1',
    port: 0,
    rendererDir,
    log: (line) => log.push(line),
  });
  return {
    server,
    engine,
    rendererDir,
    log,
    bearer: { Authorization: `Bearer ${server.token}` },
    close: async () => {
      await server.close();
      await engine.close();
      temp.cleanup();
    },
  };
}

/** Errors that reached the process's last-resort handlers while a suite ran; any one is a crash in `serve`. */
export function watchProcessErrors(): { errors: unknown[]; stop(): void } {
  const errors: unknown[] = [];
  const record = (error: unknown) => errors.push(error);
  process.on('uncaughtException', record);
  process.on('unhandledRejection', record);
  return {
    errors,
    stop: () => {
      process.off('uncaughtException', record);
      process.off('unhandledRejection', record);
    },
  };
}
