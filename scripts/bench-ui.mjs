// The dashboard's benchmarks (issue 9's targets), measured in Chromium through `mle-beast serve` on seeded
// databases. Figures are printed, never asserted. Loaded by scripts/bench.mjs, which passes its helpers.
//
//   ui.floor           a blank page in the same browser: the floor the rows below stand on
//   ui.runs-page       the Runs page with 1,000 runs: navigation to the history table on screen (< 300 ms)
//   ui.detail-open     a run of 100,000 events: navigation to its last console line on screen (< 500 ms); the
//                      page clicks the Console tab as soon as it shows, as a user does
//   ui.console-scroll  scrolling that run's console end to end: long tasks over 50 ms (none wanted)
//   ui.live-latency    1,000 events/s appended by another process: event stored to line on screen, p95 (< 100 ms)
//
// The databases are written through the real repository by engine/store/testing/seed-runs.ts (bundled here
// with esbuild into out/bench/, beside node_modules so better-sqlite3 resolves). Times inside the page are
// taken by the page's own clock from navigation start (performance.now()), so the DevTools round trip is
// not counted.
// Functions passed to page.evaluate run in the browser: its globals, not Node's.
/* global window, document, requestAnimationFrame, MutationObserver */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const CHROMIUM = process.env.MLE_BEAST_CHROMIUM ?? '/usr/bin/chromium';
// The same flags as playwright.config.ts: a container without a GPU or a sandbox for Chromium.
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-dev-shm-usage',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

const BIG_EVENTS = 100_000;
const MANY_RUNS = 1_000;
const LIVE_RATE = 1_000; // events per second
const LIVE_SECONDS = 10;

