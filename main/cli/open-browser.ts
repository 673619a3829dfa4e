import { spawn } from 'node:child_process';

/** Best effort: opens a URL in the user's browser; says so plainly when it cannot. */
export function openBrowser(url: string, log: (line: string) => void): void {
  const [command, args] =
    process.platform === 'darwin'
      ? ['open', [url]]
      : process.platform === 'win32'
        ? ['cmd', ['/c', 'start', '""', url]]
        : ['xdg-open', [url]];
  try {
    const child = spawn(command, args as string[], { detached: true, stdio: 'ignore' });
    child.on('error', () =>
      log(`could not open a browser (${command} is missing); open the URL above yourself.`),
    );
    child.unref();
  } catch {
    log('could not open a browser; open the URL above yourself.');
  }
}
