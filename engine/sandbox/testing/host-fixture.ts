import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Tests only: a small machine under a temporary folder, laid out like a user's, for checking what a local
 * sandbox can reach. A HOME with the engine's folder (database, a run with hidden labels and holdout), a
 * user policy file, ~/.ssh and a global git config; a workspace; a sibling folder and a sibling git
 * repository with uncommitted work; and a canary folder elsewhere under the temp root.
 */
export interface HostFixture {
  root: string;
  home: string;
  engineHome: string;
  db: string;
  runDir: string;
  labels: string;
  holdoutSplit: string;
  visible: string;
  policyFile: string;
  gitConfig: string;
  workspace: string;
  sibling: string;
  siblingFile: string;
  repo: string;
  canary: string;
}

export function makeHostFixture(root: string): HostFixture {
  const home = path.join(root, 'home');
  const engineHome = path.join(home, '.mle-beast');
  const runDir = path.join(engineHome, 'runs', 'run-1');
  const data = path.join(runDir, 'data');
  const f: HostFixture = {
    root,
    home,
    engineHome,
    db: path.join(engineHome, 'mle_beast.db'),
    runDir,
    labels: path.join(data, 'labels', 'selection.csv'),
    holdoutSplit: path.join(data, 'holdout', 'selection'),
    visible: path.join(data, 'visible'),
    policyFile: path.join(engineHome, 'policy.json'),
    gitConfig: path.join(home, '.gitconfig'),
    workspace: path.join(root, 'projects', 'ws'),
    sibling: path.join(root, 'projects', 'other'),
    siblingFile: path.join(root, 'projects', 'other', 'keep.txt'),
    repo: path.join(root, 'projects', 'repo'),
    canary: path.join(root, 'canary'),
  };
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
  };
  write(f.db, 'SQLite format 3\0 (stand-in)');
  write(f.labels, 'id,label\n1,cat\n2,dog\n');
  write(path.join(data, 'labels', 'final.csv'), 'id,label\n3,cat\n');
  write(path.join(f.holdoutSplit, 'features.csv'), 'id,x\n1,0.5\n2,0.7\n');
  write(path.join(f.visible, 'train.csv'), 'x,label\n0.1,cat\n0.9,dog\n');
  write(f.policyFile, '{}\n');
  write(path.join(home, '.ssh', 'id_ed25519'), 'PRIVATE KEY\n');
  write(path.join(home, '.aws', 'credentials'), '[default]\naws_secret_access_key=x\n');
  write(f.gitConfig, '[user]\n\tname = Someone\n');
  write(path.join(f.workspace, 'model.py'), 'print("model")\n');
  write(f.siblingFile, 'keep me\n');
  write(path.join(f.sibling, 'sub', 'deep.txt'), 'deep\n');
  write(path.join(f.canary, 'alive.txt'), 'alive\n');
  write(path.join(f.repo, 'tracked.txt'), 'v1\n');
  const git = (cwd: string, ...args: string[]) =>
    execFileSync('git', args, {
      cwd,
      env: { ...process.env, HOME: home, GIT_CONFIG_NOSYSTEM: '1' },
      stdio: 'ignore',
    });
  git(f.repo, 'init', '-q');
  git(f.repo, '-c', 'user.email=t@t', '-c', 'user.name=t', 'add', '.');
  git(f.repo, '-c', 'user.email=t@t', '-c', 'user.name=t', 'commit', '-qm', 'one');
  write(path.join(f.repo, 'tracked.txt'), 'uncommitted work\n');
  write(path.join(f.repo, 'untracked.txt'), 'new file\n');
  git(f.workspace, 'init', '-q');
  return f;
}

/** A digest of every file (path, kind, content, link target) under the fixture but the workspace. */
export function snapshotOutside(f: HostFixture): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string) => {
    for (const name of fs.readdirSync(dir)) {
      const p = path.join(dir, name);
      if (p === f.workspace) continue;
      const stat = fs.lstatSync(p);
      if (stat.isSymbolicLink()) out.set(p, `link:${fs.readlinkSync(p)}`);
      else if (stat.isDirectory()) {
        out.set(p, 'dir');
        walk(p);
      } else {
        out.set(p, `file:${stat.nlink}:${createHash('sha256').update(fs.readFileSync(p)).digest('hex')}`);
      }
    }
  };
  walk(f.root);
  return out;
}
