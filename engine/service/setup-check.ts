import type { Settings } from '../api/settings';
import {
  SETUP_CHECK_GROUPS,
  SETUP_CHECK_IDS,
  type SetupCheckGroup,
  type SetupCheckId,
  type SetupCheckInput,
  type SetupCheckItem,
  type SetupCheckResult,
  type SetupCheckStatus,
} from '../api/setup-check';
import type { ModelCatalogList } from '../api/catalog';
import {
  CREDENTIAL_VARIABLE,
  loadProvider,
  readDotenvFile,
  safeUrl,
  type ResolvedProvider,
  type SavedKeys,
} from '../config';
import { matchModel, type CatalogCache, type ModelCatalog } from '../llm/catalog';
import { appProvider, providerCatalog, CATALOG_TIMEOUT_MS } from '../runs/prepare';
import { choosePython, WORKSPACE_MODULES } from '../sandbox/python-probe';
import { sandboxStatus } from '../sandbox/sandbox-status';
import { requireGit } from '../workspace/git';
import { catalogListOf } from './tool-commands';

/**
 * `setup.check`: the first start's and `mle-beast doctor`'s checks. Each one reuses the module that knows the
 * answer (provider resolution, the catalog a run's start fetches, the sandbox probes, git's and Python's
 * checks) and turns it into {status, detail, fix}. Every group has a deadline, so a probe that hangs gives a
 * failed check saying so, never a command that does not answer.
 *
 * Severity follows what the user runs: Docker, its image, the OS sandbox and Python are failures only for the
 * sandbox chosen in Settings (a Docker user does not need bubblewrap; a local user does not need Docker).
 */

export interface SetupCheckDeps {
  settings: () => Settings;
  env?: NodeJS.ProcessEnv;
  catalogCache: CatalogCache;
  /** The model list's request time limit (default CATALOG_TIMEOUT_MS). */
  catalogTimeoutMs?: number;
  /** Where the `.env` is read (default process.cwd()). */
  cwd?: string;
  /** A group's deadline (default 45 s: Python candidates take up to 20 s each). */
  groupTimeoutMs?: number;
  /** The keys the app saved for the user (secrets.set): a layer of provider resolution, as for a run. */
  savedKeys?: () => SavedKeys | undefined;
}

const LABELS: Record<SetupCheckId, string> = {
  provider: 'LLM provider',
  key: 'API key',
  catalog: 'Model list (live)',
  model: 'Model',
  docker: 'Docker daemon',
  image: 'Sandbox image',
  'os-sandbox': 'OS sandbox (local runs)',
  gpu: 'GPU',
  git: 'git',
  python: 'Python (local runs)',
};

type Check = Omit<SetupCheckItem, 'label'>;
const item = (
  id: SetupCheckId,
  status: SetupCheckStatus,
  detail: string,
  fix: string | null = null,
): Check => ({
  id,
  status,
  detail,
  fix: status === 'ok' || status === 'skipped' ? null : fix,
});

interface ProviderOutcome {
  checks: Check[];
  provider: SetupCheckResult['provider'];
  catalog: ModelCatalogList | null;
}

export async function setupCheck(deps: SetupCheckDeps, input: SetupCheckInput): Promise<SetupCheckResult> {
  const groups = new Set<SetupCheckGroup>(input.groups ?? ['provider', 'sandbox', 'tools']);
  const env = deps.env ?? process.env;
  const settings = deps.settings();
  const deadline = deps.groupTimeoutMs ?? 45_000;

  const provider = groups.has('provider')
    ? withDeadline('provider', deadline, () => checkProvider(deps, env, settings, input.candidate))
    : null;
  const sandbox = groups.has('sandbox')
    ? withDeadline('sandbox', deadline, () => checkSandbox(env, settings))
    : null;
  const tools = groups.has('tools') ? withDeadline('tools', deadline, () => checkTools(env, settings)) : null;

  const providerOutcome = await provider;
  const found = [
    ...(providerOutcome?.checks ?? []),
    ...((await sandbox)?.checks ?? []),
    ...((await tools)?.checks ?? []),
  ];
  const checks = SETUP_CHECK_IDS.flatMap((id) => {
    const check = found.find((c) => c.id === id);
    return check ? [{ ...check, label: LABELS[id] }] : [];
  });
  return {
    ok: checks.every((c) => c.status !== 'fail'),
    checks,
    provider: providerOutcome?.provider ?? null,
    catalog: providerOutcome?.catalog ?? null,
  };
}

