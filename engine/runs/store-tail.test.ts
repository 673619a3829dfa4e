import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEventsOf, type EventMessage } from '../api/contract';
import type { RunEvent, RunEventBody } from '../api/runs';
import { createEngine, type Engine } from '../service/engine';
import { RunRepository, type NewRun } from '../store/run-repository';
import { useTempDir } from '../testing/temp-dir';
import { EventPublisher } from './publisher';

// Two real engines on one SQLite file, as `mle-beast serve` and a `mle-beast run` in a terminal are: the one
// that writes publishes on its own bus; the other, with `tailOtherProcesses`, must carry the same events on its
// bus, each exactly once and in order, and say when run rows come or go.

const temp = useTempDir('mle-beast-tail-');
const engines: Engine[] = [];
afterEach(async () => {
  for (const e of engines.splice(0)) await e.close();
});

function open(tail: boolean, intervalMs = 10): Engine {
  const engine = createEngine({
    host: tail ? 'server' : 'cli',
    databasePath: path.join(temp.dir, 'mle_beast.db'),
    probeDocker: async () => ({ available: false, version: null, endpoint: 'none', error: 'not in tests' }),
    ...(tail ? { tailOtherProcesses: { intervalMs, pageSize: 300 } } : {}),
  });
  engines.push(engine);
  return engine;
}

const newRun = (id: string): NewRun => ({
  id,
  name: `run ${id}`,
  mode: 'greenfield',
  task: 'predict churn',
  workspace: `/ws/${id}`,
  runDir: `/runs/${id}`,
  config: { project: { name: id } },
  metric: { name: 'auc', direction: 'higher', target: 0.9, trusted: true },
  maxSteps: 3,
  model: 'gpt-x',
  sandbox: 'docker',
  // A live owner on this machine, so neither engine takes the run for one whose process died.
  ownerPid: process.pid,
  ownerHost: os.hostname(),
});

const log = (text: string): RunEventBody => ({
  type: 'log',
  stage: 'training',
  source: 'training',
  stream: 'stdout',
  text,
});

/** Every message a bus carries, and the run events among them, in arrival order. */
function record(engine: Engine) {
  const messages: EventMessage[] = [];
  const events: RunEvent[] = [];
  engine.events.subscribe((m) => {
    messages.push(m);
    events.push(...runEventsOf(m));
  });
  return { messages, events };
}

