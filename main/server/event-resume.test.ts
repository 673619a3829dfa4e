import os from 'node:os';
import { afterEach, describe, expect, it } from 'vitest';
import { createApiClient, openRunCursor, type CursorSource, type RunEvent } from '../../engine/api';
import { EventPublisher } from '../../engine/runs/publisher';
import { createEngine, type Engine } from '../../engine/service/engine';
import { RunRepository } from '../../engine/store/run-repository';
import { startTestServer, type TestServer } from './testing/test-server';
import { wsTransport } from './testing/ws-transport';

// The browser host end to end, without a browser: a run written by another engine on the same database (a
// `mle-beast run` in a terminal), tailed by `serve`, followed by a client over the real HTTP + WebSocket, whose
// socket is killed mid-stream. The client's cursor must end with every stored event exactly once.

let served: TestServer | null = null;
let writer: Engine | null = null;
let client: ReturnType<typeof wsTransport> | null = null;
afterEach(async () => {
  client?.close();
  await writer?.close();
  await served?.close();
  client = null;
  writer = null;
  served = null;
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

describe('event socket: a dropped WebSocket resumes without losing events', () => {
  it("follows another process's run through two drops: every event once, in order", async () => {
    served = await startTestServer(undefined, { tailOtherProcesses: { intervalMs: 20 } });
    writer = createEngine({
      host: 'cli',
      databasePath: served.engine.store.path,
      probeDocker: async () => ({ available: false, version: null, endpoint: 'none', error: 'none' }),
    });
    const repo = new RunRepository(writer.store.db);
    const publisher = new EventPublisher(repo, writer.events);
    repo.create({
      id: 'cli-run',
      name: null,
      mode: 'greenfield',
      task: 'predict churn',
      workspace: '/ws',
      runDir: '/runs/cli-run',
      config: {},
      metric: { name: 'auc', direction: 'higher', target: null, trusted: true },
      maxSteps: 3,
      model: 'm',
      sandbox: 'docker',
      ownerPid: process.pid,
      ownerHost: os.hostname(),
    });
    repo.update('cli-run', { status: 'running' });
    let n = 0;
    const write = (count: number) => {
      for (let i = 0; i < count; i += 1)
        publisher.coalesce('cli-run', {
          type: 'log',
          stage: 'training',
          source: 'training',
          stream: 'stdout',
          text: `line ${n++}`,
        });
      publisher.flush('cli-run');
    };
    write(50); // history before the client opens the run

    client = wsTransport(`http://127.0.0.1:${served.server.port}`, served.server.token, 300);
    const api = createApiClient(client.transport);
    const states: string[] = [];
    api.connection((s) => states.push(s));
    // What came over the wire, before any cursor logic: it must miss events, or the drop proved nothing.
    const wire: RunEvent[] = [];
    api.on('run.event', (e) => wire.push(e));
    const source: CursorSource = {
      get: (query) => api.call('runs.get', query),
      onEvents: (listener) => api.on('run.event', (e) => listener([e])),
      onOpen: (listener) => api.connection((s) => s === 'open' && listener()),
    };
    const handed: number[] = [];
    const cursor = openRunCursor(source, 'cli-run', {
      snapshot: (snap) => handed.push(...snap.events.map((e) => e.seq)),
      page: (snap) => handed.push(...snap.events.map((e) => e.seq)),
      events: (events) => handed.push(...events.map((e) => e.seq)),
    });
    await cursor.ready;
    await until(() => client!.opened === 1, 'the socket to open');

    for (let round = 0; round < 2; round += 1) {
      for (let i = 0; i < 10; i += 1) {
        write(37);
        await sleep(15);
      }
      client.drop();
      await until(() => states.at(-1) === 'reconnecting', 'the client to see the drop');
      // Written, tailed and pushed while the client has no socket: lost on the wire.
      for (let i = 0; i < 5; i += 1) {
        write(41);
        await sleep(20);
      }
      await until(() => client!.opened === round + 2, 'the socket to open again');
      // First round: more right after the reconnect, racing the catch-up read. Second: nothing more, so only
      // the reconnect itself can tell the cursor that events were missed.
      if (round === 0) write(13);
    }

    const total = repo.summary('cli-run')!.lastSeq;
    await until(() => cursor.lastSeq === total, `the cursor to reach seq ${total}`);
    await sleep(100);
    expect(handed).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    expect(new Set(wire.map((e) => e.seq)).size).toBeLessThan(total - 50);
    expect(states.filter((s) => s === 'reconnecting')).toHaveLength(2);
    cursor.close();
  });
});
