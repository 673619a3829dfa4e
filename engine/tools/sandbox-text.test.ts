import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { useTempDir } from '../testing/temp-dir';
import { RUN_FOLDER_PLACEHOLDER, sandboxPathMappings, toSandboxText } from './sandbox-text';

describe('toSandboxText', () => {
  const temp = useTempDir('mle-beast-sandbox-text-');

  it('maps the workspace, the data and the hidden splits, and hides the run folder', () => {
    const mappings = sandboxPathMappings({
      workspaceDir: '/home/alice/churn',
      dataDir: '/home/alice/.mle-beast/runs/r1/data/visible',
      sandboxPaths: { workspace: '/workspace', data: '/data' },
      runDir: '/home/alice/.mle-beast/runs/r1',
      mounts: [
        { host: '/home/alice/.mle-beast/runs/r1/data/holdout/selection', sandbox: '/holdout/selection' },
      ],
    });
    const text = [
      'File "/home/alice/churn/model.py", line 3',
      "FileNotFoundError: '/home/alice/.mle-beast/runs/r1/data/visible/train.csv'",
      'python3 predict.py --input /home/alice/.mle-beast/runs/r1/data/holdout/selection/features.csv',
      'labels in /home/alice/.mle-beast/runs/r1/data/holdout/selection_labels.csv',
      'cd /home/alice/churn && ls',
      '/home/alice/churn2/x and /x/home/alice/churn stay: other paths',
    ].join('\n');
    expect(toSandboxText(text, mappings)).toBe(
      [
        'File "/workspace/model.py", line 3',
        "FileNotFoundError: '/data/train.csv'",
        'python3 predict.py --input /holdout/selection/features.csv',
        `labels in ${RUN_FOLDER_PLACEHOLDER}/data/holdout/selection_labels.csv`,
        'cd /workspace && ls',
        '/home/alice/churn2/x and /x/home/alice/churn stay: other paths',
      ].join('\n'),
    );
  });

  it('maps a workspace reached through a link in both spellings; a local sandbox maps nothing', () => {
    const real = path.join(temp.dir, 'real-ws');
    fs.mkdirSync(real);
    const link = path.join(temp.dir, 'link-ws');
    fs.symlinkSync(real, link);
    const docker = sandboxPathMappings({
      workspaceDir: link,
      dataDir: null,
      sandboxPaths: { workspace: '/workspace', data: null },
    });
    expect(toSandboxText(`${link}/a.py ${fs.realpathSync(real)}/b.py`, docker)).toBe(
      '/workspace/a.py /workspace/b.py',
    );
    const local = sandboxPathMappings({
      workspaceDir: fs.realpathSync(real),
      dataDir: null,
      sandboxPaths: { workspace: fs.realpathSync(real), data: null },
    });
    expect(local).toEqual([]);
    expect(toSandboxText(`${fs.realpathSync(real)}/a.py`, local)).toBe(`${fs.realpathSync(real)}/a.py`);
  });
});
