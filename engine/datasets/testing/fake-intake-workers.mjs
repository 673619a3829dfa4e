// Stand-ins for a broken intake worker process (intake-off-loop.test.ts): each misbehaves in one way a real
// worker could (a bug that throws, a process that dies, an answer of the wrong shape, one that never answers), or
// tells how it was started.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

process.once('message', (request) => {
  // The request's source names the misbehaviour: { kind: 'tabular', path: ..., fake: 'throw' }.
  const how = request?.source?.fake;
  if (how === 'throw') throw new Error('boom: an intake bug');
  if (how === 'exit') process.exit(3);
  // Says the priority it runs at (as a crash: the one message shape that carries free text).
  if (how === 'priority') process.send({ type: 'crashed', message: `priority ${os.getPriority()}` });
  if (how === 'malformed') process.send({ type: 'result', result: { ok: true, value: 42, warnings: [] } });
  if (how === 'hang') {
    // Writes into the run data folder as an intake does, then never answers: only a cancel ends it.
    fs.mkdirSync(path.join(request.runDataDir, 'visible'), { recursive: true });
    fs.writeFileSync(path.join(request.runDataDir, 'visible', 'part.csv'), 'a,b\n');
    setInterval(() => {}, 1000);
  }
});
