import path from 'node:path';
import type { RunEventBody } from '../api/runs';
import { sample, summarize, type BenchDefinition, type BenchRow } from '../bench/types';
import { openStore } from './database';
import { RunRepository } from './run-repository';

const EVENTS = 20_000;
const BATCH = 100;
const PAGE = 1_000;

/** A training log line of typical length. */
const line = (i: number): RunEventBody => ({
  type: 'log',
  stage: 'training',
  source: 'training',
  stream: 'stdout',
  text: `epoch ${i % 50} step ${i}: loss=${(1 / (i + 1)).toFixed(6)} lr=0.001000 grad_norm=${(i % 97) / 10}`,
});

const perSecond = (count: number, row: BenchRow): BenchRow => ({
  ...row,
  per_s: row.median_ms ? Math.round(count / (row.median_ms / 1000)) : 0,
});

export const benchmarks: BenchDefinition[] = [
  {
    name: 'store.events-ingest',
    describe: `store: events ingested per second (${EVENTS.toLocaleString('en-US')} log events into a WAL SQLite file, one appendEvent each, then appendEvents in batches of ${BATCH}; read back in pages of ${PAGE.toLocaleString('en-US')})`,
    async run(ctx) {
      const store = openStore({ path: path.join(ctx.tempDir('store-bench'), 'bench.db') });
      try {
        const repo = new RunRepository(store.db);
        const bodies = Array.from({ length: EVENTS }, (_, i) => line(i));
        let n = 0;
        const freshRun = (): string => {
          const id = `bench-${++n}`;
          repo.create({
            id,
            name: null,
            mode: 'greenfield',
            task: 'bench',
            workspace: '/tmp/ws',
            runDir: '/tmp/run',
            config: {},
            metric: { name: 'accuracy', direction: 'higher', target: null, trusted: true },
            maxSteps: 10,
            model: 'bench-model',
            sandbox: 'local',
            ownerPid: process.pid,
            ownerHost: 'bench',
          });
          return id;
        };
        const runs = Math.max(3, ctx.runs);

        const single = await sample(async () => {
          const id = freshRun();
          for (const body of bodies) repo.appendEvent(id, body);
        }, runs);
        const batched = await sample(async () => {
          const id = freshRun();
          for (let i = 0; i < EVENTS; i += BATCH) repo.appendEvents(id, bodies.slice(i, i + BATCH));
        }, runs);
        const readId = `bench-${n}`;
        const read = await sample(async () => {
          let since = 0;
          let seen = 0;
          for (;;) {
            const page = repo.events(readId, { sinceSeq: since, limit: PAGE });
            seen += page.events.length;
            if (page.nextSeq === null) break;
            since = page.nextSeq;
          }
          if (seen !== EVENTS) throw new Error(`read ${seen} events, expected ${EVENTS}`);
        }, runs);

        return [
          perSecond(
            EVENTS,
            summarize(`store.appendEvent x${EVENTS}`, single, {
              note: 'events/s: one transaction per event (seq bump + insert), synchronous=NORMAL',
            }),
          ),
          perSecond(
            EVENTS,
            summarize(`store.appendEvents x${EVENTS / BATCH}x${BATCH}`, batched, {
              note: `events/s: one transaction per batch of ${BATCH}`,
            }),
          ),
          perSecond(
            EVENTS,
            summarize(`store.events read x${EVENTS}`, read, {
              note: `events/s: pages of ${PAGE}, each body parsed with the contract schema`,
            }),
          ),
        ];
      } finally {
        store.close();
      }
    },
  },
];
