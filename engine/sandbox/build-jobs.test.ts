import { describe, expect, it } from 'vitest';
import { readOfflineLine, readOnlineLine } from './build-jobs';

// The phases and percentages the build events carry, read from the builders' own lines. The online reading is
// also exercised end to end by engine/service/sandbox-commands.test.ts (a real build); the offline script's
// lines are quoted from resources/sandbox/build-offline.sh (its real build needs root and minutes).

describe('reading build lines', () => {
  it('reads Dockerfile steps as a percentage, pulls as downloading, the tag as the end', () => {
    expect(readOnlineLine('Step 1/4 : FROM pytorch/pytorch:2.5.1-cuda12.4-cudnn9-runtime')).toEqual({
      phase: 'downloading',
      percent: 0,
    });
    expect(readOnlineLine('Step 3/4 : RUN pip install -r requirements.txt')).toEqual({
      phase: 'building',
      percent: 50,
    });
    expect(readOnlineLine('a1b2c3d4e5f6: Downloading')).toEqual({ phase: 'downloading', percent: null });
    expect(readOnlineLine('Successfully tagged mle-beast-sandbox:0.1.0')).toEqual({
      phase: 'finishing',
      percent: 100,
    });
    expect(readOnlineLine(' ---> Running in 0123456789ab')).toBeNull();
  });

  it("reads build-offline.sh's steps in order, with a rising percentage", () => {
    const lines = [
      'offline image: [  0s] debootstrap bookworm (minbase) from http://deb.debian.org/debian into /var/tmp/x',
      'offline image: [ 40s] configuring apt (main, updates, security)',
      'offline image: [ 41s] apt-get update',
      'offline image: [ 45s] installing 12 packages and their dependencies: python3 ...',
      "offline image: [180s] adding the sandbox user (uid 1000) and the image's folders",
      'offline image: [181s] cleaning up (apt lists, docs, caches)',
      'offline image: [185s] docker import as mle-beast-sandbox:0.1.0-offline (1.9G unpacked)',
      'offline image: [230s] done: mle-beast-sandbox:0.1.0-offline, 2040 MiB, built in 230 s',
    ];
    const readings = lines.map(readOfflineLine);
    expect(readings.map((r) => r?.phase)).toEqual([
      'downloading',
      'building',
      'downloading',
      'downloading',
      'building',
      'building',
      'exporting',
      'finishing',
    ]);
    const percents = readings.map((r) => r!.percent!);
    expect(percents).toEqual([...percents].sort((a, b) => a - b));
    expect(percents.at(-1)).toBe(100);
    expect(readOfflineLine('offline image:        Retrieving Release')).toBeNull();
  });
});
