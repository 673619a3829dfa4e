import { describe, expect, it } from 'vitest';
import { openRunCursor, openRunView, type CursorSink } from './run-cursor';
import type { RunEvent, RunEventBody, RunSnapshot } from './runs';
import { FakeRunHost } from './testing/fake-run-host';
import { runSummary } from './testing/run-summary';

const summary = runSummary();

const log = (text: string): RunEventBody => ({
  type: 'log',
  stage: 'training',
  source: 'training',
  stream: 'stdout',
  text,
});
const logs = (n: number, from = 0) => Array.from({ length: n }, (_, i) => log(`line ${from + i}`));

/** A sink that records what the cursor handed over, in order. */
function recorder() {
  const handed: RunEvent[] = [];
  const calls: string[] = [];
  const errors: unknown[] = [];
  let snapshot: RunSnapshot | null = null;
  const sink: CursorSink = {
    snapshot(snap) {
      snapshot = snap;
      calls.push('snapshot');
      handed.push(...snap.events);
    },
    page(snap) {
      calls.push('page');
      handed.push(...snap.events);
    },
    events(events) {
      calls.push('events');
      handed.push(...events);
    },
    older(events, state) {
      calls.push(`older:${state}`);
      handed.push(...events);
    },
    error: (e) => errors.push(e),
  };
  return {
    sink,
    handed,
    calls,
    errors,
    seqs: () => handed.map((e) => e.seq),
    get snapshot() {
      return snapshot;
    },
  };
}