/** A group that does not answer in time becomes failed checks that say so. */
async function withDeadline<T extends { checks: Check[] }>(
  group: SetupCheckGroup,
  ms: number,
  run: () => Promise<T>,
): Promise<T | { checks: Check[]; provider: null; catalog: null }> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<{ checks: Check[]; provider: null; catalog: null }>((resolve) => {
    timer = setTimeout(
      () =>
        resolve({
          checks: SETUP_CHECK_GROUPS[group].map((id) =>
            item(
              id,
              'fail',
              `no answer within ${Math.round(ms / 1000)} s`,
              'Something on this machine is very slow or stuck (the Docker daemon, a network); check it and run the check again.',
            ),
          ),
          provider: null,
          catalog: null,
        }),
      ms,
    );
  });
  try {
    return await Promise.race([run(), late]);
  } finally {
    clearTimeout(timer);
  }
}

// ---------------------------------------------------------------------------------------------------------
// Provider, key, live model list, model

const KEY_FIX = (variable: string, dotenvPath: string) =>
  `Save the key in the app (the set-up wizard's key step, or Settings → Keys), or set ${variable}: in the shell that starts mle-beast (export ${variable}=...) or as a line ${variable}=... in ${dotenvPath}.`;

async function checkProvider(
  deps: SetupCheckDeps,
  env: NodeJS.ProcessEnv,
  settings: Settings,
  candidate: SetupCheckInput['candidate'],
): Promise<ProviderOutcome> {
  const cwd = deps.cwd ?? process.cwd();
  const app = appProvider(settings);
  const dotenvPath = readDotenvFile(cwd, env).path;
  const saved = deps.savedKeys?.();
  const checks: Check[] = [];

  // A candidate is checked as if it were the only choice: it goes first, above the shell and .env.
  const resolved = candidate
    ? loadProvider({
        cwd,
        app,
        saved,
        env: {
          ...env,
          MLE_BEAST_PROVIDER: candidate.provider,
          ...(candidate.baseUrl ? { LOCAL_LLM_BASE_URL: candidate.baseUrl } : {}),
          ...(candidate.model ? { MLE_BEAST_MODEL: candidate.model } : {}),
        },
      })
    : loadProvider({ cwd, env, app, saved });

  if (candidate && (!resolved.ok || resolved.value.provider !== candidate.provider)) {
    // The pin was not honoured: the candidate's credential is nowhere (a local candidate always has its URL).
    const variable = CREDENTIAL_VARIABLE[candidate.provider];
    checks.push(item('provider', 'ok', `${candidate.provider} (chosen here, not saved yet)`));
    checks.push(
      item(
        'key',
        'fail',
        `${variable} is not set (not saved in the app, nor in the shell or ${dotenvPath})`,
        KEY_FIX(variable, dotenvPath),
      ),
    );
    return { checks: [...checks, ...skippedAfter('key')], provider: null, catalog: null };
  }
  if (!resolved.ok) {
    checks.push(item('provider', 'fail', resolved.message, [resolved.message, ...resolved.notes].join(' ')));
    return { checks: [...checks, ...skippedAfter('provider')], provider: null, catalog: null };
  }
  const p = resolved.value;

  checks.push(providerItem(p, candidate, settings, env, cwd, saved));
  checks.push(keyItem(p));

  const started = Date.now();
  const loaded = await providerCatalog(p, deps.catalogCache, deps.catalogTimeoutMs ?? CATALOG_TIMEOUT_MS, {
    refresh: true,
    fallback: false,
  });
  const summary = {
    provider: p.provider,
    baseUrl: safeUrl(p.baseURL),
    model: p.model,
    modelIsDefault: p.source.model.layer === 'default',
  };
  if (!loaded.ok) {
    checks.push(item('catalog', 'fail', loaded.error.message, catalogFix(p, loaded.error.kind, dotenvPath)));
    checks.push(
      item('model', 'skipped', 'the model list could not be fetched, so the model was not looked up'),
    );
    return { checks, provider: summary, catalog: null };
  }
  const catalog = catalogListOf(p, loaded);
  checks.push(
    item(
      'catalog',
      'ok',
      `${catalog.models.length} model${catalog.models.length === 1 ? '' : 's'} listed by ${catalog.baseURL} (${Date.now() - started} ms)`,
    ),
  );
  checks.push(modelItem(p, loaded.catalog, catalog));
  return { checks, provider: summary, catalog };
}

/** The checks after `from` in the provider group, skipped because an earlier one failed. */
function skippedAfter(from: SetupCheckId): Check[] {
  const ids = SETUP_CHECK_GROUPS.provider;
  return ids
    .slice(ids.indexOf(from as (typeof ids)[number]) + 1)
    .map((id) => item(id, 'skipped', 'not checked: no provider to check it with'));
}

