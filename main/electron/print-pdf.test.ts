import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { useTempDir } from '../../engine/testing/temp-dir';

// "Export PDF" with `electron` mocked (no binary here): the hidden window, what it loads, how it prints, and that
// it is destroyed whatever happens. The files are real.

const made = vi.hoisted(() => ({
  windows: [] as {
    options: unknown;
    loadURL: ReturnType<typeof vi.fn>;
    destroy: ReturnType<typeof vi.fn>;
    printToPDF: ReturnType<typeof vi.fn>;
  }[],
  printed: Buffer.from('%PDF-1.4 fake'),
  failLoad: false,
}));

vi.mock('electron', () => ({
  BrowserWindow: vi.fn(function (this: unknown, options: unknown) {
    const w = {
      options,
      loadURL: vi.fn(async () => {
        if (made.failLoad) throw new Error('ERR_FILE_NOT_FOUND');
      }),
      destroy: vi.fn(),
      printToPDF: vi.fn(async () => made.printed),
    };
    made.windows.push(w);
    return { loadURL: w.loadURL, destroy: w.destroy, webContents: { printToPDF: w.printToPDF } };
  }),
  app: { getPath: vi.fn(() => '/home/ada/Documents') },
  dialog: {},
  shell: {},
}));

const { printHtmlToPdf } = await import('./print-pdf');
const { electronHostHandlers } = await import('./host');

const temp = useTempDir('mle-beast-print-');

describe('printHtmlToPdf', () => {
  beforeEach(() => {
    made.windows.length = 0;
    made.failLoad = false;
  });

  it('loads the report in a hidden window without script, prints it and writes the PDF', async () => {
    const html = path.join(temp.dir, 'report.html');
    fs.writeFileSync(html, '<!doctype html><p>report</p>');
    const pdf = path.join(temp.dir, 'out.pdf');
    expect(await printHtmlToPdf(html, pdf)).toEqual({ path: pdf, bytes: made.printed.length });
    expect(fs.readFileSync(pdf)).toEqual(made.printed);
    const [w] = made.windows;
    expect(w!.options).toMatchObject({
      show: false,
      webPreferences: { javascript: false, sandbox: true, contextIsolation: true, nodeIntegration: false },
    });
    expect(w!.options).not.toHaveProperty('webPreferences.preload');
    expect(w!.loadURL).toHaveBeenCalledWith(pathToFileURL(html).href);
    expect(w!.printToPDF).toHaveBeenCalledWith(expect.objectContaining({ printBackground: true }));
    expect(w!.destroy).toHaveBeenCalledTimes(1);
  });

  it('a load that fails still destroys the window and writes nothing', async () => {
    const html = path.join(temp.dir, 'report.html');
    fs.writeFileSync(html, 'x');
    made.failLoad = true;
    await expect(printHtmlToPdf(html, path.join(temp.dir, 'x.pdf'))).rejects.toThrow('ERR_FILE_NOT_FOUND');
    expect(made.windows[0]!.destroy).toHaveBeenCalledTimes(1);
    expect(fs.existsSync(path.join(temp.dir, 'x.pdf'))).toBe(false);
  });

  it('the host capability: a missing report or folder is an error value saying what to do', async () => {
    const missing = await electronHostHandlers.printToPdf(
      { htmlPath: path.join(temp.dir, 'gone.html'), pdfPath: path.join(temp.dir, 'a.pdf') },
      { window: null },
    );
    expect(missing).toMatchObject({
      ok: false,
      error: { code: 'unavailable', message: /gone\.html does not exist .*write the report again/ },
    });
    const html = path.join(temp.dir, 'r.html');
    fs.writeFileSync(html, 'x');
    const noFolder = await electronHostHandlers.printToPdf(
      { htmlPath: html, pdfPath: path.join(temp.dir, 'nope', 'a.pdf') },
      { window: null },
    );
    expect(noFolder).toMatchObject({ ok: false, error: { message: /folder .*nope does not exist/ } });
    expect(made.windows).toHaveLength(0);
    const done = await electronHostHandlers.printToPdf(
      { htmlPath: html, pdfPath: path.join(temp.dir, 'a.pdf') },
      { window: null },
    );
    expect(done).toEqual({
      ok: true,
      value: { path: path.join(temp.dir, 'a.pdf'), bytes: made.printed.length },
    });
  });
});
