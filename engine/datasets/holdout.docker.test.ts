import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockerSandbox } from '../sandbox/docker-sandbox';
import { resolveMetric } from '../scoring/metric-registry';
import { scorePredictions } from '../scoring/score';
import { makeTempDir } from '../testing/temp-dir';
import { daemon, dockerSuiteTitle, startTestSandbox } from '../testing/docker';
import { prepareRunData, type PreparedRunData } from './run-data';
import { SeededRandom } from './seeded-random';
import { csv, readSimpleCsv } from './testing/files';

// Acceptance: no holdout label is readable from inside the container. The dataset's targets are unique
// marker numbers, so a search is conclusive: if a holdout row's target appears anywhere the container can
// read, it leaked. The search runs in Python inside the sandbox over the data mount, the workspace, the usual
// writable and mount places, the environment and the mount table. Each search also has a positive control
// (markers that MUST be found: visible targets in /data, holdout row keys in the holdout mount), so a search
// that silently reads nothing cannot pass.

const SEARCH_SCRIPT = String.raw`
import json, os, sys

def load(name):
    # Markers are stored reversed, so this workspace file does not itself contain them.
    with open(name) as f:
        return [line.strip()[::-1].encode() for line in f if line.strip()]

absent = load(sys.argv[1])
present = load(sys.argv[2])
roots = sys.argv[3:]
found_absent, found_present, scanned, errors = [], set(), 0, 0
skip = ('/proc', '/sys', '/dev')

def check(where, data):
    for m in absent:
        if m in data:
            found_absent.append(where + ': ' + m.decode())
    for m in present:
        if m in data:
            found_present.add(m)

for root in roots:
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not os.path.join(dirpath, d).startswith(skip)]
        for name in filenames + [d for d in dirnames]:
            check('path ' + os.path.join(dirpath, name), os.path.join(dirpath, name).encode())
        for name in filenames:
            full = os.path.join(dirpath, name)
            if os.path.basename(full) in (sys.argv[1], sys.argv[2]) or os.path.islink(full):
                continue
            try:
                with open(full, 'rb') as f:
                    check(full, f.read(64 * 1024 * 1024))
                scanned += 1
            except OSError:
                errors += 1

check('environment', '\n'.join(k + '=' + v for k, v in os.environ.items()).encode())
for special in ('/proc/self/environ', '/proc/1/environ', '/proc/self/cmdline', '/proc/self/mountinfo'):
    try:
        with open(special, 'rb') as f:
            check(special, f.read())
    except OSError:
        pass
with open('/proc/self/mountinfo') as f:
    mounts = [line.split()[3] + ' -> ' + line.split()[4] for line in f]
print(json.dumps({'leaks': found_absent, 'controls_found': len(found_present), 'controls': len(present),
                  'scanned': scanned, 'errors': errors, 'mounts': mounts}))
`;

const PLACES = [
  '/data',
  '/workspace',
  '/tmp',
  '/var/tmp',
  '/home',
  '/root',
  '/mnt',
  '/media',
  '/srv',
  '/opt',
  '/run',
];

interface SearchReport {
  leaks: string[];
  controls_found: number;
  controls: number;
  scanned: number;
  errors: number;
  mounts: string[];
}

const reversed = (values: string[]) => values.map((v) => [...v].reverse().join('')).join('\n') + '\n';

