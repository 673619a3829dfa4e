import { fileURLToPath } from 'node:url';
import { createEngine } from '../../engine/service/index';
import { assertHostAllowed, startServer } from '../server/http-server';
import { assertRendererBuilt } from '../shared/renderer-files';
import { isLoopbackHost } from '../server/auth';
import { openBrowser } from './open-browser';

export interface ServeOptions {
  host: string;
  port: number;
  browser: boolean;
  allowRemote: boolean;
}

/** The built dashboard sits beside the CLI bundle: out/cli -> out/renderer. */
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));

/**
 * Where the browser host keeps the API keys typed into its Settings. It cannot reach the desktop keychain; on
 * loopback a key goes from the browser to this machine only, so it is kept in a 0600 file beside the database
 * (with the user's agreement, said plainly). Beyond loopback no key is accepted: it would cross the network.
 */
export function savedKeysFor(host: string): { secrets: 'user-file' } | { secretsUnavailable: string } {
  if (isLoopbackHost(host)) return { secrets: 'user-file' };
  return {
    secretsUnavailable:
      `This dashboard is served on ${host}, beyond loopback, so it accepts no API key: one typed here would ` +
      'cross the network.',
  };
}

export async function serve(options: ServeOptions): Promise<void> {
  // Check everything the user typed before anything is created on disk.
  assertHostAllowed(options.host, options.allowRemote);
  const rendererDir = process.env.MLE_BEAST_RENDERER_DIR ?? RENDERER_DIR;
  assertRendererBuilt(rendererDir);
  // A promise rejected with no handler is a bug in one command or probe; it must not end the server and every
  // run it hosts (Node's default since 15). Said on stderr, as a failed request is.
  process.on('unhandledRejection', (reason) => {
    const text = reason instanceof Error ? (reason.stack ?? reason.message) : String(reason);
    console.error(`mle-beast serve: an unhandled error (a bug: please report it): ${text}`);
  });
  const engine = createEngine({
    host: 'server',
    cleanupOrphanSandboxes: true,
    tailOtherProcesses: true,
    ...savedKeysFor(options.host),
  });
  let server;
  try {
    server = await startServer({
      engine,
      host: options.host,
      port: options.port,
      rendererDir,
      allowRemote: options.allowRemote,
    });
  } catch (error) {
    await engine.close();
    throw error;
  }
  for (const note of engine.store.notes) console.log(`database: ${note}`);
  if (!isLoopbackHost(options.host)) {
    console.warn(
      `WARNING: listening on ${options.host}, not loopback. Anyone who can reach this port and has the token ` +
        'controls the agent and the sandboxes. Prefer an SSH tunnel to 127.0.0.1.',
    );
  }
  console.log(`mle-beast dashboard: ${server.urlWithToken}`);
  console.log(`database: ${engine.store.path}`);
  if (options.browser) openBrowser(server.urlWithToken, (line) => console.log(line));

  await new Promise<void>((resolve) => {
    let stopping = false;
    const stop = (signal: NodeJS.Signals) => {
      // A second signal while stopping (a second Ctrl-C): leave now, as terminals users expect.
      if (stopping) {
        console.log(`${signal} again: exiting without waiting for the runs to stop.`);
        process.exit(130);
      }
      stopping = true;
      // Said with the signal: a serve that stops listening is then explained in its own output.
      console.log(`stopping (${signal})…`);
      // Runs of this process stop as interrupted (resumable) before the database closes.
      void server
        .close()
        .then(() => engine.close())
        .then(resolve);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
