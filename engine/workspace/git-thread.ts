import { isMainThread, parentPort } from 'node:worker_threads';
import { GitError } from './errors';
import { GitCall, type GitReply } from './git-thread-protocol';
import { spawnGitHere } from './git';

/**
 * The git thread's entry (see git-off-loop.ts): runs each git call it is sent with the same spawnGitHere the
 * engine's thread would use, and answers with its output or its GitError's fields. Calls run concurrently,
 * as they would on the engine's own loop. Built beside the engine by every host (scripts/build-node.mjs,
 * electron.vite.config.ts; vitest's global setup bundles it).
 */
if (!isMainThread && parentPort) {
  const port = parentPort;
  port.on('message', (raw: unknown) => {
    const call = GitCall.safeParse(raw);
    if (!call.success) {
      const id = typeof (raw as { id?: unknown })?.id === 'number' ? (raw as { id: number }).id : -1;
      port.postMessage({
        id,
        ok: false,
        error: { kind: 'other', message: `the git thread got a malformed call: ${call.error.message}` },
      } satisfies GitReply);
      return;
    }
    const { id, cwd, args, options, encoding } = call.data;
    spawnGitHere(cwd, args, options, encoding).then(
      (result) => port.postMessage({ id, ok: true, ...result }),
      (error: unknown) => {
        const reply: GitReply =
          error instanceof GitError
            ? {
                id,
                ok: false,
                error: {
                  kind: 'git',
                  code: error.code as 'git_failed' | 'git_timeout' | 'git_missing',
                  message: error.message,
                  command: error.command,
                  cwd: error.cwd,
                  exitCode: error.exitCode,
                  stderr: error.stderr,
                },
              }
            : {
                id,
                ok: false,
                error: { kind: 'other', message: (error as Error)?.message ?? String(error) },
              };
        port.postMessage(reply);
      },
    );
  });
}