function providerItem(
  p: ResolvedProvider,
  candidate: SetupCheckInput['candidate'],
  settings: Settings,
  env: NodeJS.ProcessEnv,
  cwd: string,
  saved: SavedKeys | undefined,
): Check {
  const where = `${p.provider} at ${safeUrl(p.baseURL)}`;
  if (!candidate) {
    const notes = p.notes.length ? ` (${p.notes.join('; ')})` : '';
    return item(
      'provider',
      p.notes.length ? 'warn' : 'ok',
      `${where}, ${p.source.provider.text}${notes}`,
      p.notes.join(' '),
    );
  }
  // What a run would use once the candidate is saved in the settings: the shell and .env still come first.
  const after = loadProvider({
    cwd,
    env,
    saved,
    app: {
      ...appProvider(settings),
      provider: candidate.provider,
      ...(candidate.baseUrl ? { localBaseUrl: candidate.baseUrl } : {}),
      ...(candidate.model ? { model: candidate.model } : {}),
    },
  });
  if (after.ok && (after.value.provider !== p.provider || after.value.baseURL !== p.baseURL)) {
    return item(
      'provider',
      'warn',
      `${where} answers, but once saved new runs would still use ${after.value.provider} at ${safeUrl(after.value.baseURL)}: ${after.value.source.provider.text}`,
      'The shell and the .env file come before the app’s settings: remove that variable (or MLE_BEAST_PROVIDER) there to use the provider chosen here.',
    );
  }
  return item('provider', 'ok', `${where} (chosen here, not saved yet)`);
}

function keyItem(p: ResolvedProvider): Check {
  if (p.provider === 'local') {
    return item(
      'key',
      'ok',
      p.source.apiKey.layer === 'default'
        ? 'not needed: a local server is sent a placeholder key (set LOCAL_LLM_API_KEY if yours wants one)'
        : p.source.apiKey.text,
    );
  }
  // The text masks the key: `OPENROUTER_API_KEY=sk-or-...abcd (shell)`.
  return item('key', 'ok', p.source.apiKey.text);
}

function catalogFix(p: ResolvedProvider, kind: string, dotenvPath: string): string {
  const variable = p.provider === 'local' ? 'LOCAL_LLM_API_KEY' : CREDENTIAL_VARIABLE[p.provider];
  switch (kind) {
    case 'auth':
      return `The provider refused the key: check ${variable} (a typo, a revoked key, no credit). ${KEY_FIX(variable, dotenvPath)}`;
    case 'connection':
    case 'timeout':
      return p.provider === 'local'
        ? `Start the local server, or correct its URL (${safeUrl(p.baseURL)}): it must be OpenAI-compatible and usually ends in /v1.`
        : 'Check the network connection (a proxy or firewall may block it), then check again.';
    case 'not_found':
      return `There is no model list at ${safeUrl(p.baseURL)}/models: correct the URL (it usually ends in /v1).`;
    default:
      return 'Try again in a minute; if it persists, the provider is having trouble.';
  }
}

function modelItem(p: ResolvedProvider, fetched: ModelCatalog, catalog: ModelCatalogList): Check {
  const ids = catalog.models.map((m) => m.id);
  const match = matchModel(p.model, fetched);
  if (match.ok) {
    const info = catalog.models.find((m) => m.id === match.model);
    const price =
      info?.inputPricePerMillion != null
        ? `, $${info.inputPricePerMillion} / $${info.outputPricePerMillion ?? '?'} per 1M tokens`
        : '';
    const note = match.note ? ` (${match.note})` : '';
    if (info?.supportsTools === false) {
      return item(
        'model',
        'warn',
        `${match.model} is listed${note}${price}, without tool calls: runs use JSON mode, which is less reliable`,
        'Choose a model with tool calls if the provider has one.',
      );
    }
    return item('model', 'ok', `${match.model} is listed${note}${price}`);
  }
  const choose = 'Choose one: the set-up wizard, Settings → Model, or MLE_BEAST_MODEL in the shell or .env.';
  if (p.source.model.layer === 'default') {
    const some = ids.slice(0, 3).join(', ');
    return item(
      'model',
      'fail',
      ids.length === 0
        ? `no model chosen, and ${safeUrl(p.baseURL)} lists none`
        : `no model chosen, and the default "${p.model}" is not listed (the list has ${some}${ids.length > 3 ? ', …' : ''})`,
      ids.length === 0 ? 'Load a model on the server, then check again.' : choose,
    );
  }
  return item('model', 'fail', `${match.message} (${p.source.model.text})`, choose);
}

