import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { probeGpu } from './gpu-probe';

// probeGpu runs the real `nvidia-smi -L` found on PATH. This machine has no GPU, so the listing of one comes from
// a stand-in program on PATH that prints what nvidia-smi prints (format of driver 550); the probe is unchanged.

const temp = useTempDir('mle-gpu-probe-');

function fakeSmi(script: string): NodeJS.ProcessEnv {
  const bin = path.join(temp.dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'nvidia-smi'), `#!/bin/sh\n${script}\n`, { mode: 0o755 });
  return { PATH: `${bin}:/usr/bin:/bin` };
}

describe('probeGpu', () => {
  it('lists the GPUs nvidia-smi sees', async () => {
    const env = fakeSmi(
      'echo "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-5a1b2c3d-0000-1111-2222-333344445555)"\n' +
        'echo "GPU 1: NVIDIA A10G (UUID: GPU-6a1b2c3d-0000-1111-2222-333344445555)"',
    );
    expect(await probeGpu(env)).toEqual({
      detected: true,
      devices: ['NVIDIA H100 80GB HBM3', 'NVIDIA A10G'],
      reason: null,
    });
  });

  it('says why there is none: no nvidia-smi, or a driver that does not answer', async () => {
    expect(await probeGpu({ PATH: path.join(temp.dir, 'empty') })).toEqual({
      detected: false,
      devices: [],
      reason: 'nvidia-smi is not installed (no NVIDIA driver)',
    });
    const env = fakeSmi(
      'echo "NVIDIA-SMI has failed because it couldn\'t communicate with the NVIDIA driver." >&2; exit 9',
    );
    const broken = await probeGpu(env);
    expect(broken.detected).toBe(false);
    expect(broken.reason).toMatch(/couldn't communicate with the NVIDIA driver/);
  });
});