async function until(check: () => boolean, what: string, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** The sequence numbers of one run's events, in the order they arrived. */
const seqs = (events: RunEvent[], runId: string) => events.filter((e) => e.runId === runId).map((e) => e.seq);
const range = (n: number) => Array.from({ length: n }, (_, i) => i + 1);

describe('StoreTail: runs of another process on this bus', () => {
  it('is woken by the database files changing, not only by its interval', async () => {
    const writer = open(false);
    // An interval no test waits for: only the change notice on the database's write-ahead log can wake it.
    const reader = open(true, 3_600_000);
    const seen = record(reader);
    const repo = new RunRepository(writer.store.db);
    const publisher = new EventPublisher(repo, writer.events);
    repo.create(newRun('w'));
    repo.update('w', { status: 'running' });
    await until(() => seen.messages.some((m) => m.name === 'runs.changed'), 'the new row noticed');
    publisher.publish('w', log('first'));
    publisher.publish('w', log('second'));
    await until(() => seqs(seen.events, 'w').length >= 2, 'the events of the other engine');
    expect(seqs(seen.events, 'w')).toEqual([1, 2]);
  });

  it('carries 10,000 events of two runs written by another engine, each once and in order', async () => {
    const writer = open(false);
    const reader = open(true);
    const seen = record(reader);
    const repo = new RunRepository(writer.store.db);
    const publisher = new EventPublisher(repo, writer.events);
    repo.create(newRun('a'));
    repo.create(newRun('b'));
    repo.update('a', { status: 'running' });
    repo.update('b', { status: 'running' });

    // Single events, batches of all sizes, two runs interleaved, with pauses so the tail reads mid-stream.
    let written = 0;
    while (written < 10_000) {
      const id = written % 3 === 0 ? 'b' : 'a';
      if (written % 7 === 0) publisher.publish(id, log(`line ${written}`));
      else {
        const n = 1 + (written % 613);
        publisher.flush(id);
        for (let i = 0; i < n && written + i < 10_000; i += 1)
          publisher.coalesce(id, log(`line ${written + i}`));
        written += Math.min(n, 10_000 - written) - 1;
        publisher.flush(id);
      }
      written += 1;
      if (written % 5 === 0) await new Promise((r) => setTimeout(r, 1));
    }
    const lastA = repo.summary('a')!.lastSeq;
    const lastB = repo.summary('b')!.lastSeq;
    expect(lastA + lastB).toBe(10_000);

    await until(() => seen.events.length >= 10_000, 'all events on the reader bus');
    await new Promise((r) => setTimeout(r, 100)); // a few more ticks: nothing more may come
    expect(seqs(seen.events, 'a')).toEqual(range(lastA));
    expect(seqs(seen.events, 'b')).toEqual(range(lastB));
    // The events are the stored ones, bodies included.
    expect(seen.events.find((e) => e.runId === 'a' && e.seq === lastA)).toEqual(
      repo.events('a', { sinceSeq: lastA - 1, limit: 1 }).events[0],
    );
    // Batches travel as batches (one message for many events), never as 10,000 messages.
    const runMessages = seen.messages.filter((m) => m.name === 'run.event' || m.name === 'run.events');
    expect(runMessages.length).toBeLessThan(2_000);
  });

  it("never sends again the events of this process's own runs", async () => {
    const other = open(false);
    const self = open(true);
    const seen = record(self);
    const mine = new EventPublisher(new RunRepository(self.store.db), self.events);
    const theirs = new EventPublisher(new RunRepository(other.store.db), other.events);
    const repo = new RunRepository(self.store.db);
    repo.create(newRun('mine'));
    repo.create(newRun('theirs'));
    for (let i = 0; i < 500; i += 1) {
      mine.publish('mine', log(`mine ${i}`));
      if (i % 10 === 0) mine.flush('mine');
      theirs.coalesce('theirs', log(`theirs ${i}`));
      if (i % 50 === 0) await new Promise((r) => setTimeout(r, 15));
    }
    theirs.flushAll();
    await until(() => seqs(seen.events, 'theirs').length >= 500, "the other process's events");
    await new Promise((r) => setTimeout(r, 100));
    expect(seqs(seen.events, 'mine')).toEqual(range(500));
    expect(seqs(seen.events, 'theirs')).toEqual(range(500));
  });

  it('sends only what is stored after it starts; a run that starts and ends between two reads is sent whole', async () => {
    const writer = open(false);
    const repo = new RunRepository(writer.store.db);
    repo.create(newRun('old'));
    repo.update('old', { status: 'running' });
    repo.appendEvents('old', [log('before 1'), log('before 2')]);

    const reader = open(true);
    const seen = record(reader);
    repo.appendEvent('old', log('after'));
    // Created, filled and ended faster than the tail reads: its row is new, so it is read from its start.
    repo.create(newRun('quick'));
    repo.appendEvents('quick', [log('q1'), log('q2')]);
    repo.appendEvent('quick', { type: 'run.state', status: 'completed', reason: 'max_steps', message: null });
    repo.update('quick', { status: 'completed' });

    await until(
      () => seqs(seen.events, 'quick').length === 3 && seqs(seen.events, 'old').length === 1,
      'events',
    );
    expect(seqs(seen.events, 'old')).toEqual([3]);
    expect(seqs(seen.events, 'quick')).toEqual([1, 2, 3]);
    const changed = seen.messages.filter((m) => m.name === 'runs.changed');
    expect(changed.map((m) => m.payload)).toEqual([{ created: ['quick'], deleted: 0 }]);
  });

  it('a run that had ended when the tail started and is resumed elsewhere sends only its new events', async () => {
    const writer = open(false);
    const repo = new RunRepository(writer.store.db);
    repo.create(newRun('again'));
    repo.appendEvents('again', [log('1'), log('2'), log('3')]);
    repo.update('again', { status: 'interrupted' });
    const reader = open(true);
    const seen = record(reader);
    await new Promise((r) => setTimeout(r, 50));
    repo.update('again', { status: 'running' });
    repo.appendEvent('again', { type: 'run.state', status: 'running', reason: null, message: null });
    await until(() => seqs(seen.events, 'again').length > 0, 'the resumed run');
    await new Promise((r) => setTimeout(r, 100));
    expect(seqs(seen.events, 'again')).toEqual([4]);
  });

  it('says when another process deletes a run', async () => {
    const writer = open(false);
    const repo = new RunRepository(writer.store.db);
    repo.create(newRun('gone'));
    const reader = open(true);
    const seen = record(reader);
    repo.delete('gone');
    await until(() => seen.messages.some((m) => m.name === 'runs.changed'), 'runs.changed');
    expect(seen.messages.find((m) => m.name === 'runs.changed')!.payload).toEqual({
      created: [],
      deleted: 1,
    });
  });
});