// ---------------------------------------------------------------------------------------------------------
// Sandbox: Docker, the image, the OS sandbox, the GPU

async function checkSandbox(env: NodeJS.ProcessEnv, settings: Settings): Promise<{ checks: Check[] }> {
  const s = await sandboxStatus({ env });
  const uses = settings.defaultSandbox;
  const checks: Check[] = [];
  const dockerSeverity: SetupCheckStatus = uses === 'docker' ? 'fail' : 'warn';

  if (s.docker.available) {
    checks.push(
      item(
        'docker',
        'ok',
        `Docker ${s.docker.version ?? ''} answers at ${s.docker.endpoint}`.replace('  ', ' '),
      ),
    );
  } else {
    checks.push(
      item(
        'docker',
        dockerSeverity,
        `no answer at ${s.docker.endpoint}${s.docker.problem ? ` (${s.docker.problem.code})` : ''}`,
        s.docker.problem?.message ?? 'Start Docker, then check again.',
      ),
    );
  }

  const [online, offline] = [
    s.images.find((i) => i.variant === 'online'),
    s.images.find((i) => i.variant === 'offline'),
  ];
  if (!s.docker.available) {
    checks.push(item('image', 'skipped', 'not checked: Docker does not answer'));
  } else if (!s.defaultImage) {
    checks.push(
      item(
        'image',
        dockerSeverity,
        'no sandbox image is built',
        `Build it: the Build button here, or \`${offline?.build ?? 'mle-beast sandbox build --offline'}\` (CPU) or \`${online?.build ?? 'mle-beast sandbox build'}\` (GPU, needs internet).`,
      ),
    );
  } else if (s.gpu.detected && online && !online.present) {
    checks.push(
      item(
        'image',
        'warn',
        `${s.defaultImage} is built (CPU only)`,
        `For GPU training build ${online.tag}: \`${online.build}\`.`,
      ),
    );
  } else {
    checks.push(item('image', 'ok', `${s.defaultImage} is built`));
  }

  if (s.osSandbox.available) {
    checks.push(item('os-sandbox', 'ok', `${s.osSandbox.kind} (${s.osSandbox.program})`));
  } else {
    checks.push(
      item(
        'os-sandbox',
        uses === 'local' ? 'fail' : 'warn',
        `none: ${s.osSandbox.reason}`,
        uses === 'local'
          ? `Local runs cannot be isolated: ${s.osSandbox.reason ?? 'install bubblewrap'}, or use Docker.`
          : `Only local runs need it (Docker runs do not): ${s.osSandbox.reason ?? 'install bubblewrap'}.`,
      ),
    );
  }

  if (!s.gpu.detected) checks.push(item('gpu', 'ok', s.gpu.note));
  else if (s.gpu.note.startsWith('Runs can train'))
    checks.push(item('gpu', 'ok', `${s.gpu.devices.join(', ')}: ${s.gpu.note}`));
  else checks.push(item('gpu', 'warn', s.gpu.devices.join(', '), s.gpu.note));
  return { checks };
}

// ---------------------------------------------------------------------------------------------------------
// Tools: git, Python for local runs

async function checkTools(env: NodeJS.ProcessEnv, settings: Settings): Promise<{ checks: Check[] }> {
  const local = settings.defaultSandbox !== 'docker';
  const [git, python] = await Promise.all([
    requireGit({ timeoutMs: 10_000 }).then(
      (version) => item('git', 'ok', version),
      (error: unknown) =>
        item(
          'git',
          'fail',
          error instanceof Error ? error.message : String(error),
          'Install git 2.23 or newer (https://git-scm.com/downloads) and make sure it is on PATH.',
        ),
    ),
    choosePython(undefined, env).then((found): Check => {
      const severity: SetupCheckStatus = local ? 'fail' : 'warn';
      const who = local ? 'Local runs need it' : 'Only local runs need it (Docker runs bring their own)';
      if (!found.ok) return item('python', severity, found.error.message, `${who}: install Python 3.`);
      const { executable, version, missing } = found.value;
      if (missing.length === 0) {
        return item(
          'python',
          'ok',
          `Python ${version} at ${executable}, with ${WORKSPACE_MODULES.map((m) => m.module).join(', ')}`,
        );
      }
      const packages = missing.map((n) => WORKSPACE_MODULES.find((m) => m.module === n)?.package ?? n);
      return item(
        'python',
        severity,
        `Python ${version} at ${executable} lacks ${packages.join(', ')}`,
        `${who}: ${executable} -m pip install ${packages.join(' ')} (or your system's packages), or give a Python that has them (project.yaml sandbox.python).`,
      );
    }),
  ]);
  return { checks: [git, python] };
}
