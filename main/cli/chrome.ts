import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { execa } from 'execa';

/**
 * A Chromium-family browser for `mle-beast report --pdf` outside the desktop app (which prints with its own
 * Electron): `MLE_BEAST_CHROME` first, then the usual names on PATH, then the usual install places on macOS and
 * Windows. Printing is the browser's own headless `--print-to-pdf`, the same engine the app uses.
 */

const PATH_NAMES = [
  'chromium',
  'chromium-browser',
  'google-chrome',
  'google-chrome-stable',
  'microsoft-edge',
];

function installedPaths(platform: NodeJS.Platform, env: NodeJS.ProcessEnv): string[] {
  if (platform === 'darwin') {
    return [
      '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome',
      '/Applications/Chromium.app/Contents/MacOS/Chromium',
      '/Applications/Microsoft Edge.app/Contents/MacOS/Microsoft Edge',
      path.join(os.homedir(), 'Applications/Google Chrome.app/Contents/MacOS/Google Chrome'),
    ];
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter(
      (r): r is string => !!r,
    );
    return roots.flatMap((r) => [
      path.win32.join(r, 'Google', 'Chrome', 'Application', 'chrome.exe'),
      path.win32.join(r, 'Microsoft', 'Edge', 'Application', 'msedge.exe'),
      path.win32.join(r, 'Chromium', 'Application', 'chrome.exe'),
    ]);
  }
  return [];
}

function onPath(name: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform): string | null {
  const sep = platform === 'win32' ? ';' : ':';
  const exts = platform === 'win32' ? ['.exe', '.cmd', ''] : [''];
  for (const dir of (env.PATH ?? '').split(sep).filter(Boolean)) {
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (isExecutable(file)) return file;
    }
  }
  return null;
}

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

export type ChromeFound = { ok: true; path: string } | { ok: false; message: string };

export function findChrome(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): ChromeFound {
  const named = env.MLE_BEAST_CHROME?.trim();
  if (named) {
    return isExecutable(named)
      ? { ok: true, path: named }
      : {
          ok: false,
          message: `MLE_BEAST_CHROME is ${named}, which is not an executable file: point it at a Chrome, Chromium or Edge binary`,
        };
  }
  for (const name of PATH_NAMES) {
    const found = onPath(name, env, platform);
    if (found) return { ok: true, path: found };
  }
  for (const file of installedPaths(platform, env)) if (isExecutable(file)) return { ok: true, path: file };
  return {
    ok: false,
    message:
      'no Chrome, Chromium or Edge was found to print the PDF: install one (e.g. `sudo apt-get install chromium`), ' +
      'or set MLE_BEAST_CHROME=/path/to/chrome; the HTML report opens in any browser, whose Print makes a PDF too',
  };
}

/**
 * Prints an HTML file to a PDF with a headless browser. Root cannot use Chrome's sandbox (Docker, CI), so only
 * then is it turned off; the page is our own report, which runs no script.
 */
export async function printToPdf(
  chrome: string,
  htmlFile: string,
  pdfFile: string,
  options: { timeoutMs?: number; isRoot?: boolean } = {},
): Promise<void> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-pdf-'));
  const isRoot = options.isRoot ?? (typeof process.getuid === 'function' && process.getuid() === 0);
  try {
    const result = await execa(
      chrome,
      [
        '--headless',
        '--disable-gpu',
        '--no-first-run',
        '--no-default-browser-check',
        `--user-data-dir=${profile}`,
        '--no-pdf-header-footer',
        // Every compositor stage runs before the page is drawn: on a busy machine a print could otherwise be
        // taken of a frame not yet painted (a CI run once read an empty first page).
        '--run-all-compositor-stages-before-draw',
        ...(isRoot ? ['--no-sandbox'] : []),
        `--print-to-pdf=${pdfFile}`,
        pathToFileURL(htmlFile).href,
      ],
      { timeout: options.timeoutMs ?? 120_000, reject: false, stdin: 'ignore' },
    );
    if (!fs.existsSync(pdfFile) || fs.statSync(pdfFile).size === 0) {
      const said = String(result.stderr || result.shortMessage || '')
        .trim()
        .split('\n')
        .filter((l) => !/dbus|Fontconfig/i.test(l))
        .slice(-3)
        .join(' ');
      throw new Error(`${chrome} did not write ${pdfFile}${said ? `: ${said}` : ''}`);
    }
  } finally {
    fs.rmSync(profile, { recursive: true, force: true });
  }
}
