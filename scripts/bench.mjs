// Benchmarks: prints figures (medians over repeated runs), never pass/fail thresholds.
// Runs with plain Node against the built CLI (out/cli) and the HTTP/WebSocket API of `mle-beast serve`.
//
//   node scripts/bench.mjs                 all benchmarks, as a table
//   node scripts/bench.mjs --only http     the benchmarks whose name contains "http"
//   node scripts/bench.mjs --json          JSON instead of a table
//   node scripts/bench.mjs --list          the benchmark names
//
// To add a benchmark, append an entry to BENCHMARKS: { name, describe, run(ctx) } where run resolves to
// rows { name, median_ms, p90_ms, n, note } (optionally min_ms, ratio, per_s). Use ctx.server() for a
// shared running server, ctx.tempPath() for scratch files, and the helpers below for timing.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BIN = path.join(ROOT, 'bin', 'mle-beast.js');
const CLI_ENTRY = path.join(ROOT, 'out', 'cli', 'entry.js');
const RENDERER_INDEX = path.join(ROOT, 'out', 'renderer', 'index.html');
const HOST = '127.0.0.1';
const URL_LINE = /^mle-beast dashboard: (http:\/\/127\.0\.0\.1:(\d+)\/\?token=(\S+))\s*$/m;

// ---------------------------------------------------------------- options

const USAGE = `usage: node scripts/bench.mjs [options]
  --only <substring>  run only the benchmarks whose name contains it (repeatable)
  --json              print JSON instead of a table
  --list              list the benchmark names and exit
  --runs <n>          process start-ups per CLI benchmark (default 15)
  --calls <n>         sequential calls per HTTP benchmark (default 200)
  --no-build          do not run \`npm run build\` when out/ is missing; fail instead
  -h, --help          this text`;

