import { z } from 'zod';
import { NetworkMode, ProviderName, SandboxChoice } from './vocabulary';

/**
 * The one settings schema. Field types and defaults are kept apart on purpose: zod applies `.default()`
 * even inside `.partial()`, which would turn an update of one field into a reset of all the others.
 */
export const Settings = z.object({
  theme: z.enum(['system', 'light', 'dark']),
  /** The sandbox choices and network modes are declared in ./vocabulary. */
  defaultSandbox: SandboxChoice,
  defaultNetwork: NetworkMode,
  defaultMaxSteps: z.number().int().min(1).max(1000),
  /**
   * Run limits used where project.yaml and the flags are silent (engine/config/resolve-project.ts). Null caps
   * are "no cap": a run then stops on its steps, failures or target.
   */
  defaultMaxConsecutiveFailures: z.number().int().min(1).max(1000),
  defaultMaxCostUsd: z.number().positive().max(100_000).nullable(),
  defaultMaxWallMinutes: z.number().positive().max(43_200).nullable(),
  forceCpu: z.boolean(),
  /**
   * The LLM provider settings that take part in provider resolution beneath the shell and `.env`
   * (engine/config/README.md). Null: not set. API keys are not kept here: the desktop app will keep them in
   * the OS keychain (Electron safeStorage).
   */
  /** Per-tool time limits of a run's commands (a value the model gives explicitly is kept, up to 4x). */
  shellTimeoutSeconds: z.number().int().min(5).max(86_400),
  pythonTimeoutSeconds: z.number().int().min(5).max(86_400),
  testTimeoutSeconds: z.number().int().min(5).max(86_400),
  trainingTimeoutMinutes: z.number().int().min(1).max(10_080),
  evaluateTimeoutMinutes: z.number().int().min(1).max(1_440),
  llmProvider: ProviderName.nullable(),
  llmModel: z.string().trim().min(1).max(200).nullable(),
  localBaseUrl: z.url({ protocol: /^https?$/ }).nullable(),
  /**
   * The first-start wizard was skipped: the app opens on the dashboard even with no provider configured.
   * Settings' "Run set-up again" opens the wizard whatever this says.
   */
  setupSkipped: z.boolean(),
  /**
   * Which run ends the desktop app (native notifications) and the browser host (Web Notifications, once
   * allowed) announce: engine/api/run-end-notice.ts decides the kind of each end. A cancel is never announced:
   * the user did it.
   */
  notifyTargetReached: z.boolean(),
  notifyFinished: z.boolean(),
  notifyFailed: z.boolean(),
  notifyInterrupted: z.boolean(),
});
export type Settings = z.infer<typeof Settings>;
export type SettingKey = keyof Settings;

export const DEFAULT_SETTINGS: Settings = Settings.parse({
  theme: 'system',
  defaultSandbox: 'docker',
  defaultNetwork: 'none',
  defaultMaxSteps: 30,
  defaultMaxConsecutiveFailures: 10,
  defaultMaxCostUsd: null,
  defaultMaxWallMinutes: null,
  forceCpu: false,
  shellTimeoutSeconds: 120,
  pythonTimeoutSeconds: 300,
  testTimeoutSeconds: 300,
  trainingTimeoutMinutes: 30,
  evaluateTimeoutMinutes: 10,
  llmProvider: null,
  llmModel: null,
  localBaseUrl: null,
  setupSkipped: false,
  notifyTargetReached: true,
  notifyFinished: true,
  notifyFailed: true,
  notifyInterrupted: true,
});

/** An update names only the fields it changes; unknown fields are an error, not silently dropped. */
export const SettingsPatch = Settings.partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'name at least one setting to change' });
export type SettingsPatch = z.infer<typeof SettingsPatch>;
