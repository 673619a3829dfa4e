// Stand-ins for a broken intake worker (intake-off-loop.test.ts): each misbehaves in one way a real worker
// could (a bug that throws, a thread that dies, an answer of the wrong shape, a thread that never answers).
import fs from 'node:fs';
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';

// The request's source names the misbehaviour: { kind: 'tabular', path: ..., fake: 'throw' }.
const how = workerData?.source?.fake;
if (how === 'throw') throw new Error('boom: an intake bug');
if (how === 'exit') process.exit(3);
if (how === 'malformed')
  parentPort.postMessage({ type: 'result', result: { ok: true, value: 42, warnings: [] } });
if (how === 'hang') {
  // Writes into the run data folder as an intake does, then never answers: only a cancel ends it.
  fs.mkdirSync(path.join(workerData.runDataDir, 'visible'), { recursive: true });
  fs.writeFileSync(path.join(workerData.runDataDir, 'visible', 'part.csv'), 'a,b\n');
  setInterval(() => {}, 1000);
}
