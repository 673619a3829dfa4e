import { z } from 'zod';

/**
 * The safety policy as hosts see it: check what a command or Python file may do (the same verdict the agent's
 * tools and `mle-beast sandbox exec` get), read the effective policy, and replace the user's additions.
 */

const absolute = (what: string) =>
  z
    .string()
    .trim()
    .min(1, `give the ${what}`)
    .refine((p) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p), {
      message: `the ${what} must be an absolute path`,
    });

export const PolicyCheckInput = z
  .object({
    /** A shell command line, as the agent's run_shell_command gets it. */
    command: z.string().optional(),
    /** A Python file to screen instead (absolute, or relative to the workspace). */
    pythonFile: z.string().optional(),
    /** The workspace the command would run in. */
    workspace: absolute('workspace folder'),
    /**
     * Where the command runs: `host` (paths are this machine's) or `sandbox` (paths are the sandbox's:
     * /workspace, HOME and /tmp its own). Default `host`.
     */
    place: z.enum(['host', 'sandbox']).optional(),
    /** A user policy file to merge on the shipped one instead of ~/.mle-beast/policy.json. */
    policyFile: z.string().optional(),
  })
  .strict()
  .superRefine((input, ctx) => {
    const hasCommand = (input.command ?? '').trim() !== '';
    const hasFile = (input.pythonFile ?? '').trim() !== '';
    if (hasCommand === hasFile) {
      ctx.addIssue({
        code: 'custom',
        path: [hasCommand ? 'pythonFile' : 'command'],
        message: hasCommand
          ? 'give either a command or a pythonFile, not both'
          : 'give the shell command to check (command) or a Python file (pythonFile)',
      });
    }
  });
export type PolicyCheckInput = z.input<typeof PolicyCheckInput>;

export const PolicyVerdict = z.object({
  allowed: z.boolean(),
  kind: z.enum(['shell', 'python_file']),
  /** What blocked it (`token:sudo`, `pattern:<source>`, `path-containment`...), as safety.log names it. */
  rule: z.string().nullable(),
  /** What is wrong and how to proceed; null when allowed. */
  reason: z.string().nullable(),
});
export type PolicyVerdict = z.infer<typeof PolicyVerdict>;

/** One layer of rules (the shipped file, the user's additions, or both merged). */
export const PolicyRules = z.object({
  /** Command names, blocked wherever they appear as a command. */
  blockedTokens: z.array(z.string()),
  /** Regular expressions, matched case-insensitively against the command line. */
  blockedPatterns: z.array(z.string()),
  /** Writable places outside the workspace (absolute, or `~/...`). */
  allowPathsOutsideWorkspace: z.array(z.string()),
});
export type PolicyRules = z.infer<typeof PolicyRules>;

export const PolicyInfo = z.object({
  /** The rules that ship with mle-beast (a user file can add to them, never remove). */
  shipped: PolicyRules,
  /** The user's additions (empty when the file does not exist or does not load). */
  user: PolicyRules,
  /** Shipped + user: what the checker applies. */
  effective: PolicyRules,
  userFile: z.object({
    /** Absolute path of the user's policy file. */
    path: z.string(),
    exists: z.boolean(),
    /** Why the file does not load (runs refuse to start until it is fixed); null when it loads. */
    error: z.string().nullable(),
  }),
});
export type PolicyInfo = z.infer<typeof PolicyInfo>;

/** Replaces the user's additions as a whole; every rule is checked, and nothing is saved on an error. */
export const PolicyUpdateInput = PolicyRules.strict();
export type PolicyUpdateInput = z.input<typeof PolicyUpdateInput>;
