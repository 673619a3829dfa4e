import { z } from 'zod';

/** The messages between the engine's thread and the git thread (git-off-loop.ts), checked on both sides. */

export const GitCall = z.object({
  id: z.number().int(),
  cwd: z.string(),
  args: z.array(z.string()),
  options: z.object({
    timeoutMs: z.number().optional(),
    gitBinary: z.string().optional(),
    configOverrides: z.array(z.string()).optional(),
    okExitCodes: z.array(z.number()).optional(),
    input: z.string().optional(),
  }),
  encoding: z.enum(['utf8', 'buffer']),
});
export type GitCall = z.infer<typeof GitCall>;

export const GitReply = z.discriminatedUnion('ok', [
  z.object({
    id: z.number().int(),
    ok: z.literal(true),
    stdout: z.union([z.string(), z.instanceof(Uint8Array)]),
    stderr: z.string(),
    exitCode: z.number(),
  }),
  z.object({
    id: z.number().int(),
    ok: z.literal(false),
    error: z.discriminatedUnion('kind', [
      // A GitError, field for field, so the caller throws the same error the engine's thread would.
      z.object({
        kind: z.literal('git'),
        code: z.enum(['git_failed', 'git_timeout', 'git_missing']),
        message: z.string(),
        command: z.string(),
        cwd: z.string(),
        exitCode: z.number().nullable(),
        stderr: z.string(),
      }),
      z.object({ kind: z.literal('other'), message: z.string() }),
    ]),
  }),
]);
export type GitReply = z.infer<typeof GitReply>;
