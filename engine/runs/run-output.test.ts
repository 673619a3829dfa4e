import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runEventsOf, type EventMessage } from '../api/contract';
import { EngineError } from '../api/errors';
import type { RunEvent, RunEventBody } from '../api/runs';
import { EventBus } from '../api/event-bus';
import { openStore, type Store } from '../store/database';
import { RunRepository } from '../store/run-repository';
import { useTempDir } from '../testing/temp-dir';
import { CommandOutputLog, logsDir, newLogName } from './command-log';
import { RotatingLogFile } from '../tools/output-file';
import { COALESCE_MAX, EventPublisher } from './publisher';
import { listRunLogs, readRunLog } from './run-logs';

// The run's output path with real parts: SQLite in a temp folder, the event bus, files in a run folder.

const temp = useTempDir('mle-beast-output-');
let store: Store;
let repo: RunRepository;
let bus: EventBus;
let messages: EventMessage[];
let publisher: EventPublisher;
const RUN = 'run-1';

const line = (text: string): RunEventBody => ({
  type: 'log',
  stage: 'training',
  source: 'training',
  stream: 'stdout',
  text,
});
const stored = () => repo.events(RUN, { sinceSeq: 0, limit: 1_000_000 }).events;
const delivered = () => messages.flatMap(runEventsOf);
const textOf = (e: RunEvent) => (e.body.type === 'log' ? e.body.text : `<${e.body.type}>`);

beforeEach(() => {
  store = openStore({ path: path.join(temp.dir, 'db.sqlite') });
  repo = new RunRepository(store.db);
  repo.create({
    id: RUN,
    name: null,
    mode: 'greenfield',
    task: 't',
    workspace: path.join(temp.dir, 'ws'),
    runDir: path.join(temp.dir, 'run'),
    config: {},
    metric: { name: 'accuracy', direction: 'higher', target: null, trusted: true },
    maxSteps: 3,
    model: 'm',
    sandbox: 'docker',
    ownerPid: process.pid,
    ownerHost: 'h',
  });
  bus = new EventBus();
  messages = [];
  bus.subscribe((m) => messages.push(m));
  publisher = new EventPublisher(repo, bus);
});
afterEach(() => store.close());

describe('EventPublisher', () => {
  it('stores coalesced lines in one batch and sends them as one message, numbered in order', async () => {
    publisher.coalesce(RUN, line('a'));
    publisher.coalesce(RUN, line('b'));
    publisher.coalesce(RUN, line('c'));
    expect(stored()).toEqual([]);
    await new Promise((r) => setTimeout(r, 250));
    expect(stored().map((e) => [e.seq, textOf(e)])).toEqual([
      [1, 'a'],
      [2, 'b'],
      [3, 'c'],
    ]);
    expect(messages.map((m) => m.name)).toEqual(['run.events']);
    expect(delivered()).toEqual(stored());
  });

  it('flushes at COALESCE_MAX lines without waiting, and before any other event, keeping the order exact', () => {
    for (let i = 0; i < COALESCE_MAX + 3; i++) publisher.coalesce(RUN, line(`l${i}`));
    expect(stored()).toHaveLength(COALESCE_MAX);
    publisher.publish(RUN, { type: 'run.state', status: 'cancelled', reason: 'cancelled', message: null });
    const all = stored();
    expect(all.map((e) => e.seq)).toEqual(all.map((_, i) => i + 1));
    expect(all.slice(-4).map(textOf)).toEqual([
      `l${COALESCE_MAX}`,
      `l${COALESCE_MAX + 1}`,
      `l${COALESCE_MAX + 2}`,
      '<run.state>',
    ]);
    expect(messages.map((m) => m.name)).toEqual(['run.events', 'run.events', 'run.event']);
    expect(delivered()).toEqual(all);
  });
});

