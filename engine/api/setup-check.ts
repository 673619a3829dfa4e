import { z } from 'zod';
import { ModelCatalogList } from './catalog';
import { ProviderName } from './vocabulary';

/**
 * `setup.check`: everything a first start and `mle-beast doctor` look at, as one list of checks, each with what
 * was found and, when it is not ok, what to do. The desktop wizard, Settings and `doctor` show the same list.
 */

/** The checks, in the order they are shown. */
export const SETUP_CHECK_IDS = [
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
] as const;
export const SetupCheckId = z.enum(SETUP_CHECK_IDS);
export type SetupCheckId = z.infer<typeof SetupCheckId>;

/**
 * The checks by what they are about: `provider` (provider, key, live model list, model), `sandbox` (Docker, the
 * image, the OS sandbox, the GPU), `tools` (git, Python for local runs). A wizard step asks for its group only.
 */
export const SETUP_CHECK_GROUPS = {
  provider: ['provider', 'key', 'catalog', 'model'],
  sandbox: ['docker', 'image', 'os-sandbox', 'gpu'],
  tools: ['git', 'python'],
} as const satisfies Record<string, readonly SetupCheckId[]>;
export const SetupCheckGroup = z.enum(['provider', 'sandbox', 'tools']);
export type SetupCheckGroup = z.infer<typeof SetupCheckGroup>;

/** ok: fine; warn: works, with a caveat; fail: something to fix before runs work; skipped: not looked at. */
export const SetupCheckStatus = z.enum(['ok', 'warn', 'fail', 'skipped']);
export type SetupCheckStatus = z.infer<typeof SetupCheckStatus>;

export const SetupCheckItem = z.object({
  id: SetupCheckId,
  label: z.string(),
  status: SetupCheckStatus,
  /** What was found (a version, a source, why it failed), one sentence. */
  detail: z.string(),
  /** What to do when it is not ok (a command, a setting, a variable); null when ok. */
  fix: z.string().nullable(),
});
export type SetupCheckItem = z.infer<typeof SetupCheckItem>;

export const SetupCheckInput = z
  .object({
    /** Only these groups (default: all). */
    groups: z.array(SetupCheckGroup).min(1, 'name at least one group, or leave groups out').optional(),
    /**
     * A provider to check before it is saved (the wizard's choice): checked as if it were configured, in place of
     * what the shell, `.env` and the settings give. Without it, the provider a run started now would use.
     */
    candidate: z
      .object({
        provider: ProviderName,
        /** The local server's OpenAI-compatible base URL; required for `local`, refused for the others. */
        baseUrl: z.url({ protocol: /^https?$/, error: 'expected an http:// or https:// URL' }).optional(),
        /** The model to look for in the list; default: the one configured, else the provider's default. */
        model: z.string().trim().min(1).max(200).optional(),
      })
      .strict()
      .refine((c) => c.provider !== 'local' || c.baseUrl !== undefined, {
        message: 'a local provider needs the URL of its server, e.g. http://127.0.0.1:11434/v1',
        path: ['baseUrl'],
      })
      .refine((c) => c.provider === 'local' || c.baseUrl === undefined, {
        message: 'baseUrl applies to the local provider only (OpenRouter and OpenAI have fixed endpoints)',
        path: ['baseUrl'],
      })
      .optional(),
  })
  .strict();
export type SetupCheckInput = z.input<typeof SetupCheckInput>;

export const SetupCheckResult = z.object({
  /** No check failed (warnings and skipped ones allowed): `doctor` exits 0. */
  ok: z.boolean(),
  checks: z.array(SetupCheckItem),
  /** The provider the provider checks looked at; null when none could be resolved or they were not asked. */
  provider: z
    .object({
      provider: ProviderName,
      /** Credentials in it masked. */
      baseUrl: z.string(),
      model: z.string(),
      /** The model was chosen by no one: the provider's default, or the local server's placeholder. */
      modelIsDefault: z.boolean(),
    })
    .nullable(),
  /** The live model list the `catalog` check fetched (for the model choice); null when it was not fetched. */
  catalog: ModelCatalogList.nullable(),
});
export type SetupCheckResult = z.infer<typeof SetupCheckResult>;