describe.skipIf(!daemon.available)(dockerSuiteTitle('the hidden holdout inside the sandbox'), () => {
  const temp = makeTempDir('mle-beast-holdout-docker-');
  const workspace = path.join(temp.dir, 'workspace');
  let prepared: PreparedRunData;
  let sandbox: DockerSandbox;
  /** Target markers of holdout rows: must be found nowhere. */
  let holdoutTargets: string[];
  /** Target markers of visible rows: the positive control for /data. */
  let visibleTargets: string[];
  /** Row keys (a feature) of holdout rows: the positive control for the holdout mount. */
  let holdoutKeys: string[];

  async function search(
    absent: string[],
    present: string[],
    roots: string[],
    mounts?: { hostPath: string; sandboxPath: string }[],
  ): Promise<SearchReport> {
    fs.writeFileSync(path.join(workspace, 'absent.rev'), reversed(absent));
    fs.writeFileSync(path.join(workspace, 'present.rev'), reversed(present));
    const result = await sandbox.exec({
      argv: ['python3', 'search.py', 'absent.rev', 'present.rev', ...roots],
      timeoutMs: 120_000,
      ...(mounts ? { mounts } : {}),
    });
    if (result.exitCode !== 0) throw new Error(`search.py failed (${result.exitCode}): ${result.stderr}`);
    return JSON.parse(result.stdout) as SearchReport;
  }

  beforeAll(async () => {
    const rng = new SeededRandom(99, 'markers');
    const rows = Array.from({ length: 300 }, (_, i) => {
      // Unique, unmistakable values: 7 digits, a point, 6 digits; never a substring of another marker.
      const target = `${7_100_000 + i * 37}.${String(100_000 + rng.int(900_000))}`;
      return [`key${String(i).padStart(4, '0')}q`, (rng.next() * 10).toFixed(3), rng.int(5), target];
    });
    const datasetDir = path.join(temp.dir, 'user-data');
    fs.mkdirSync(datasetDir);
    fs.writeFileSync(path.join(datasetDir, 'houses.csv'), csv(['key', 'size', 'rooms', 'target'], rows));
    const result = await prepareRunData({
      source: { kind: 'tabular', path: path.join(datasetDir, 'houses.csv') },
      runDataDir: path.join(temp.dir, 'run'),
    });
    if (!result.ok) throw new Error(result.errors.map((e) => e.message).join('\n'));
    prepared = result.value;
    expect(prepared.manifest.task).toBe('regression');

    const heldKeys = new Set(
      [prepared.paths.selection, prepared.paths.final].flatMap((s) =>
        readSimpleCsv(s.input).rows.map((r) => r[1]!),
      ),
    );
    holdoutTargets = rows.filter((r) => heldKeys.has(r[0] as string)).map((r) => r[3] as string);
    visibleTargets = rows.filter((r) => !heldKeys.has(r[0] as string)).map((r) => r[3] as string);
    holdoutKeys = [...heldKeys];
    expect(holdoutTargets).toHaveLength(60);

    fs.mkdirSync(workspace);
    fs.writeFileSync(path.join(workspace, 'search.py'), SEARCH_SCRIPT);
    sandbox = await startTestSandbox({
      runId: `test-holdout-${process.pid}`,
      workspaceDir: workspace,
      dataDir: prepared.paths.visible,
    });
  }, 120_000);

  afterAll(async () => {
    await sandbox?.stop();
    temp.cleanup();
  });

  it('the run container can read the visible data and no holdout label anywhere', async () => {
    const report = await search(holdoutTargets, visibleTargets, PLACES);
    expect(report.leaks).toEqual([]);
    // Positive control: every visible target was found (in /data), so the search reads what it should.
    expect(report.controls_found).toBe(visibleTargets.length);
    expect(report.scanned).toBeGreaterThan(2);
    const runData = prepared.paths.root;
    for (const mount of report.mounts) {
      expect(mount).not.toContain(path.join(runData, 'labels'));
      expect(mount.split(' -> ')[0]).not.toBe(runData);
    }
    expect(report.mounts.some((m) => m.endsWith(' -> /data'))).toBe(true);
  });

  it('the holdout features are not even there: the run container sees none of the holdout rows', async () => {
    const report = await search(holdoutKeys, [], PLACES);
    expect(report.leaks).toEqual([]);
  });

  it('a predict command with the holdout mounted reads features, and still no label', async () => {
    const mounts = [
      { hostPath: prepared.paths.selection.dir, sandboxPath: '/mnt/holdout/selection' },
      { hostPath: prepared.paths.final.dir, sandboxPath: '/mnt/holdout/final' },
    ];
    const report = await search(holdoutTargets, holdoutKeys, [...PLACES, '/mnt/holdout'], mounts);
    expect(report.leaks).toEqual([]);
    // Positive control: every holdout row's key was found under the mount, so the features were readable.
    expect(report.controls_found).toBe(holdoutKeys.length);
    for (const mount of report.mounts) {
      expect(mount).not.toContain(`${path.sep}labels`);
      expect(mount.split(' -> ')[0]).not.toBe(prepared.paths.root);
    }
  });

  it('predict.py-style: reads the features without a label column, writes predictions the engine scores', async () => {
    const predict = [
      'import csv, sys',
      'rows = list(csv.DictReader(open(sys.argv[1])))',
      "assert 'target' not in rows[0], 'label column in features'",
      "with open(sys.argv[2], 'w', newline='') as f:",
      "    w = csv.writer(f); w.writerow(['id', 'prediction'])",
      "    for r in rows: w.writerow([r['id'], 7100000 + float(r['size'])])",
      "print(len(rows), ','.join(rows[0].keys()))",
    ].join('\n');
    fs.writeFileSync(path.join(workspace, 'predict.py'), predict);
    const result = await sandbox.exec({
      argv: ['python3', 'predict.py', '/mnt/holdout/features.csv', 'predictions.csv'],
      mounts: [{ hostPath: prepared.paths.selection.dir, sandboxPath: '/mnt/holdout' }],
      timeoutMs: 60_000,
    });
    expect(result.exitCode, result.stderr).toBe(0);
    expect(result.stdout.trim()).toBe(`${prepared.paths.selection.rows} id,key,size,rooms`);
    const metric = resolveMetric('rmse', { task: 'regression' });
    if (!metric.ok) throw new Error(metric.message);
    const scored = await scorePredictions({
      predictionsPath: path.join(workspace, 'predictions.csv'),
      labelsPath: prepared.paths.selection.labels,
      metric: metric.metric,
    });
    expect(scored).toMatchObject({ ok: true, metric: 'rmse', n: prepared.paths.selection.rows });
  });
});
