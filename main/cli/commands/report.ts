import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Command } from 'commander';
import type { CliIO, EngineDeps } from '../engine-call';
import { EXIT } from '../exit-codes';
import { ExitWith } from '../command-errors';
import type { ChromeFound } from '../chrome';

// `mle-beast report <id> [--out FILE] [--pdf]`: the run's self-contained HTML report (runs.report), and on
// request a PDF of it printed by a headless Chrome/Chromium/Edge found on this machine.

export interface ReportFlags {
  out?: string;
  pdf?: boolean;
}

export interface ReportOptions {
  io?: CliIO;
  cwd?: string;
  findChrome?: () => ChromeFound;
  printToPdf?: (chrome: string, html: string, pdf: string) => Promise<void>;
}

export async function reportCommand(
  deps: EngineDeps,
  idText: string,
  flags: ReportFlags,
  options: ReportOptions = {},
): Promise<number> {
  const { resolveRunId } = await import('../run-id');
  const { call, exitForError, processIO } = await import('../engine-call');
  const { out, err } = options.io ?? processIO();
  const cwd = options.cwd ?? process.cwd();

  const resolved = await resolveRunId(deps, idText);
  if (!resolved.ok) {
    err.write(`mle-beast: ${resolved.message}\n`);
    return EXIT.badInput;
  }
  const target = flags.out ? path.resolve(cwd, flags.out) : null;
  if (!flags.pdf) {
    const written = await call(deps.handlers, 'runs.report', {
      id: resolved.id,
      ...(target ? { out: target } : {}),
    });
    if (!written.ok) {
      err.write(`mle-beast: ${written.error.message}\n`);
      return exitForError(written.error);
    }
    out.write(`${written.value.path}\n`);
    err.write(`report written (${Math.round(written.value.bytes / 1024)} KiB); open it in any browser\n`);
    return EXIT.ok;
  }

  // The browser is looked for before anything is written: a missing one is the user's to fix first.
  const chrome = (options.findChrome ?? (await import('../chrome')).findChrome)();
  if (!chrome.ok) {
    err.write(`mle-beast: ${chrome.message}\n`);
    return EXIT.badInput;
  }
  if (target && fs.statSync(target, { throwIfNoEntry: false })?.isDirectory()) {
    err.write(
      `mle-beast: ${target} is a folder: give a file name, e.g. ${path.join(target, 'report.pdf')}\n`,
    );
    return EXIT.badInput;
  }
  if (target && !fs.existsSync(path.dirname(target))) {
    err.write(`mle-beast: cannot write ${target}: the folder ${path.dirname(target)} does not exist\n`);
    return EXIT.badInput;
  }
  // With --out the HTML is a step on the way (a temporary file); without, it stays in the workspace's reports
  // folder and the PDF is written beside it.
  const temp = target ? fs.mkdtempSync(path.join(os.tmpdir(), 'mle-beast-report-')) : null;
  try {
    const written = await call(deps.handlers, 'runs.report', {
      id: resolved.id,
      ...(temp ? { out: path.join(temp, 'report.html') } : {}),
    });
    if (!written.ok) {
      err.write(`mle-beast: ${written.error.message}\n`);
      return exitForError(written.error);
    }
    const pdf = target ?? written.value.path.replace(/\.html$/, '.pdf');
    const print = options.printToPdf ?? (await import('../chrome')).printToPdf;
    try {
      await print(chrome.path, written.value.path, pdf);
    } catch (error) {
      err.write(`mle-beast: the PDF could not be printed: ${(error as Error).message}\n`);
      return EXIT.failed;
    }
    out.write(`${pdf}\n`);
    if (!temp) err.write(`the HTML report is beside it: ${written.value.path}\n`);
    return EXIT.ok;
  } finally {
    if (temp) fs.rmSync(temp, { recursive: true, force: true });
  }
}

export function registerReport(program: Command): void {
  program
    .command('report')
    .description("write a run's self-contained HTML report (or a PDF of it); prints the file's path")
    .argument('<id>', 'the run id, or a unique start of it')
    .option('--out <file>', "where to write it (default: the workspace's reports/report_<UTC time>.html)")
    .option(
      '--pdf',
      'print it to a PDF with a headless Chrome, Chromium or Edge (MLE_BEAST_CHROME, PATH, the usual install places)',
    )
    .addHelpText(
      'after',
      '\nA report is also written into the workspace when a run ends.\nExit codes: 0 written, 2 unknown id or bad path (or no browser for --pdf), 3 it could not be written',
    )
    .action(async (id: string, flags: ReportFlags) => {
      const { withEngine } = await import('../engine-call');
      const code = await withEngine((engine) => reportCommand(engine, id, flags));
      if (code !== 0) throw new ExitWith(code);
    });
}
