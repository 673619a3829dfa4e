import { describe, expect, it } from 'vitest';
import { defaultLimits, formatBytes, resolveLimits, tmpfsBytes } from './limits';

const GiB = 1024 ** 3;

describe('sandbox limits', () => {
  it('defaults to 75% of RAM, every core, 4096 pids and shm of half the memory up to 8 GiB', () => {
    const small = defaultLimits({ memoryBytes: 8 * GiB, cpus: 2 });
    expect(small).toEqual({ memoryBytes: 6 * GiB, cpus: 2, pids: 4096, shmBytes: 3 * GiB });
    const big = defaultLimits({ memoryBytes: 256 * GiB, cpus: 64 });
    expect(big.memoryBytes).toBe(192 * GiB);
    expect(big.shmBytes).toBe(8 * GiB);
    expect(big.cpus).toBe(64);
  });

  it('takes overrides, and derives shm from an overridden memory limit', () => {
    const r = resolveLimits({ memoryBytes: 256 * 1024 ** 2, pids: 128 }, { memoryBytes: 16 * GiB, cpus: 4 });
    expect(r).toEqual({
      ok: true,
      value: { memoryBytes: 256 * 1024 ** 2, cpus: 4, pids: 128, shmBytes: 128 * 1024 ** 2 },
    });
  });

  it('refuses what the daemon would refuse, naming every problem', () => {
    const r = resolveLimits({ memoryBytes: 1000, cpus: 9, pids: 2.5 }, { memoryBytes: 16 * GiB, cpus: 4 });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.error.code).toBe('invalid_spec');
    expect(r.error.message).toMatch(/memoryBytes must be at least 16 MiB/);
    expect(r.error.message).toMatch(/cpus must be at most 4/);
    expect(r.error.message).toMatch(/pids must be a whole number/);
  });

  it('sizes /tmp at a quarter of memory, at most 2 GiB', () => {
    expect(tmpfsBytes(defaultLimits({ memoryBytes: 64 * GiB, cpus: 1 }))).toBe(2 * GiB);
    expect(tmpfsBytes({ memoryBytes: 256 * 1024 ** 2, cpus: 1, pids: 8, shmBytes: 1024 ** 2 })).toBe(
      64 * 1024 ** 2,
    );
    expect(formatBytes(256 * 1024 ** 2)).toBe('256 MiB');
    expect(formatBytes(1.5 * GiB)).toBe('1.5 GiB');
  });
});
