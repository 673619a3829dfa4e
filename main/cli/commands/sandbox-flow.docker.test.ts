import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { daemon, dockerSuiteTitle } from '../../../engine/testing/docker';
import { makeTempDir } from '../../../engine/testing/temp-dir';

// `mle-beast sandbox exec` with a reader that stops reading: the command's output is paused at its source (the
// exec's socket), not piled up in the CLI. The built CLI (node scripts/build-node.mjs) and the real Docker daemon.

const CLI = path.resolve('bin/mle-beast.js');
const BUILT = fs.existsSync(path.resolve('out/cli/entry.js'));
const MIB = 1024 * 1024;
const TOTAL = 300 * MIB;

/** Resident memory of a process, in bytes (Linux), or null once it is gone. */
function rssOf(pid: number): number | null {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmRSS:\s+(\d+) kB$/m.exec(status)?.[1];
    return kb ? Number(kb) * 1024 : null;
  } catch {
    return null;
  }
}

// Docker (its exec socket) and the local sandbox under bubblewrap (its pipes) alike.
const SANDBOXES = [
  {
    name: 'Docker',
    flags: [] as string[],
    skip: !daemon.available,
    title: dockerSuiteTitle('sandbox exec backpressure'),
  },
  {
    name: 'local',
    flags: ['--local'],
    skip: false,
    title: 'sandbox exec --local backpressure (bubblewrap)',
  },
];

describe.each(SANDBOXES.filter(() => process.platform === 'linux'))('$title', ({ name, flags, skip }) => {
  describe.skipIf(skip)(name, () => {
    const temp = makeTempDir('mle-beast-flow-');
    afterAll(() => temp.cleanup());

    it('a paused reader pauses the command: 300 MB of output, the CLI stays small, and every byte arrives in the end', async () => {
      expect(BUILT, 'the CLI is not built: run `node scripts/build-node.mjs` first').toBe(true);
      const script = `import sys\nline = b"x" * 1023 + b"\\n"\nfor _ in range(${TOTAL / 1024}):\n    sys.stdout.buffer.write(line)\n`;
      const child = spawn(
        process.execPath,
        [CLI, 'sandbox', 'exec', ...flags, '--workspace', temp.dir, '--', 'python3', '-c', script],
        { cwd: temp.dir, stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const closed = new Promise((resolve) => child.stdout.once('close', resolve));
      // The first output (the sandbox has started), left unread.
      await new Promise<void>((resolve) => child.stdout.once('readable', () => resolve()));

      // Nothing is read for a while: the command must be held up, the CLI's memory must not grow.
      let peak = 0;
      const until = Date.now() + 10_000;
      while (Date.now() < until) {
        const rss = rssOf(child.pid!);
        if (rss !== null) peak = Math.max(peak, rss);
        await new Promise((r) => setTimeout(r, 200));
      }
      console.log(`sandbox exec (${name}), reader paused: CLI peak RSS ${Math.round(peak / MIB)} MiB`);
      expect(child.exitCode, `the CLI ended early: ${stderr}`).toBeNull();
      expect(peak).toBeGreaterThan(0);
      expect(peak).toBeLessThan(250 * MIB);

      // Then the reader reads everything: nothing was lost on the way.
      let received = 0;
      child.stdout.on('data', (d: Buffer) => {
        received += d.length;
        const rss = rssOf(child.pid!);
        if (rss !== null) peak = Math.max(peak, rss);
      });
      child.stdout.removeAllListeners('readable');
      child.stdout.resume();
      const code = await exited;
      await closed;
      expect(code, stderr).toBe(0);
      console.log(`sandbox exec (${name}), reader reading: CLI peak RSS ${Math.round(peak / MIB)} MiB`);
      expect(received).toBe(TOTAL);
      expect(peak).toBeLessThan(250 * MIB);
    }, 180_000);
  });
});