function parseArgs(argv) {
  const opts = { only: [], json: false, list: false, runs: 15, calls: 200, build: true };
  const number = (flag, value) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1) fail(`${flag} expects a whole number of at least 1, not ${value}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? arg.split(/=(.*)/s) : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      if (i + 1 >= argv.length) fail(`${flag} needs a value`);
      return argv[++i];
    };
    if (flag === '--only') opts.only.push(value());
    else if (flag === '--json') opts.json = true;
    else if (flag === '--list') opts.list = true;
    else if (flag === '--runs') opts.runs = number(flag, value());
    else if (flag === '--calls') opts.calls = number(flag, value());
    else if (flag === '--no-build') opts.build = false;
    else if (flag === '-h' || flag === '--help') {
      console.log(USAGE);
      process.exit(0);
    } else fail(`unknown option ${arg}\n${USAGE}`);
  }
  return opts;
}

function fail(message, code = 2) {
  console.error(`bench: ${message}`);
  process.exit(code);
}

// ---------------------------------------------------------------- statistics and timing

function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const n = sorted.length;
  const rank = (q) => sorted[Math.min(n - 1, Math.max(0, Math.ceil(q * n) - 1))];
  const median = n % 2 ? sorted[(n - 1) / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  return { n, median, p90: rank(0.9), min: sorted[0], max: sorted[n - 1] };
}

const round = (v, digits = 3) => Math.round(v * 10 ** digits) / 10 ** digits;

function row(name, samples, extra = {}) {
  const s = summarize(samples);
  const out = { name, median_ms: s.median, p90_ms: s.p90, min_ms: s.min, n: s.n, note: '', ...extra };
  for (const key of ['median_ms', 'p90_ms', 'min_ms', 'ratio', 'per_s']) {
    if (typeof out[key] === 'number') out[key] = round(out[key], key === 'per_s' ? 0 : 3);
  }
  return out;
}

/** Runs fn sequentially `calls` times (after `warmup` untimed calls), or until budgetMs has passed. */
async function timeLoop(fn, { calls, warmup = 5, budgetMs = 10_000 }) {
  for (let i = 0; i < warmup; i++) await fn(i);
  const samples = [];
  const started = performance.now();
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await fn(i);
    samples.push(performance.now() - t0);
    if (performance.now() - started > budgetMs) break;
  }
  const elapsed = performance.now() - started;
  return { samples, perSecond: samples.length / (elapsed / 1000), cutShort: samples.length < calls };
}

// ---------------------------------------------------------------- processes and temp files

const children = new Set();
let tempRoot = null;

function tempPath(name) {
  tempRoot ??= mkdtempSync(path.join(os.tmpdir(), 'mle-beast-bench-'));
  return path.join(tempRoot, name);
}

function cleanupSync() {
  for (const child of children) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  children.clear();
  if (tempRoot) {
    rmSync(tempRoot, { recursive: true, force: true });
    tempRoot = null;
  }
}

process.on('exit', cleanupSync);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    cleanupSync();
    process.exit(130);
  });
}

/** The env every child gets: the database is always a scratch file, never the user's. */
function childEnv(dbPath, extra = {}) {
  return { ...process.env, ...extra, MLE_BEAST_DB_PATH: dbPath };
}

function track(child) {
  children.add(child);
  child.once('exit', () => children.delete(child));
  return child;
}

/** Wall time of one process from spawn to exit, in ms. Rejects on a non-zero exit. */
function timeProcess(args, env) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = track(
      spawn(process.execPath, args, { cwd: ROOT, env, stdio: ['ignore', 'ignore', 'pipe'] }),
    );
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      const ms = performance.now() - t0;
      if (code === 0) resolve(ms);
      else reject(new Error(`node ${args.join(' ')} exited with ${code ?? signal}: ${stderr.trim()}`));
    });
  });
}

/** Stops a child: SIGTERM, then SIGKILL if it is still there after graceMs. */
function stopProcess(child, graceMs = 3000) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** Spawns `serve` on a free loopback port; resolves once it prints its URL line. */
function startServer(dbPath, { timeoutMs = 20_000, env = {} } = {}) {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = track(
      spawn(process.execPath, [BIN, 'serve', '--host', HOST, '--port', '0', '--no-browser'], {
        cwd: ROOT,
        env: childEnv(dbPath, env),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (error, value) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        void stopProcess(child);
        reject(error);
      } else resolve(value);
    };
    const timer = setTimeout(
      () => finish(new Error(`serve printed no URL within ${timeoutMs} ms; stderr: ${stderr.trim()}`)),
      timeoutMs,
    );
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const match = URL_LINE.exec(stdout);
      if (match) {
        const readyMs = performance.now() - t0;
        finish(null, { child, readyMs, url: match[1], port: Number(match[2]), token: match[3] });
      }
    });
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.once('error', (error) => finish(error));
    child.once('exit', (code, signal) =>
      finish(new Error(`serve exited (${code ?? signal}) before printing its URL: ${stderr.trim()}`)),
    );
  });
}

// ---------------------------------------------------------------- HTTP client

/** Calls one engine command over HTTP; resolves to the command's value, rejects on anything but ok. */
function command(server, agent, name, input = {}) {
  const body = JSON.stringify(input);
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: HOST,
        port: server.port,
        method: 'POST',
        path: `/api/command/${encodeURIComponent(name)}`,
        agent,
        headers: {
          Authorization: `Bearer ${server.token}`,
          'Content-Type': 'application/json',
          'Content-Length': Buffer.byteLength(body),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk) => (text += chunk));
        res.on('end', () => {
          let reply;
          try {
            reply = JSON.parse(text);
          } catch {
            return reject(new Error(`${name}: HTTP ${res.statusCode}, not JSON: ${text.slice(0, 200)}`));
          }
          if (res.statusCode === 200 && reply?.ok === true) resolve(reply.value);
          else reject(new Error(`${name}: HTTP ${res.statusCode}: ${text.slice(0, 300)}`));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

// ---------------------------------------------------------------- benchmarks

const fmt = (ms) => `${ms.toFixed(1)} ms`;

/** Runs `args` and a bare `node -e 0` alternately, so both see the same machine state. */
async function startupVersusBaseline(name, args, ctx, what) {
  const env = childEnv(ctx.tempPath('startup-never-created.db'));
  const baselineArgs = ['-e', '0'];
  await timeProcess(baselineArgs, env); // warm the file cache for both
  await timeProcess(args, env);
  const target = [];
  const baseline = [];
  for (let i = 0; i < ctx.opts.runs; i++) {
    baseline.push(await timeProcess(baselineArgs, env));
    target.push(await timeProcess(args, env));
  }
  const t = summarize(target);
  const b = summarize(baseline);
  return [
    row(name, target, {
      ratio: t.median / b.median,
      note: `${what}; +${fmt(t.median - b.median)} over paired node -e 0 (median ${fmt(b.median)})`,
    }),
  ];
}

const BENCHMARKS = [
  {
    name: 'startup.node-baseline',
    describe: 'bare `node -e 0`, the floor every CLI start-up is compared against',
    async run(ctx) {
      const env = childEnv(ctx.tempPath('startup-never-created.db'));
      await timeProcess(['-e', '0'], env);
      const samples = [];
      for (let i = 0; i < ctx.opts.runs; i++) samples.push(await timeProcess(['-e', '0'], env));
      return [row('startup.node-baseline', samples, { ratio: 1, note: 'spawn to exit' })];
    },
  },
  {
    name: 'startup.version',
    describe: '`mle-beast --version`, spawn to exit',
    run: (ctx) => startupVersusBaseline('startup.version', [BIN, '--version'], ctx, 'spawn to exit'),
  },
  {
    name: 'startup.help',
    describe: '`mle-beast --help`, spawn to exit',
    run: (ctx) => startupVersusBaseline('startup.help', [BIN, '--help'], ctx, 'spawn to exit'),
  },
  {
    name: 'serve.cold-start',
    describe:
      '`serve --port 0` with a fresh database, spawn to URL line (then a second start on that database)',
    async run(ctx) {
      const runs = Math.max(3, Math.round(ctx.opts.runs / 3));
      const fresh = [];
      const existing = [];
      for (let i = 0; i < runs; i++) {
        const dbPath = ctx.tempPath(`cold-${i}.db`);
        for (const samples of [fresh, existing]) {
          const server = await startServer(dbPath);
          try {
            samples.push(server.readyMs);
          } finally {
            await stopProcess(server.child);
          }
        }
      }
      return [
        row('serve.cold-start (new db)', fresh, { note: 'spawn to URL line; creates and migrates the db' }),
        row('serve.cold-start (existing db)', existing, { note: 'spawn to URL line; db already migrated' }),
      ];
    },
  },
  {
    name: 'http.settings.get',
    describe: 'POST /api/command/settings.get, sequential, keep-alive',
    async run(ctx) {
      const { server, agent } = await ctx.server();
      const r = await timeLoop(() => command(server, agent, 'settings.get'), { calls: ctx.opts.calls });
      return [httpRow('http.settings.get', r, 'reads the settings table')];
    },
  },
  {
    name: 'http.settings.update',
    describe: 'POST /api/command/settings.update, sequential, keep-alive',
    async run(ctx) {
      const { server, agent } = await ctx.server();
      const r = await timeLoop(
        (i) => command(server, agent, 'settings.update', { defaultMaxSteps: 31 + (i % 2) }),
        { calls: ctx.opts.calls },
      );
      return [httpRow('http.settings.update', r, 'one SQLite write transaction + a settings.changed event')];
    },
  },
  {
    name: 'http.app.info',
    describe: 'POST /api/command/app.info (includes a Docker probe), sequential, keep-alive',
    async run(ctx) {
      const { server, agent } = await ctx.server();
      const info = await command(server, agent, 'app.info');
      const r = await timeLoop(() => command(server, agent, 'app.info'), { calls: ctx.opts.calls });
      const docker = info.docker.available
        ? `Docker ${info.docker.version} answered`
        : `Docker unavailable at ${info.docker.endpoint}`;
      return [httpRow('http.app.info', r, `probes Docker every call (${docker})`)];
    },
  },
  {
    name: 'ws.settings-changed',
    describe: 'settings.update call start to the settings.changed event on /api/events',
    async run(ctx) {
      let WebSocket;
      try {
        ({ WebSocket } = await import('ws'));
      } catch (error) {
        return [{ name: 'ws.settings-changed', n: 0, note: `skipped: cannot load ws (${error.message})` }];
      }
      const { server, agent } = await ctx.server();
      const ws = new WebSocket(`ws://${HOST}:${server.port}/api/events`, {
        headers: { Authorization: `Bearer ${server.token}` },
      });
      try {
        await new Promise((resolve, reject) => {
          ws.once('open', resolve);
          ws.once('error', reject);
          ws.once('unexpected-response', (_req, res) =>
            reject(new Error(`upgrade refused: ${res.statusCode}`)),
          );
        });
        let waiter = null;
        ws.on('message', (data) => {
          const at = performance.now();
          const message = JSON.parse(String(data));
          if (waiter && message.name === 'settings.changed' && waiter.matches(message.payload)) {
            waiter.resolve(at);
            waiter = null;
          }
        });
        const once = async (i) => {
          const steps = 40 + (i % 2);
          const event = new Promise((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error('no settings.changed event within 5 s')), 5000);
            waiter = {
              matches: (payload) => payload?.settings?.defaultMaxSteps === steps,
              resolve: (at) => {
                clearTimeout(timer);
                resolve(at);
              },
            };
          });
          const t0 = performance.now();
          await command(server, agent, 'settings.update', { defaultMaxSteps: steps });
          return (await event) - t0;
        };
        for (let i = 0; i < 5; i++) await once(i);
        const samples = [];
        const calls = Math.max(10, Math.round(ctx.opts.calls / 2));
        const started = performance.now();
        for (let i = 0; i < calls && performance.now() - started < 10_000; i++) samples.push(await once(i));
        return [row('ws.settings-changed', samples, { note: 'update call start to event received' })];
      } finally {
        ws.terminate();
      }
    },
  },
];

