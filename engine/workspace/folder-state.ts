import fs from 'node:fs';
import path from 'node:path';
import type { WorkspaceState } from '../api/project-form';
import { isWorkspaceError } from './errors';
import type { GitOptions } from './git';
import { describeHead, dirtyEntries, findRepo, readHead, shortRef } from './repo';
import { readState } from './state';

/**
 * What the New run form shows beside the workspace field: is the folder there, empty, a git repository (on
 * which branch, with how many uncommitted files), and what each mode would do with it, read without changing
 * anything. The words follow what openGreenfield / openBrownfield and the run's workspace check then do.
 */
export async function inspectWorkspaceFolder(
  given: string,
  options: GitOptions & { cwd?: string } = {},
): Promise<WorkspaceState> {
  if (given.trim() === '') {
    return {
      path: '',
      exists: false,
      isFolder: false,
      empty: true,
      git: null,
      greenfield: { possible: true, text: 'A new folder is created for the run under the app’s workspaces.' },
      brownfield: {
        possible: false,
        text: 'Brownfield improves an existing repository: give its folder.',
      },
    };
  }
  const dir = path.resolve(options.cwd ?? process.cwd(), given.trim());
  const stat = fs.statSync(dir, { throwIfNoEntry: false }) ?? null;
  if (!stat) {
    return {
      path: dir,
      exists: false,
      isFolder: false,
      empty: true,
      git: null,
      greenfield: {
        possible: true,
        text: `${dir} is created, and the run starts there with a new git repository.`,
      },
      brownfield: {
        possible: false,
        text: `${dir} does not exist: brownfield needs the folder of existing code.`,
      },
    };
  }
  if (!stat.isDirectory()) {
    const no = { possible: false, text: `${dir} is a file, not a folder: choose a folder.` };
    return {
      path: dir,
      exists: true,
      isFolder: false,
      empty: false,
      git: null,
      greenfield: no,
      brownfield: no,
    };
  }
  let entries: string[];
  try {
    entries = fs.readdirSync(dir);
  } catch {
    const no = { possible: false, text: `${dir} cannot be read by this user: choose a folder you own.` };
    return {
      path: dir,
      exists: true,
      isFolder: true,
      empty: false,
      git: null,
      greenfield: no,
      brownfield: no,
    };
  }
  const empty = entries.length === 0;
  const greenfield = empty
    ? { possible: true, text: 'The folder is empty: the run starts there with a new git repository.' }
    : {
        possible: false,
        text: `The folder holds ${entries.length} ${entries.length === 1 ? 'entry' : 'entries'}: greenfield starts in an empty folder and never writes over files. Choose a new folder, or brownfield to improve this code.`,
      };

  let repo;
  try {
    repo = await findRepo(fs.realpathSync.native(dir), options);
  } catch (error) {
    if (!isWorkspaceError(error)) throw error;
    const message = (error as Error).message;
    return {
      path: dir,
      exists: true,
      isFolder: true,
      empty,
      git: null,
      greenfield: empty ? greenfield : { possible: false, text: message },
      brownfield: { possible: false, text: message },
    };
  }
  if (!repo) {
    return {
      path: dir,
      exists: true,
      isFolder: true,
      empty,
      git: null,
      greenfield,
      brownfield: empty
        ? { possible: false, text: 'The folder is empty: there is no code to improve. Use greenfield.' }
        : {
            possible: true,
            text: 'Not a git repository: git init runs there, your files become the first commit of the run’s branch, and nothing of yours is changed.',
          },
    };
  }
  const head = await readHead(repo.root, options);
  const dirty = (await dirtyEntries(repo.root, options)).length;
  const prior = readState(repo);
  const branch = head.kind === 'detached' ? null : shortRef(head.ref);
  const brownfield =
    prior && prior.status !== 'restored'
      ? {
          possible: false,
          text: `An earlier mle-beast run (branch ${prior.branch}) has not been put back yet: restore it before a new run.`,
        }
      : {
          possible: true,
          text:
            `On ${describeHead(head)}` +
            (dirty > 0
              ? `, ${dirty} uncommitted ${dirty === 1 ? 'file is' : 'files are'} stashed first`
              : '') +
            '; the run works on a new branch mle-beast-<time>, and your branch is never changed.',
        };
  return {
    path: dir,
    exists: true,
    isFolder: true,
    empty,
    git: { branch, dirtyFiles: dirty, head: head.kind === 'unborn' ? null : head.sha },
    greenfield,
    brownfield,
  };
}
