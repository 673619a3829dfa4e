import { z } from 'zod';

/**
 * The one settings schema. Every field has a default, so a fresh database, an old database missing a
 * newer field, and a partial update all resolve to a complete, valid object.
 */
export const Settings = z.object({
  theme: z.enum(['system', 'light', 'dark']).default('system'),
  defaultSandbox: z.enum(['docker', 'local']).default('docker'),
  defaultNetwork: z.enum(['none', 'bridge']).default('none'),
  defaultMaxSteps: z.number().int().min(1).max(1000).default(30),
  forceCpu: z.boolean().default(false),
});
export type Settings = z.infer<typeof Settings>;
export type SettingKey = keyof Settings;

/** An update names only the fields it changes; unknown fields are an error, not silently dropped. */
export const SettingsPatch = Settings.partial()
  .strict()
  .refine((patch) => Object.keys(patch).length > 0, { message: 'name at least one setting to change' });
export type SettingsPatch = z.infer<typeof SettingsPatch>;

export const DEFAULT_SETTINGS: Settings = Settings.parse({});
