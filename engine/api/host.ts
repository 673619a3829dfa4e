import { z } from 'zod';
import { describeIssues, issuesToText } from './errors';
import { HOST_CAPABILITY_NAMES, type HostCapabilityName } from './host-names';
import { fail, ok, ResultEnvelope, type Result } from './result';

export {
  DROP_HINT,
  HOST_CAPABILITY_NAMES,
  isHostCapabilityName,
  isProjectFileName,
  PROJECT_FILE_MAX_BYTES,
  type HostCapabilityName,
} from './host-names';

const AbsolutePath = z
  .string()
  .min(1, 'the path is empty')
  .max(4096, 'the path is longer than 4096 characters');

/** A bare file name for a save dialog's default: no folder in it, the user picks the folder. */
const FileName = z
  .string()
  .min(1)
  .max(255)
  .refine(
    (n) => !/[\\/]/.test(n) && n !== '.' && n !== '..',
    'a file name without a folder, e.g. "report.html"',
  );

export const SaveFilter = z.object({
  name: z.string().min(1).max(100),
  /** Without the dot: `html`, `csv`; `*` for all files. */
  extensions: z
    .array(z.string().regex(/^(\*|[A-Za-z0-9]+)$/, 'an extension without the dot, e.g. "html"'))
    .min(1),
});
export type SaveFilter = z.infer<typeof SaveFilter>;

/** Which folder a dialog asks for: it titles the dialog and says whether a new folder may be made there. */
export const FolderPurpose = z.enum(['dataset', 'workspace']);
export type FolderPurpose = z.infer<typeof FolderPurpose>;

/** What main found at a dropped path. A refusal is an answer, not an error: the page shows its message. */
export const DroppedPath = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('folder'), path: z.string() }),
  z.object({ kind: z.literal('project'), path: z.string(), yaml: z.string() }),
  z.object({ kind: z.literal('refused'), path: z.string(), message: z.string() }),
]);
export type DroppedPath = z.infer<typeof DroppedPath>;

/** Input and output of each host capability: main parses inputs, the renderer's host client parses outputs. */
export const hostCapabilities = {
  /** A native folder dialog; null when the user cancelled. */
  pickFolder: {
    input: z.object({ purpose: FolderPurpose, defaultPath: AbsolutePath.optional() }),
    output: z.object({ path: z.string().nullable() }),
  },
  /** A native save dialog (reports); null when the user cancelled. Nothing is written by the host. */
  pickSavePath: {
    input: z.object({
      title: z.string().max(200).optional(),
      defaultName: FileName,
      filters: z.array(SaveFilter).max(10).default([]),
    }),
    output: z.object({ path: z.string().nullable() }),
  },
  /** The file manager, opened on the folder that holds `path`, with it selected. Fails when it does not exist. */
  showItemInFolder: {
    input: z.object({ path: AbsolutePath }),
    output: z.object({ shown: z.literal(true) }),
  },
  /** The user's browser, for http(s) links only (through safeOpenExternal). */
  openExternal: {
    input: z.object({ url: z.string().min(1).max(8192) }),
    output: z.object({ opened: z.literal(true) }),
  },
  /** A path the preload read from a dropped File: a usable dataset folder, a project file, or why not. */
  checkDroppedPath: {
    input: z.object({ path: AbsolutePath }),
    output: DroppedPath,
  },
  /**
   * A local HTML file (a run report the engine wrote) printed to a PDF by the app's own Chromium, in a hidden
   * window that runs no script. Desktop only: the browser host has the browser's own Print.
   */
  printToPdf: {
    input: z.object({
      htmlPath: AbsolutePath.refine(
        (p) => /\.html?$/i.test(p),
        'an .html file, e.g. a report the engine wrote',
      ),
      pdfPath: AbsolutePath.refine((p) => /\.pdf$/i.test(p), 'a .pdf file name, e.g. "report.pdf"'),
    }),
    output: z.object({ path: z.string(), bytes: z.number().int().min(0) }),
  },
} satisfies Record<HostCapabilityName, { input: z.ZodType; output: z.ZodType }>;

export type HostInput<K extends HostCapabilityName> = z.input<(typeof hostCapabilities)[K]['input']>;
export type HostParsedInput<K extends HostCapabilityName> = z.output<(typeof hostCapabilities)[K]['input']>;
export type HostOutput<K extends HostCapabilityName> = z.output<(typeof hostCapabilities)[K]['output']>;

/** What a host implements: one function per capability, with the parsed input; failures as error values. */
export type HostHandlers<Context> = {
  [K in HostCapabilityName]: (input: HostParsedInput<K>, context: Context) => Promise<Result<HostOutput<K>>>;
};

/**
 * The host's single entry, like `dispatch` for commands: checks the name and the input, runs the handler, checks
 * its output, and turns every failure into an error value. Never throws.
 */
export async function dispatchHost<Context>(
  handlers: HostHandlers<Context>,
  name: unknown,
  rawInput: unknown,
  context: Context,
): Promise<Result<unknown>> {
  if (!(HOST_CAPABILITY_NAMES as readonly unknown[]).includes(name)) {
    return fail({ code: 'unknown_command', message: `unknown host capability ${JSON.stringify(name)}` });
  }
  const capability = name as HostCapabilityName;
  const spec = hostCapabilities[capability];
  const input = spec.input.safeParse(rawInput ?? {}, { reportInput: true });
  if (!input.success) {
    const issues = describeIssues(input.error);
    return fail({ code: 'invalid_input', message: `${capability}: ${issuesToText(issues)}`, issues });
  }
  try {
    const handler = handlers[capability] as (input: unknown, context: Context) => Promise<Result<unknown>>;
    const result = await handler(input.data, context);
    if (!result.ok) return result;
    const output = spec.output.safeParse(result.value);
    if (!output.success) {
      const issues = describeIssues(output.error);
      return fail({
        code: 'invalid_output',
        message: `${capability} returned ${issuesToText(issues)}`,
        issues,
      });
    }
    return ok(output.data);
  } catch (error) {
    return fail({
      code: 'internal',
      message: `${capability} failed: ${(error as Error)?.message ?? String(error)}`,
    });
  }
}

/** The renderer's typed door to the host's capabilities. It trusts nothing it receives: replies are parsed. */
export interface HostClient {
  call<K extends HostCapabilityName>(name: K, input: HostInput<K>): Promise<Result<HostOutput<K>>>;
}

export function createHostClient(
  invoke: (name: HostCapabilityName, input: unknown) => Promise<unknown>,
): HostClient {
  return {
    async call(name, input) {
      let raw: unknown;
      try {
        raw = await invoke(name, input);
      } catch (error) {
        return fail({
          code: 'unavailable',
          message: `${name}: ${(error as Error)?.message ?? String(error)}`,
        });
      }
      const envelope = ResultEnvelope.safeParse(raw);
      if (!envelope.success)
        return fail({ code: 'invalid_output', message: `${name}: malformed reply from host` });
      if (!envelope.data.ok) return fail(envelope.data.error);
      const output = hostCapabilities[name].output.safeParse(envelope.data.value);
      if (!output.success) {
        const issues = describeIssues(output.error);
        return fail({ code: 'invalid_output', message: `${name}: ${issuesToText(issues)}`, issues });
      }
      return ok(output.data as HostOutput<typeof name>);
    },
  };
}