export function uiBenchmarks({ root, startServer, stopProcess, row, summarize }) {
  let seeder = null;
  /** The seeding module, bundled once per bench run. */
  const loadSeeder = () =>
    (seeder ??= (async () => {
      const { build } = await import('esbuild');
      const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
      const outfile = path.join(root, 'out', 'bench', 'seed-runs.mjs');
      mkdirSync(path.dirname(outfile), { recursive: true });
      await build({
        entryPoints: [path.join(root, 'engine', 'store', 'testing', 'seed-runs.ts')],
        outfile,
        bundle: true,
        format: 'esm',
        platform: 'node',
        target: 'node22',
        external: Object.keys(pkg.dependencies ?? {}),
        logLevel: 'warning',
      });
      return import(`${pathToFileURL(outfile).href}?t=${Date.now()}`);
    })());

  const bigRuns = new Map();
  /** A database holding one ended run of 100,000 events, seeded once and shared by the rows that read it. */
  const bigRunDb = (ctx) => {
    if (!bigRuns.has('done')) {
      bigRuns.set(
        'done',
        (async () => {
          const seed = await loadSeeder();
          const file = ctx.tempPath('big-run.db');
          const id = 'bench-100k';
          const t0 = performance.now();
          const { repo, close } = seed.openSeeded(file);
          try {
            seed.seedBigRun(repo, { id, events: BIG_EVENTS });
          } finally {
            close();
          }
          return { file, id, lastLine: seed.lastLineOf(BIG_EVENTS), seedMs: performance.now() - t0 };
        })(),
      );
    }
    return bigRuns.get('done');
  };

  async function launch() {
    if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (set MLE_BEAST_CHROMIUM)`);
    const { chromium } = await import('@playwright/test');
    return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  }

  /** Serve on `file` and a browser page; `use` gets both; everything stops afterwards. */
  async function withServedPage(file, use) {
    // A provider set, as for anyone with a history of runs: without one the first-start wizard stands in for
    // the Runs page. The key is never used (no model is called).
    const server = await startServer(file, { env: { OPENROUTER_API_KEY: 'bench-key-never-used' } });
    const browser = await launch();
    try {
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      return await use(server, context);
    } finally {
      await browser.close();
      await stopProcess(server.child);
    }
  }

  /**
   * Loads `hash` in a fresh page `times` times (after one untimed load to fill the cache) and returns, per
   * load, when `ready` (a function run in the page each animation frame) first held and when the next frame
   * after it had run with the main thread free, both from navigation start, and the long tasks seen on the way.
   */
  async function timedLoads(context, server, hash, ready, arg, times) {
    const loads = [];
    for (let i = 0; i <= times; i++) {
      const page = await context.newPage();
      // One script text (the page's CSP forbids building functions from strings inside it).
      await page.addInitScript({ content: `(${watchLoad})(${ready}, ${JSON.stringify(arg)});` });
      await page.goto(`${server.url}${hash}`);
      const handle = await page.waitForFunction(
        () => window.__bench?.interactive !== undefined && window.__bench,
        null,
        {
          timeout: 120_000,
        },
      );
      const result = await handle.jsonValue();
      if (i > 0) loads.push(result);
      if (i < times) await page.close();
      else return { loads, page };
    }
  }

  /** Runs in the page from its first script: notes when `isReady` first holds and the frame after it. */
  function watchLoad(isReady, arg) {
    const longs = [];
    window.__bench = { longs };
    try {
      new PerformanceObserver((list) => longs.push(...list.getEntries().map((e) => e.duration))).observe({
        type: 'longtask',
        buffered: true,
      });
    } catch {
      // no long-task timing in this browser: the note says none
    }
    const check = () => {
      if (isReady(arg)) {
        window.__bench.shown = performance.now();
        requestAnimationFrame(() => setTimeout(() => (window.__bench.interactive = performance.now()), 0));
      } else requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }

  const longNote = (loads) => {
    const all = loads.flatMap((l) => l.longs);
    return all.length
      ? `long tasks during load: ${all.length}, max ${Math.round(Math.max(...all))} ms`
      : 'no long task';
  };

  // Figures in a browser swing with the machine's load: each row says what it was when the row started.
  const withLoad = (benchmarks) =>
    benchmarks.map((b) => ({
      ...b,
      async run(ctx) {
        const load = os.loadavg()[0];
        const rows = await b.run(ctx);
        const note = `load avg ${load.toFixed(1)} on ${os.cpus().length} CPUs`;
        return rows.map((r) => ({ ...r, note: r.note ? `${r.note}; ${note}` : note }));
      },
    }));

  return withLoad([
    {
      name: 'ui.floor',
      describe:
        'a blank page in the same browser, measured the same way: what a fresh tab costs before any of our code (read the rows below against it)',
      async run(ctx) {
        const blank = http.createServer((_request, response) => {
          response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
          response.end(
            '<!doctype html><html><head><title>blank</title></head><body><p id="ready">ready</p></body></html>',
          );
        });
        await new Promise((resolve) => blank.listen(0, '127.0.0.1', resolve));
        const browser = await launch();
        try {
          const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
          const server = { url: `http://127.0.0.1:${blank.address().port}/` };
          const times = Math.max(5, Math.round(ctx.opts.runs / 2));
          const { loads } = await timedLoads(
            context,
            server,
            '',
            () => document.getElementById('ready') !== null,
            null,
            times,
          );
          return [
            row(
              'ui.floor (blank page)',
              loads.map((l) => l.interactive),
              { note: 'navigation start to a blank page on screen, main thread free: the browser alone' },
            ),
          ];
        } finally {
          await browser.close();
          await new Promise((resolve) => blank.close(resolve));
        }
      },
    },
    {
      name: 'ui.runs-page',
      describe: `Runs page with ${MANY_RUNS} runs: navigation start to the history table on screen (target < 300 ms)`,
      async run(ctx) {
        const seed = await loadSeeder();
        const file = ctx.tempPath('many-runs.db');
        const { repo, close } = seed.openSeeded(file);
        try {
          // Mostly ended runs, as a real history is; statuses that need a live owner would be marked interrupted.
          seed.seedRuns(repo, MANY_RUNS, ['completed', 'failed', 'completed', 'cancelled', 'interrupted']);
        } finally {
          close();
        }
        return withServedPage(file, async (server, context) => {
          const times = Math.max(5, Math.round(ctx.opts.runs / 2));
          const { loads, page } = await timedLoads(
            context,
            server,
            '#/runs',
            () => document.querySelectorAll('[data-testid="run-row"]').length > 0,
            null,
            times,
          );
          // A sort asked of the engine: click a column, wait for another first row.
          const sortSamples = [];
          for (const label of ['Cost', 'Best score', 'Duration', 'Created', 'Cost', 'Best score']) {
            const ms = await page.evaluate(async (name) => {
              const first = () =>
                document.querySelector('[data-testid="run-row"]')?.getAttribute('data-run-id');
              const before = first();
              const button = [...document.querySelectorAll('th button')].find((b) =>
                b.textContent?.startsWith(name),
              );
              if (!button) throw new Error(`no column button ${name}`);
              const t0 = performance.now();
              button.click();
              for (;;) {
                await new Promise((r) => requestAnimationFrame(r));
                if (first() !== before) return performance.now() - t0;
                if (performance.now() - t0 > 10_000) throw new Error(`sorting by ${name} changed nothing`);
              }
            }, label);
            sortSamples.push(ms);
          }
          const rows = await page.locator('[data-testid="run-row"]').count();
          const pager = (await page.getByRole('navigation', { name: 'Pages of runs' }).textContent())?.match(
            /Page .*? runs?/,
          )?.[0];
          return [
            row(
              'ui.runs-page (open)',
              loads.map((l) => l.interactive),
              {
                note: `${rows} rows shown, ${pager}; table on screen at median ${fmt(summarize(loads.map((l) => l.shown)).median)}; ${longNote(loads)}`,
              },
            ),
            row('ui.runs-page (sort)', sortSamples, {
              note: 'column click to a new first row (runs.list sorts in SQL)',
            }),
          ];
        });
      },
    },
    {
      name: 'ui.detail-open',
      describe: `run detail of a ${BIG_EVENTS}-event run: navigation start to its last console line on screen, main thread free (target < 500 ms)`,
      async run(ctx) {
        const big = await bigRunDb(ctx);
        return withServedPage(big.file, async (server, context) => {
          const times = Math.max(3, Math.round(ctx.opts.runs / 5));
          const { loads } = await timedLoads(
            context,
            server,
            `#/runs/${big.id}`,
            consoleShows,
            big.lastLine,
            times,
          );
          return [
            row(
              'ui.detail-open (100k events)',
              loads.map((l) => l.interactive),
              {
                note: `last line on screen at median ${fmt(summarize(loads.map((l) => l.shown)).median)}; ${longNote(loads)}; seeded in ${(big.seedMs / 1000).toFixed(1)} s`,
              },
            ),
          ];
        });
      },
    },
    {
      name: 'ui.console-scroll',
      describe: `the ${BIG_EVENTS}-event run's console scrolled end to end: frame times and long tasks over 50 ms (target: none)`,
      async run(ctx) {
        const big = await bigRunDb(ctx);
        return withServedPage(big.file, async (server, context) => {
          const { page } = await timedLoads(
            context,
            server,
            `#/runs/${big.id}`,
            consoleShows,
            big.lastLine,
            0,
          );
          await page.waitForTimeout(500); // let the load's own work finish before watching
          const result = await page.evaluate(async () => {
            const el = document.querySelector('[role="log"]');
            const longs = [];
            const observer = new PerformanceObserver((list) =>
              longs.push(...list.getEntries().map((e) => e.duration)),
            );
            observer.observe({ type: 'longtask' });
            const frames = [];
            let last = performance.now();
            const frame = async () => {
              await new Promise((r) => requestAnimationFrame(r));
              const now = performance.now();
              frames.push(now - last);
              last = now;
            };
            const max = el.scrollHeight - el.clientHeight;
            // Jumps from the bottom to the top (a dragged scrollbar), then wheel-sized steps down and back up.
            for (let i = 0; i <= 200; i++) {
              el.scrollTop = max - (max * i) / 200;
              await frame();
            }
            for (let i = 0; i < 300; i++) {
              el.scrollTop += 100;
              await frame();
            }
            for (let i = 0; i < 300; i++) {
              el.scrollTop -= 100;
              await frame();
            }
            await new Promise((r) => setTimeout(r, 100));
            observer.disconnect();
            // The console's own count ("100,000 lines").
            const count = /([\d,]+) lines?\b/.exec(
              document.getElementById('console-count')?.textContent ?? '',
            )?.[1];
            return { longs, frames, lines: count, height: el.scrollHeight };
          });
          const maxLong = result.longs.length ? Math.round(Math.max(...result.longs)) : 0;
          return [
            row('ui.console-scroll (frame)', result.frames, {
              note: `${result.lines ?? '?'} lines in the console (${result.height} px tall), ${result.frames.length} scroll steps; long tasks over 50 ms: ${result.longs.length}${result.longs.length ? `, max ${maxLong} ms` : ''}`,
            }),
          ];
        });
      },
    },
    {
      name: 'ui.live-latency',
      describe: `${LIVE_RATE} events/s appended by another process to a running run: stored to on screen, p95 (target < 100 ms)`,
      async run(ctx) {
        const seed = await loadSeeder();
        const file = ctx.tempPath('live-run.db');
        const id = 'bench-live';
        // This process is the run's owner, so serve sees a run carried elsewhere and alive, as with `mle-beast run`.
        const writer = seed.openSeeded(file);
        try {
          seed.seedBigRun(writer.repo, {
            id,
            events: 2000,
            status: 'running',
            owner: { pid: process.pid, host: os.hostname() },
          });
          return await withServedPage(file, async (server, context) => {
            const page = await context.newPage();
            await page.goto(`${server.url}#/runs/${id}`);
            await page.waitForFunction(consoleShows, seed.lastLineOf(2000), { timeout: 60_000 });
            // The page records, by its wall clock, when each higher "bench live <k>" line first shows: event k
            // is on screen by then (a run's events are applied in order; the console may skip drawing lines
            // that scroll past within one frame).
            await page.evaluate(() => {
              const seen = [];
              window.__live = seen;
              let top = 0;
              new MutationObserver((records) => {
                const at = Date.now();
                for (const r of records) {
                  for (const node of r.addedNodes) {
                    for (const m of (node.textContent ?? '').matchAll(/bench live (\d+)\b/g)) {
                      const k = Number(m[1]);
                      if (k > top) {
                        top = k;
                        seen.push([k, at]);
                      }
                    }
                  }
                }
              }).observe(document.body, { childList: true, subtree: true, characterData: true });
            });
            const sentAt = [];
            const batch = LIVE_RATE / 50; // one write every 20 ms, as the engine coalesces chatty output
            let k = 0;
            const started = Date.now();
            await new Promise((resolve) => {
              const timer = setInterval(() => {
                // Catch up to the schedule: the rate holds even when a timer fires late.
                const due = Math.min(
                  LIVE_RATE * LIVE_SECONDS,
                  Math.floor(((Date.now() - started) / 1000) * LIVE_RATE),
                );
                while (k < due) {
                  const texts = [];
                  for (let j = 0; j < batch && k < due; j++) texts.push(`bench live ${++k}`);
                  seed.appendLogs(writer.repo, id, texts);
                  const at = Date.now();
                  for (let j = sentAt.length; j < k; j++) sentAt.push(at);
                }
                if (k >= LIVE_RATE * LIVE_SECONDS) {
                  clearInterval(timer);
                  resolve();
                }
              }, 20);
            });
            const rate = k / ((Date.now() - started) / 1000);
            await page.waitForTimeout(5000); // what is still on its way
            const seen = await page.evaluate(() => window.__live);
            const latencies = [];
            let s = 0;
            for (let i = 1; i <= k; i++) {
              while (s < seen.length && seen[s][0] < i) s++;
              if (s === seen.length) break;
              latencies.push(Math.max(0, seen[s][1] - sentAt[i - 1]));
            }
            if (latencies.length === 0) {
              return [
                {
                  name: 'ui.live-latency',
                  n: 0,
                  note: `none of ${k} events reached the screen within 5 s of the last`,
                },
              ];
            }
            const sorted = [...latencies].sort((a, b) => a - b);
            const p95 = sorted[Math.ceil(0.95 * sorted.length) - 1];
            return [
              row('ui.live-latency (event to screen)', latencies, {
                note: `p95 ${Math.round(p95)} ms, max ${Math.round(sorted.at(-1))} ms; ${latencies.length}/${k} events shown, written at ${Math.round(rate)}/s by another process (ms clock)`,
              }),
            ];
          });
        } finally {
          writer.close();
        }
      },
    },
  ]);
}

const fmt = (ms) => `${ms.toFixed(1)} ms`;

/**
 * Runs in the page each frame: opens the run detail's Console tab as soon as it is there (the detail opens on
 * its Overview, so a user clicks it too), then says whether `last` is on screen in the console.
 */
function consoleShows(last) {
  const tab = document.getElementById('tab-console');
  if (tab && tab.getAttribute('aria-selected') !== 'true') tab.click();
  return !!document.querySelector('[role="log"]')?.textContent?.includes(last);
}