describe('CommandOutputLog', () => {
  const bounds = { headLines: 5, tailLines: 4, samplesPerSecond: 1, maxLineChars: 50 };

  it('stores the head, a rate-limited sample and the tail in order, with a marker; the file has everything', async () => {
    let clock = 0;
    const dir = logsDir(path.join(temp.dir, 'run'));
    const log = new CommandOutputLog(
      publisher,
      RUN,
      dir,
      'step0-training',
      { stage: 'training', source: 'training' },
      bounds,
      () => clock,
    );
    const total = 10_000;
    for (let i = 0; i < total; i++) {
      clock = i; // one line per millisecond: a sample every 1000 lines
      log.chunk('stdout', `line ${i}\n`);
      log.line('stdout', `line ${i}`);
    }
    log.line('stderr', 'x'.repeat(200));
    log.close();
    await log.done;
    publisher.flush(RUN);

    const events = stored();
    const logs = events.filter((e) => e.body.type === 'log' && e.body.source === 'training').map(textOf);
    // Head: the first 5; samples: one a second (every 1000th line); tail: the last 4 after the last sample.
    expect(logs.slice(0, 5)).toEqual(['line 0', 'line 1', 'line 2', 'line 3', 'line 4']);
    expect(logs.slice(5, 15)).toEqual(Array.from({ length: 10 }, (_, k) => `line ${5 + k * 1000}`));
    expect(logs.slice(15, 18)).toEqual(['line 9997', 'line 9998', 'line 9999']);
    expect(logs[18]).toMatch(/^x{50}\.\.\. \[150 characters cut/);
    expect(logs).toHaveLength(19);
    const marker = events.find((e) => e.body.type === 'log.omitted')!;
    expect(marker.body).toEqual({
      type: 'log.omitted',
      stage: 'training',
      source: 'training',
      log: 'step0-training',
      omittedLines: total + 1 - 19,
      totalLines: total + 1,
    });
    // The marker stands where the gap ends: after the samples, before the tail.
    const order = events.map(textOf);
    expect(order.indexOf('<log.omitted>')).toBe(order.indexOf('line 9997') - 1);
    // Said once, where sampling began.
    const notes = events.filter((e) => e.body.type === 'log' && e.body.source === 'engine');
    expect(notes).toHaveLength(1);
    expect(textOf(notes[0]!)).toMatch(/sampled.*step0-training/);
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));

    const file = fs.readFileSync(path.join(dir, 'step0-training.log'), 'utf8').split('\n');
    expect(file).toHaveLength(total + 1);
    expect(file[0]).toBe('line 0');
    expect(file[total - 1]).toBe(`line ${total - 1}`);
  });

  it('stores every line of a quiet command and no marker', async () => {
    const log = new CommandOutputLog(
      publisher,
      RUN,
      temp.dir,
      'quiet',
      { stage: 'testing', source: 'tests' },
      bounds,
    );
    for (let i = 0; i < 3; i++) log.line('stdout', `ok ${i}`);
    log.close();
    log.close();
    await log.done;
    publisher.flush(RUN);
    expect(stored().map(textOf)).toEqual(['ok 0', 'ok 1', 'ok 2']);
  });

  it('names logs after the step and stage, never reusing a name of the run (earlier processes included)', () => {
    const runDir = path.join(temp.dir, 'run');
    fs.mkdirSync(logsDir(runDir), { recursive: true });
    fs.writeFileSync(path.join(logsDir(runDir), 'step2-training.log'), 'old\n');
    const taken = new Set<string>();
    expect(newLogName(runDir, taken, 2, 'training', 'training')).toBe('step2-training-2');
    expect(newLogName(runDir, taken, 2, 'training', 'training')).toBe('step2-training-3');
    expect(newLogName(runDir, taken, 3, 'implement', 'tool')).toBe('step3-implement-tool');
  });
});

describe('RotatingLogFile and the log reader', () => {
  it('keeps at most two files of its cap, the newest output last', async () => {
    const runDir = path.join(temp.dir, 'run');
    const file = new RotatingLogFile(logsDir(runDir), 'big', 1000);
    for (let i = 0; i < 500; i++) file.write(`${String(i).padStart(9, '0')}\n`); // 5000 bytes
    await file.close();
    const names = fs.readdirSync(logsDir(runDir)).sort();
    expect(names).toEqual(['big.log', 'big.log.1']);
    for (const n of names) expect(fs.statSync(path.join(logsDir(runDir), n)).size).toBeLessThanOrEqual(1000);
    const both = `${fs.readFileSync(path.join(logsDir(runDir), 'big.log.1'), 'utf8')}${fs.readFileSync(path.join(logsDir(runDir), 'big.log'), 'utf8')}`;
    expect(both.endsWith('000000499\n')).toBe(true);
    expect(both).toHaveLength(2000);

    expect(listRunLogs(runDir)).toEqual([{ name: 'big', bytes: 2000, modifiedAt: expect.any(String) }]);
    // Pages of whole lines, the rotated part first, until nextOffset is null.
    let offset: number | null = 0;
    let text = '';
    let pages = 0;
    while (offset !== null) {
      const page = readRunLog(runDir, { name: 'big', offset, maxBytes: 256 });
      expect(page.text.endsWith('\n')).toBe(true);
      expect(page.rotated).toBe(true);
      text += page.text;
      offset = page.nextOffset;
      pages++;
    }
    expect(text).toBe(both);
    expect(pages).toBe(8);
    const tail = readRunLog(runDir, { name: 'big', tail: 3, maxBytes: 4096 });
    expect(tail.text).toBe('000000497\n000000498\n000000499\n');
    expect(tail.offset).toBe(2000 - 30);
  });

  it('names the logs a run has when asked for one it does not have', () => {
    const runDir = path.join(temp.dir, 'run');
    fs.mkdirSync(logsDir(runDir), { recursive: true });
    fs.writeFileSync(path.join(logsDir(runDir), 'step0-training.log'), 'x\n');
    const error = (() => {
      try {
        readRunLog(runDir, { name: 'nope', maxBytes: 10 });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(EngineError);
    expect((error as EngineError).message).toMatch(/no log nope; its logs: step0-training/);
  });
});
