import path from 'node:path';
import type { App } from 'electron';
import { RunRef } from '../../engine/api/navigation';
import type { Result } from '../../engine/api/result';

/** `mle-beast://run/<id>` opens a run in the app. */
export const DEEP_LINK_SCHEME = 'mle-beast';

/**
 * The run id of a deep link, checked: the scheme, the `run` host, one path segment that is a run id, nothing
 * else. Anything else is refused with the reason (a link is text from outside: a web page, a chat, a mail).
 */
export function runIdFromDeepLink(link: string): Result<string> {
  const refuse = (message: string): Result<string> => ({
    ok: false,
    error: { code: 'invalid_input', message: `${message}: ${JSON.stringify(link.slice(0, 200))}` },
  });
  let url: URL;
  try {
    url = new URL(link);
  } catch {
    return refuse('not a link');
  }
  if (url.protocol !== `${DEEP_LINK_SCHEME}:`) return refuse(`not a ${DEEP_LINK_SCHEME}:// link`);
  if (url.hostname !== 'run')
    return refuse(`a ${DEEP_LINK_SCHEME} link opens a run: ${DEEP_LINK_SCHEME}://run/<id>`);
  if (url.search || url.hash || url.username || url.password || url.port)
    return refuse('a run link has nothing after the id');
  const segments = url.pathname.split('/').filter(Boolean);
  if (segments.length !== 1) return refuse(`a run link is ${DEEP_LINK_SCHEME}://run/<id>`);
  let id: string;
  try {
    id = decodeURIComponent(segments[0]!);
  } catch {
    return refuse('the run id is not valid text');
  }
  const checked = RunRef.safeParse(id);
  if (!checked.success) return refuse(checked.error.issues[0]!.message);
  return { ok: true, value: checked.data };
}

/** The deep links among a process's arguments (a second instance's, or this one's first launch). */
export const deepLinksIn = (argv: readonly string[]): string[] =>
  argv.filter((arg) => arg.toLowerCase().startsWith(`${DEEP_LINK_SCHEME}://`));

export interface DeepLinkDeps {
  app: Pick<App, 'on' | 'setAsDefaultProtocolClient'>;
  openRun(id: string): void;
  warn?(message: string): void;
  /** Unpackaged (`electron out/main/index.js`): the OS must start Electron with the app's script. */
  defaultApp?: boolean;
  argv?: readonly string[];
  execPath?: string;
}

export interface DeepLinks {
  /** Opens the run of each deep link in these arguments; returns how many were opened. */
  handleArgv(argv: readonly string[]): number;
  handleUrl(link: string): boolean;
}

/**
 * Registers the app for `mle-beast://` links and opens the run a link names: on macOS the OS sends `open-url`
 * (register before `ready`: the first link of a launch comes early); on Windows and Linux the link is an
 * argument, of this launch (handleArgv at start) or of a second instance (`second-instance` hands its argv).
 */
export function installDeepLinks(deps: DeepLinkDeps): DeepLinks {
  const warn = deps.warn ?? ((m: string) => console.warn(m));
  const argv = deps.argv ?? process.argv;
  if (deps.defaultApp && argv.length >= 2) {
    deps.app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, deps.execPath ?? process.execPath, [
      path.resolve(argv[1]!),
    ]);
  } else {
    deps.app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME);
  }
  const handleUrl = (link: string) => {
    const id = runIdFromDeepLink(link);
    if (!id.ok) {
      warn(`ignored a link: ${id.error.message}`);
      return false;
    }
    deps.openRun(id.value);
    return true;
  };
  deps.app.on('open-url', (event, link) => {
    event.preventDefault();
    handleUrl(link);
  });
  return {
    handleUrl,
    handleArgv: (args) => deepLinksIn(args).filter(handleUrl).length,
  };
}