function httpRow(name, result, note) {
  const cut = result.cutShort ? '; stopped early at the 10 s budget' : '';
  return row(name, result.samples, { per_s: result.perSecond, note: `${note}${cut}` });
}

// ---------------------------------------------------------------- output

function printTable(rows) {
  const num = (v, digits) => (typeof v === 'number' && Number.isFinite(v) ? v.toFixed(digits) : '');
  const columns = [
    ['benchmark', (r) => r.name, 'left'],
    ['n', (r) => String(r.n ?? ''), 'right'],
    ['median ms', (r) => num(r.median_ms, 2), 'right'],
    ['p90 ms', (r) => num(r.p90_ms, 2), 'right'],
    ['min ms', (r) => num(r.min_ms, 2), 'right'],
    ['ratio', (r) => (r.ratio === undefined ? '' : `${num(r.ratio, 2)}x`), 'right'],
    ['calls/s', (r) => num(r.per_s, 0), 'right'],
    ['note', (r) => r.error ?? r.note ?? '', 'left'],
  ];
  const cells = rows.map((r) => columns.map(([, get]) => get(r)));
  const widths = columns.map(([title], i) => Math.max(title.length, ...cells.map((c) => c[i].length)));
  const line = (values) =>
    values
      .map((v, i) => (columns[i][2] === 'right' ? v.padStart(widths[i]) : v.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  console.log(line(columns.map(([title]) => title)));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const c of cells) console.log(line(c));
}

function machine() {
  const cpus = os.cpus();
  return {
    node: process.versions.node,
    platform: `${process.platform}-${process.arch}`,
    cpus: cpus.length,
    cpu_model: cpus[0]?.model?.trim() ?? 'unknown',
  };
}

// ---------------------------------------------------------------- build check and main

function ensureBuilt(opts) {
  if (existsSync(CLI_ENTRY) && existsSync(RENDERER_INDEX)) return;
  const missing = existsSync(CLI_ENTRY)
    ? path.relative(ROOT, RENDERER_INDEX)
    : path.relative(ROOT, CLI_ENTRY);
  if (!opts.build) fail(`${missing} is missing: run \`npm run build\` first.`);
  console.error(`bench: ${missing} is missing; running \`npm run build\` first…`);
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  // The build's output goes to stderr so that --json output stays clean.
  const result = spawnSync(npm, ['run', 'build'], {
    cwd: ROOT,
    stdio: ['ignore', 2, 2],
    shell: process.platform === 'win32',
  });
  if (result.status !== 0 || !existsSync(CLI_ENTRY) || !existsSync(RENDERER_INDEX)) {
    fail(
      `the build failed or did not produce ${missing}: run \`npm run build\`, fix what it reports, then re-run.`,
    );
  }
}

/** The engine's own benchmarks (engine/bench/registry.ts, bundled by the build), adapted to this harness. */
async function engineBenchmarks() {
  const file = path.join(ROOT, 'out', 'cli', 'engine-bench.js');
  if (!existsSync(file)) return [];
  const { engineBenchmarks: list } = await import(pathToFileURL(file).href);
  return list.map((b) => ({
    name: b.name,
    describe: b.describe,
    run: (ctx) =>
      b.run({
        runs: ctx.opts.runs,
        tempDir: (name) => {
          const dir = ctx.tempPath(name);
          mkdirSync(dir, { recursive: true });
          return dir;
        },
      }),
  }));
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  ensureBuilt(opts);
  BENCHMARKS.push(...(await engineBenchmarks()));
  const { uiBenchmarks } = await import('./bench-ui.mjs');
  BENCHMARKS.push(...uiBenchmarks({ root: ROOT, startServer, stopProcess, row, summarize }));
  if (opts.list) {
    for (const b of BENCHMARKS) console.log(`${b.name.padEnd(24)} ${b.describe}`);
    return 0;
  }
  const selected = opts.only.length
    ? BENCHMARKS.filter((b) => opts.only.some((s) => b.name.includes(s)))
    : BENCHMARKS;
  if (selected.length === 0) fail(`no benchmark name contains ${opts.only.join(' or ')} (see --list)`);

  // One server, started on first use and shared by the HTTP and WebSocket benchmarks.
  let shared = null;
  const ctx = {
    opts,
    tempPath,
    server: () =>
      (shared ??= startServer(tempPath('shared.db')).then((server) => ({
        server,
        agent: new http.Agent({ keepAlive: true, maxSockets: 1 }),
      }))),
  };

  const rows = [];
  let failures = 0;
  const started = performance.now();
  try {
    for (const bench of selected) {
      if (!opts.json) process.stderr.write(`running ${bench.name}…\n`);
      try {
        rows.push(...(await bench.run(ctx)));
      } catch (error) {
        failures++;
        rows.push({ name: bench.name, n: 0, error: `FAILED: ${error.message}` });
      }
    }
  } finally {
    if (shared) {
      const s = await shared.catch(() => null);
      if (s) {
        s.agent.destroy();
        await stopProcess(s.server.child);
      }
    }
    cleanupSync();
  }
  const totalS = (performance.now() - started) / 1000;

  if (opts.json) {
    console.log(JSON.stringify({ machine: machine(), total_s: round(totalS, 1), rows }, null, 2));
  } else {
    const m = machine();
    console.log(`mle-beast bench: Node ${m.node}, ${m.platform}, ${m.cpus} CPUs (${m.cpu_model})`);
    console.log(`medians of repeated runs; ratio = median / paired bare \`node -e 0\` median\n`);
    printTable(rows);
    console.log(
      `\n${rows.length} rows in ${totalS.toFixed(1)} s${failures ? `; ${failures} benchmark(s) FAILED` : ''}`,
    );
  }
  return failures ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    cleanupSync();
    console.error(`bench: ${error.stack ?? error}`);
    process.exitCode = 1;
  },
);