const settle = async () => {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
  await new Promise((r) => setTimeout(r, 0));
};
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('openRunCursor', () => {
  it('opens with the snapshot, then hands over live events in order', async () => {
    const host = new FakeRunHost(summary);
    host.store(...logs(3));
    const r = recorder();
    const cursor = openRunCursor(host, 'run-1', r.sink);
    await cursor.ready;
    host.publish(...logs(2, 3));
    host.publish(log('five'));
    await settle();
    expect(r.seqs()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(r.calls).toEqual(['snapshot', 'events', 'events']);
    expect(cursor.lastSeq).toBe(6);
    expect(host.gets).toHaveLength(1);
  });

  it('holds events that arrive while the snapshot is read, and drops those the snapshot already has', async () => {
    const host = new FakeRunHost(summary);
    host.store(...logs(2));
    host.hold();
    const r = recorder();
    const cursor = openRunCursor(host, 'run-1', r.sink);
    // Sent while the snapshot is on its way: 3 and 4 will be in the reply too (read when it answers); 5 not.
    host.publish(log('3'), log('4'));
    await settle();
    expect(r.calls).toEqual([]);
    host.release();
    await cursor.ready;
    host.send([host.publish(log('5'))[0]!]); // 5 arrives twice
    await settle();
    expect(r.seqs()).toEqual([1, 2, 3, 4, 5]);
    expect(r.snapshot!.events.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it('puts events that arrive out of order back in order, and ignores duplicates', async () => {
    const host = new FakeRunHost(summary);
    const r = recorder();
    const cursor = openRunCursor(host, 'run-1', r.sink);
    await cursor.ready;
    const [e1, e2, e3, e4] = host.store(...logs(4));
    host.hold(); // a read the out-of-order batch would start must not be needed: 2 comes in the same turn
    host.send([e2!, e1!]);
    host.send([e1!, e2!]);
    host.send([e4!, e3!, e3!]);
    host.release();
    await settle();
    expect(r.seqs()).toEqual([1, 2, 3, 4]);
    expect(host.gets).toHaveLength(1);
  });

  it('reads a hole from the store, holding the events after it meanwhile', async () => {
    const host = new FakeRunHost(summary);
    const r = recorder();
    const cursor = openRunCursor(host, 'run-1', r.sink);
    await cursor.ready;
    host.publish(log('1'));
    host.store(...logs(3)); // 2-4 stored, their message lost
    host.hold();
    host.publish(log('5'));
    host.publish(log('6'));
    await settle();
    expect(r.seqs()).toEqual([1]);
    expect(host.gets.at(-1)).toEqual({ sinceSeq: 1, limit: 5000 });
    host.publish(log('7')); // arrives while the hole is read
    host.release();
    await settle();
    expect(r.seqs()).toEqual(range(1, 7));
    expect(r.calls).toEqual(['snapshot', 'events', 'page']);
    host.publish(log('8'));
    await settle();
    expect(r.seqs()).toEqual(range(1, 8));
  });

  it('after a reconnect, reads what was sent while the stream was down: nothing lost, nothing twice', async () => {
    const host = new FakeRunHost(summary);
    const r = recorder();
    const cursor = openRunCursor(host, 'run-1', r.sink);
    await cursor.ready;
    host.publish(...logs(10));
    host.disconnect();
    host.publish(...logs(25, 10)); // lost on the wire
    host.reconnect();
    // New events arrive at once, before the catch-up read answers.
    host.publish(...logs(5, 35));
    await settle();
    expect(r.seqs()).toEqual(range(1, 40));
    expect(cursor.lastSeq).toBe(40);
    // Lost while down and nothing sent since: only the reconnect tells the cursor to read them.
    host.disconnect();
    host.publish(...logs(3, 40));
    await settle();
    expect(r.seqs()).toEqual(range(1, 40));
    host.reconnect();
    await settle();
    expect(r.seqs()).toEqual(range(1, 43));
    // A reconnect with nothing missed reads once and hands over nothing new.
    host.reconnect();
    await settle();
    expect(r.seqs()).toEqual(range(1, 43));
  });

  it('pages through a long run and a long gap, page by page', async () => {
    const host = new FakeRunHost(summary);
    host.store(...logs(23));
    const r = recorder();
    const cursor = openRunCursor(host, 'run-1', r.sink, { pageSize: 10, snapshotLimit: 5 });
    await settle();
    expect(r.seqs()).toEqual(range(1, 23));
    expect(host.gets.map((g) => g.sinceSeq)).toEqual([0, 5, 15]);
    host.store(...logs(30));
    host.publish(log('last'));
    await settle();
    expect(r.seqs()).toEqual(range(1, 54));
    expect(cursor.lastSeq).toBe(54);
  });

  it('starts after sinceSeq, ignoring other runs', async () => {
    const host = new FakeRunHost(summary);
    host.store(...logs(5));
    const r = recorder();
    const cursor = openRunCursor(host, 'run-1', r.sink, { sinceSeq: 3 });
    await cursor.ready;
    host.send([{ runId: 'other', seq: 6, at: new Date(0).toISOString(), body: log('x') }]);
    host.publish(log('6'));
    await settle();
    expect(r.seqs()).toEqual([4, 5, 6]);
  });

  it('reports a failed read and recovers on the next catch-up', async () => {
    const host = new FakeRunHost(summary);
    host.failNext = new Error('host unreachable');
    const r = recorder();
    const cursor = openRunCursor(host, 'run-1', r.sink);
    await expect(cursor.ready).rejects.toThrow('host unreachable');
    expect(r.errors).toHaveLength(1);
    host.publish(...logs(2));
    await cursor.catchUp();
    expect(r.calls).toEqual(['snapshot']);
    expect(r.seqs()).toEqual([1, 2]);
  });

  it('hands nothing over after close, and unsubscribes', async () => {
    const host = new FakeRunHost(summary);
    const r = recorder();
    const cursor = openRunCursor(host, 'run-1', r.sink);
    await cursor.ready;
    cursor.close();
    host.publish(log('late'));
    host.reconnect();
    await settle();
    expect(r.handed).toEqual([]);
    expect(host.subscribers).toBe(0);
  });

  it('survives a flood with random loss, duplication, reordering and reconnects: every event exactly once', async () => {
    const host = new FakeRunHost(summary);
    const r = recorder();
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const cursor = openRunCursor(host, 'run-1', r.sink, { pageSize: 50 });
    for (let round = 0; round < 300; round += 1) {
      const events = host.store(...logs(1 + Math.floor(random() * 20), round * 100));
      const x = random();
      if (x < 0.1) continue; // lost
      if (x < 0.2) host.send([...events].reverse());
      else if (x < 0.3) {
        host.send(events);
        host.send(events.slice(0, 2));
      } else if (x < 0.35) {
        host.disconnect();
        host.send(events);
        host.reconnect();
      } else host.send(events);
      if (random() < 0.3) await settle();
    }
    await settle();
    await cursor.catchUp();
    await settle();
    expect(r.seqs()).toEqual(range(1, host.stored.length));
  });
});

describe('openRunCursor with tail', () => {
  it('reads the newest events first, then the older ones newest page first, with live events meanwhile', async () => {
    const host = new FakeRunHost(summary);
    host.store(...logs(23));
    const r = recorder();
    let paced = 0;
    const cursor = openRunCursor(host, 'run-1', r.sink, {
      tail: true,
      snapshotLimit: 5,
      pageSize: 10,
      pace: async () => {
        paced += 1;
        // A live event while the older pages are read: handed over in order after the tail.
        if (paced === 1) host.publish(log('live'));
        await settle();
      },
    });
    await cursor.ready;
    expect(r.snapshot!.events.map((e) => e.seq)).toEqual(range(19, 23));
    await settle();
    await settle();
    expect(r.calls).toEqual(['snapshot', 'events', 'older:more', 'older:done']);
    expect(host.gets).toEqual([
      { sinceSeq: 0, limit: 5, tail: true },
      { sinceSeq: 0, limit: 10, tail: true, beforeSeq: 19 },
      { sinceSeq: 0, limit: 10, tail: true, beforeSeq: 9 },
    ]);
    // Every event exactly once: the tail, the live one, then the older pages (9-18, 1-8).
    expect(r.seqs()).toEqual([...range(19, 24), ...range(9, 18), ...range(1, 8)]);
    expect([...r.seqs()].sort((a, b) => a - b)).toEqual(range(1, 24));
    expect(paced).toBe(2);
    expect(cursor.lastSeq).toBe(24);
  });

  it('reads nothing older when the tail held every event, and keeps to sinceSeq', async () => {
    const host = new FakeRunHost(summary);
    host.store(...logs(12));
    const whole = recorder();
    openRunCursor(host, 'run-1', whole.sink, { tail: true, snapshotLimit: 50 });
    await settle();
    expect(whole.calls).toEqual(['snapshot']);
    expect(whole.seqs()).toEqual(range(1, 12));
    const after = recorder();
    openRunCursor(host, 'run-1', after.sink, { tail: true, snapshotLimit: 3, pageSize: 4, sinceSeq: 4 });
    await settle();
    await settle();
    expect(after.seqs()).toEqual([...range(10, 12), ...range(6, 9), 5]);
  });

  it('reports a failed older read and goes on with live events', async () => {
    const host = new FakeRunHost(summary);
    host.store(...logs(10));
    const r = recorder();
    const cursor = openRunCursor(host, 'run-1', r.sink, {
      tail: true,
      snapshotLimit: 4,
      pageSize: 4,
      pace: async () => {
        host.failNext = new Error('host unreachable');
      },
    });
    await cursor.ready;
    await settle();
    expect(r.calls).toEqual(['snapshot', 'older:failed']);
    expect(r.errors).toHaveLength(1);
    host.publish(log('next'));
    await settle();
    expect(r.seqs()).toEqual([7, 8, 9, 10, 11]);
  });

  it('survives a flood of live events with loss and reconnects while older pages are read', async () => {
    const host = new FakeRunHost(summary);
    host.store(...logs(500));
    const r = recorder();
    let seed = 11;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    let round = 0;
    const flood = () => {
      const events = host.store(...logs(1 + Math.floor(random() * 10), 1000 + round++ * 100));
      const x = random();
      if (x < 0.15) return; // lost
      if (x < 0.25) {
        host.disconnect();
        host.reconnect();
      }
      host.send(random() < 0.2 ? [...events].reverse() : events);
    };
    const cursor = openRunCursor(host, 'run-1', r.sink, {
      tail: true,
      snapshotLimit: 20,
      pageSize: 30,
      pace: async () => {
        for (let i = 0; i < 3; i++) flood();
        await settle();
      },
    });
    await settle();
    for (let i = 0; i < 20; i++) {
      flood();
      await settle();
    }
    await cursor.catchUp();
    await settle();
    expect(r.calls.filter((c) => c.startsWith('older')).at(-1)).toBe('older:done');
    const seqs = r.seqs();
    expect(new Set(seqs).size).toBe(seqs.length);
    expect([...seqs].sort((a, b) => a - b)).toEqual(range(1, host.stored.length));
  });
});

describe('openRunView', () => {
  it('folds the snapshot, pages and live events into the run view', async () => {
    const host = new FakeRunHost(summary);
    host.store({ type: 'run.state', status: 'running', reason: null, message: null }, log('a'));
    const views: number[] = [];
    const live = openRunView(host, 'run-1', (v) => views.push(v.lastSeq), { pageSize: 1 });
    await settle();
    expect(live.view!.logs.map((l) => l.text)).toEqual(['a']);
    host.disconnect();
    host.publish(log('b'));
    host.reconnect();
    await settle();
    // Live events fold their state effects (the store's summary of a page is the record for what it covers).
    host.publish(log('c'), {
      type: 'llm.call',
      stage: 'training',
      step: 1,
      model: 'm',
      durationMs: 5,
      attempts: 1,
      ok: true,
      error: null,
      usage: { promptTokens: 10, completionTokens: 2, reasoningTokens: 0, cachedTokens: 0, costUsd: 0.5 },
    });
    await settle();
    expect(live.view!.logs.map((l) => l.text)).toEqual(['a', 'b', 'c']);
    expect(live.view!.lastSeq).toBe(5);
    expect(live.view!.run.costUsd).toBe(0.5);
    expect(live.view!.run.llmCalls).toBe(1);
    expect(views.at(-1)).toBe(5);
    live.close();
  });

  it('opened on the tail, shows the newest lines first and prepends the older ones: the same view in the end', async () => {
    const host = new FakeRunHost(summary);
    host.store(
      { type: 'run.state', status: 'running', reason: null, message: null },
      ...logs(40),
      { type: 'metrics', step: 1, values: { loss: 0.5 } },
      ...logs(10, 40),
    );
    const pagingSeen: boolean[] = [];
    const frames: (() => void)[] = [];
    const live = openRunView(host, 'run-1', (_v, { paging }) => pagingSeen.push(paging), {
      tail: true,
      snapshotLimit: 8,
      pageSize: 16,
      // One page per "frame": the view shows the tail before any older page is read.
      pace: () => new Promise<void>((go) => frames.push(go)),
    });
    await live.cursor.ready;
    expect(live.view!.logs.map((l) => l.text)).toEqual(logs(8, 42).map((b) => (b as { text: string }).text));
    expect(live.view!.olderBefore).toBe(45);
    expect(pagingSeen.at(-1)).toBe(true);
    host.publish(log('live'));
    await settle();
    while (frames.length > 0) {
      frames.shift()!();
      await settle();
    }
    const plain = openRunView(host, 'run-1', () => undefined);
    await plain.cursor.ready;
    const texts = (v: typeof live.view) => v!.logs.map((l) => l.text);
    expect(texts(live.view)).toEqual([...logs(50).map((b) => (b as { text: string }).text), 'live']);
    expect(texts(live.view)).toEqual(texts(plain.view));
    expect(live.view!.metrics).toEqual(plain.view!.metrics);
    expect(live.view!.logTotal).toBe(51);
    expect(live.view!.olderBefore).toBe(1);
    expect(live.view!.lastSeq).toBe(53);
    expect(pagingSeen.at(-1)).toBe(false);
    live.close();
    plain.close();
  });
});
