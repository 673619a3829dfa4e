import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeTempDir } from '../../testing/temp-dir';
import { noOsSandboxMessage, probeUncached } from './probe';

describe('probing the OS sandbox', () => {
  it.runIf(process.platform === 'linux')('finds bubblewrap on PATH and proves it runs', async () => {
    const found = await probeUncached('linux', process.env);
    expect(found).toMatchObject({ kind: 'bubblewrap', program: expect.stringMatching(/\/bwrap$/) });
  });

  it('without bwrap on PATH: none, saying how to install it', async () => {
    const temp = makeTempDir();
    try {
      expect(await probeUncached('linux', { PATH: temp.dir })).toEqual({
        kind: 'none',
        reason: 'bubblewrap (bwrap) is not installed (install it: sudo apt-get install bubblewrap)',
      });
    } finally {
      temp.cleanup();
    }
  });

  it('a bwrap that does not work (no user namespaces, say): none, with what it said', async () => {
    const temp = makeTempDir();
    try {
      const fake = path.join(temp.dir, 'bwrap');
      fs.writeFileSync(
        fake,
        '#!/bin/sh\necho "bwrap: No permissions to creating new namespace" >&2\nexit 1\n',
        {
          mode: 0o755,
        },
      );
      const found = await probeUncached('linux', { PATH: temp.dir });
      expect(found).toEqual({
        kind: 'none',
        reason: `${fake} does not work here (bwrap: No permissions to creating new namespace)`,
      });
    } finally {
      temp.cleanup();
    }
  });

  it('Windows has none; macOS has Seatbelt where sandbox-exec exists', async () => {
    expect(await probeUncached('win32', process.env)).toEqual({
      kind: 'none',
      reason: 'no OS sandbox is supported on win32',
    });
    const mac = await probeUncached('darwin', process.env);
    expect(mac.kind).toBe(fs.existsSync('/usr/bin/sandbox-exec') ? 'seatbelt' : 'none');
  });

  it('the refusal says what is wrong and the three ways out', () => {
    const text = noOsSandboxMessage('bwrap is missing');
    expect(text).toMatch(/^the local sandbox cannot be isolated on this machine: bwrap is missing\./);
    expect(text).toMatch(/Install bubblewrap/);
    expect(text).toMatch(/--sandbox docker/);
    expect(text).toMatch(/--sandbox local-unisolated \(project\.yaml: sandbox\.kind: local-unisolated\)/);
  });
});
