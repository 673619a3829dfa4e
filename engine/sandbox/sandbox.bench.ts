import { execa } from 'execa';
import { sample, summarize, type BenchDefinition, type BenchRow } from '../bench/types';
import { runHelper } from './docker-exec';
import { connectDocker } from './docker-probe';
import { startDockerSandbox } from './docker-sandbox';
import { findSandboxImage } from './images';
import { startLocalSandbox } from './local-sandbox';

/** A row saying why a benchmark did not run. */
const skipped = (name: string, why: string): BenchRow => ({ name, n: 0, note: `skipped: ${why}` });

/** Docker and the image, or the reason they are not usable. */
async function dockerReady(): Promise<{ ok: true } | { ok: false; why: string }> {
  const connection = await connectDocker({ timeoutMs: 3000 });
  if (!connection.ok) return { ok: false, why: connection.error.message };
  const image = await findSandboxImage(connection.value.docker);
  return image.ok ? { ok: true } : { ok: false, why: image.error.message };
}

export const benchmarks: BenchDefinition[] = [
  {
    name: 'sandbox.exec-roundtrip',
    describe:
      '`true` through the Docker sandbox (dockerode + kill wrapper), a bare dockerode exec, `docker exec` (CLI), the local sandbox',
    async run(ctx) {
      const rows: BenchRow[] = [];
      const runs = Math.max(10, ctx.runs * 2);
      const local = await startLocalSandbox({ runId: 'bench-local', workspaceDir: ctx.tempDir('local-ws') });
      if (!local.ok) throw local.error;
      const localSamples = await sample(() => local.value.exec({ argv: ['true'] }), runs, 3);
      await local.value.stop();

      const ready = await dockerReady();
      if (!ready.ok) {
        rows.push(skipped('sandbox.exec docker (dockerode)', ready.why));
        rows.push(
          summarize('sandbox.exec local (execa)', localSamples, {
            note: 'spawn, process group, output capture',
          }),
        );
        return rows;
      }
      const started = await startDockerSandbox({
        runId: `bench-exec-${process.pid}`,
        workspaceDir: ctx.tempDir('docker-ws'),
        forceCpu: true,
      });
      if (!started.ok) throw started.error;
      const sandbox = started.value;
      try {
        const connection = await connectDocker();
        if (!connection.ok) throw connection.error;
        const docker = connection.value.docker;
        const container = docker.getContainer(sandbox.id);
        const user = (await container.inspect()).Config.User;

        const viaSandbox = await sample(() => sandbox.exec({ argv: ['true'] }), runs, 3);
        const bare = await sample(() => runHelper({ docker, container, user }, 'true', [], 10_000), runs, 3);
        let cli: number[] | null = null;
        try {
          cli = await sample(() => execa('docker', ['exec', sandbox.id, 'true']), runs, 2);
        } catch {
          cli = null;
        }
        const base = cli ? summarize('', cli).median_ms! : null;
        const ratio = (samples: number[]) =>
          base ? { ratio: Math.round((summarize('', samples).median_ms! / base) * 100) / 100 } : {};
        rows.push(
          summarize('sandbox.exec docker (dockerode + wrapper)', viaSandbox, {
            ...ratio(viaSandbox),
            note: 'Sandbox.exec: exec create/start/inspect, demux, session + sweep wrapper; ratio vs docker CLI',
          }),
          summarize('dockerode exec, bare', bare, {
            ...ratio(bare),
            note: 'one exec of `bash -c true`, no wrapper',
          }),
        );
        if (cli)
          rows.push(
            summarize('docker exec CLI (execa)', cli, {
              ratio: 1,
              note: 'spawns the docker client each time',
            }),
          );
        else rows.push(skipped('docker exec CLI (execa)', 'no docker CLI on PATH'));
        rows.push(
          summarize('sandbox.exec local (execa)', localSamples, {
            ...ratio(localSamples),
            note: 'spawn, process group, output capture',
          }),
        );
      } finally {
        await sandbox.stop();
      }
      return rows;
    },
  },
  {
    name: 'sandbox.start',
    describe:
      'startDockerSandbox to the first command done, then stop (CPU only, and with the GPU request refused)',
    async run(ctx) {
      const ready = await dockerReady();
      if (!ready.ok) return [skipped('sandbox.start', ready.why)];
      const runs = Math.max(3, Math.round(ctx.runs / 3));
      const rows: BenchRow[] = [];
      for (const forceCpu of [true, false]) {
        const stops: number[] = [];
        let n = 0;
        const starts = await sample(
          async () => {
            const started = await startDockerSandbox({
              runId: `bench-start-${process.pid}-${n++}`,
              workspaceDir: ctx.tempDir(`start-${forceCpu}-${n}`),
              forceCpu,
            });
            if (!started.ok) throw started.error;
            await started.value.exec({ argv: ['true'] });
            const t0 = performance.now();
            await started.value.stop();
            stops.push(performance.now() - t0);
          },
          runs,
          0,
        );
        rows.push(
          summarize(`sandbox.start ${forceCpu ? 'cpu' : 'gpu requested'} to first command`, starts, {
            note: forceCpu
              ? 'create + start + image check + first exec'
              : 'includes the refused GPU request and the CPU retry (no NVIDIA runtime here)',
          }),
        );
        if (forceCpu)
          rows.push(summarize('sandbox.stop', stops, { note: 'remove container (force) + HOME volume' }));
      }
      return rows;
    },
  },
];
