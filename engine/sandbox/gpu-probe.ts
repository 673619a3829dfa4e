import { execa } from 'execa';

/**
 * Whether this machine has an NVIDIA GPU that answers: `nvidia-smi -L` lists the devices the driver sees. Missing
 * nvidia-smi, a driver that does not answer, or a timeout all read as "no GPU", with the reason.
 */
export interface GpuProbe {
  detected: boolean;
  devices: string[];
  /** Why none was found; null when one was. */
  reason: string | null;
}

export async function probeGpu(env: NodeJS.ProcessEnv = process.env, timeoutMs = 5000): Promise<GpuProbe> {
  try {
    const result = await execa('nvidia-smi', ['-L'], { env, reject: false, timeout: timeoutMs });
    if (result.exitCode === undefined && !result.timedOut) {
      // It did not start: not on PATH (no NVIDIA driver installed) or not executable.
      return { detected: false, devices: [], reason: 'nvidia-smi is not installed (no NVIDIA driver)' };
    }
    const devices = String(result.stdout)
      .split('\n')
      .map((line) => /^GPU \d+: (.+?)(?: \(UUID: [^)]*\))?$/.exec(line.trim())?.[1])
      .filter((name): name is string => Boolean(name));
    if (result.exitCode === 0 && devices.length > 0) return { detected: true, devices, reason: null };
    const said = String(result.stderr || result.stdout || '')
      .trim()
      .split('\n')[0];
    return {
      detected: false,
      devices: [],
      reason: result.timedOut
        ? 'nvidia-smi did not answer in time'
        : `nvidia-smi lists no GPU${said ? ` (${said})` : ''}`,
    };
  } catch (error) {
    return { detected: false, devices: [], reason: `nvidia-smi does not run: ${(error as Error).message}` };
  }
}
