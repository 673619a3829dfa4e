import fs from 'node:fs';
import path from 'node:path';
import { ToolError, type ToolContext } from './context';
import { adoptOwner, displayPath, isEngineReportAt, makeFolder, readablePath, writablePath } from './paths';
import type {
  CreateDirectoryArgs,
  EditFileArgs,
  ListFilesArgs,
  ReadFileArgs,
  WriteFileArgs,
} from './schemas';

// The file tools act on the host filesystem directly (fast), confined by paths.ts.

export const MAX_READ_CHARS = 5000;
export const MAX_LIST_ENTRIES = 500;
/** Files larger than this are not read whole: read_file reads only the part it shows. */
const MAX_READ_BYTES = 64 * 1024 * 1024;
/** Folders list_files never enters or shows. */
export const SKIPPED_FOLDERS: ReadonlySet<string> = new Set([
  '.git',
  '__pycache__',
  '.venv',
  'venv',
  'node_modules',
]);
/** How many folder entries one recursive listing looks at, at most. */
const MAX_WALK = 50_000;

const { O_WRONLY, O_CREAT, O_TRUNC, O_NOFOLLOW } = fs.constants;

/**
 * Files the engine creates for the agent are group-writable, whatever the umask: where the sandbox runs as
 * another uid through an ACL grant (a root host), the ACL mask comes from the group bits, and 0644 would
 * leave the agent's own code unable to rewrite a file the engine wrote for it (logs/training.log, model.py).
 */
export const GROUP_WRITABLE = 0o664;

export function shareWithSandbox(fd: number): void {
  try {
    fs.fchmodSync(fd, GROUP_WRITABLE);
  } catch {
    // best effort: a file of another owner keeps its mode
  }
}

/** Writes a whole file through an O_NOFOLLOW descriptor (never through a link planted at the last moment). */
export function writeFileNoFollow(host: string, content: string | Uint8Array): void {
  const existed = fs.existsSync(host);
  const fd = fs.openSync(host, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, GROUP_WRITABLE);
  try {
    if (!fs.fstatSync(fd).isFile()) throw new ToolError('not a regular file');
    if (!existed) shareWithSandbox(fd);
    fs.writeFileSync(fd, content);
  } finally {
    fs.closeSync(fd);
  }
}

function lineCount(text: string): number {
  if (text === '') return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}

export function writeFileTool(ctx: ToolContext, args: WriteFileArgs): string {
  const target = writablePath(ctx, args.file_path);
  writeFileNoFollow(target.host, args.content);
  if (!target.exists) adoptOwner(ctx, target.host);
  const verb = target.exists ? 'Updated' : 'Created';
  return `${verb} ${displayPath(ctx, target.path)} (${lineCount(args.content)} lines, ${args.content.length} chars)`;
}

export function readFileTool(ctx: ToolContext, args: ReadFileArgs): string {
  const { real, path: p } = readablePath(ctx, args.file_path);
  const shown = displayPath(ctx, p);
  const st = fs.statSync(real);
  if (st.isDirectory()) throw new ToolError(`${shown} is a folder: use list_files`);
  if (!st.isFile()) throw new ToolError(`${shown} is not a regular file`);
  const fd = fs.openSync(real, fs.constants.O_RDONLY | O_NOFOLLOW);
  let buffer: Buffer;
  try {
    const size = Math.min(st.size, MAX_READ_BYTES);
    buffer = Buffer.alloc(size);
    let read = 0;
    while (read < size) {
      const n = fs.readSync(fd, buffer, read, size - read, read);
      if (n === 0) break;
      read += n;
    }
    buffer = buffer.subarray(0, read);
  } finally {
    fs.closeSync(fd);
  }
  if (buffer.subarray(0, 8192).includes(0)) {
    return `${shown} is a binary file (${st.size} bytes); it cannot be shown as text.`;
  }
  const text = buffer.toString('utf8');
  if (text.length === 0) return `${shown} is empty.`;
  const offset = args.offset ?? 0;
  if (offset >= text.length) {
    return `${shown} has ${text.length} characters; offset ${offset} is past the end.`;
  }
  const end = Math.min(text.length, offset + MAX_READ_CHARS);
  const part = text.slice(offset, end);
  const partial = offset > 0 || end < text.length || st.size > MAX_READ_BYTES;
  if (!partial) return part;
  const total = st.size > MAX_READ_BYTES ? `over ${text.length}` : `${text.length}`;
  const more = end < text.length ? ` Use offset=${end} to read on.` : '';
  return (
    `${part}\n\n[Showing characters ${offset}-${end} of ${total} (${st.size} bytes): ` +
    `the file was truncated.${more}]`
  );
}

export function editFileTool(ctx: ToolContext, args: EditFileArgs): string {
  const target = writablePath(ctx, args.file_path, { createParents: false });
  const shown = displayPath(ctx, target.path);
  if (!target.exists) throw new ToolError(`${shown} does not exist (use write_file to create it)`);
  const text = fs.readFileSync(target.host, 'utf8');
  const count = text.split(args.old_text).length - 1;
  if (count === 0) {
    const preview = text.length > 500 ? `${text.slice(0, 500)}\n...` : text;
    throw new ToolError(
      `old_text was not found in ${shown} (it must match exactly, whitespace included). ` +
        `The file starts with:\n${preview}`,
    );
  }
  const updated = text.split(args.old_text).join(args.new_text);
  writeFileNoFollow(target.host, updated);
  return `Edited ${shown}: replaced ${count} occurrence${count === 1 ? '' : 's'} (${lineCount(updated)} lines now).`;
}

export function createDirectoryTool(ctx: ToolContext, args: CreateDirectoryArgs): string {
  const { path: p } = makeFolder(ctx, args.dir_path);
  return `Created folder ${displayPath(ctx, p)}`;
}

/** Null for a dangling or looping link, or an entry that cannot be read. */
function statOrNull(p: string): fs.Stats | null {
  try {
    return fs.statSync(p);
  } catch {
    return null;
  }
}

interface Entry {
  rel: string;
  dir: boolean;
  size: number;
}

export function listFilesTool(ctx: ToolContext, args: ListFilesArgs): string {
  const { real, path: p } = readablePath(ctx, args.directory);
  const shown = displayPath(ctx, p);
  if (!fs.statSync(real).isDirectory()) throw new ToolError(`${shown} is not a folder`);
  const pattern = args.pattern.trim() || '*';
  if (path.isAbsolute(pattern) || pattern.split('/').includes('..')) {
    throw new ToolError('pattern must be relative to the directory (no leading / and no ..)');
  }
  const recursive = pattern.includes('/') || pattern.includes('**');
  const entries: Entry[] = [];
  let matched = 0;
  let visited = 0;
  let walkCut = false;
  const walk = (dir: string, relDir: string) => {
    let names: fs.Dirent[];
    try {
      names = fs.readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    names.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const d of names) {
      if (++visited > MAX_WALK) {
        walkCut = true;
        return;
      }
      if (SKIPPED_FOLDERS.has(d.name)) continue;
      const full = path.join(dir, d.name);
      // The engine's run reports (hidden holdout scores) are left out, as if they were not there; the rest of
      // reports/ is listed like any folder. The walk is on real paths, so a link to reports/ is caught too.
      if (isEngineReportAt(ctx, full)) continue;
      const rel = relDir ? `${relDir}/${d.name}` : d.name;
      const st = statOrNull(full);
      const isDir = st?.isDirectory() ?? false;
      if (path.matchesGlob(recursive ? rel : d.name, pattern)) {
        matched++;
        if (entries.length < MAX_LIST_ENTRIES) entries.push({ rel, dir: isDir, size: st?.size ?? 0 });
      }
      // Recursion never follows links (no loops, no escapes).
      if (recursive && isDir && d.isDirectory()) walk(full, rel);
      if (walkCut) return;
    }
  };
  walk(real, '');
  if (matched === 0) return `No files matching ${JSON.stringify(pattern)} in ${shown}.`;
  const lines = entries.map((e) => (e.dir ? `[DIR] ${e.rel}/` : `[FILE] ${e.rel} (${e.size} bytes)`));
  const header = `Contents of ${shown} matching ${JSON.stringify(pattern)} (${matched}${walkCut ? '+' : ''} entries):`;
  if (matched > entries.length) lines.push(`... ${matched - entries.length} more not shown`);
  if (walkCut)
    lines.push(`... the listing stopped after ${MAX_WALK} entries; narrow the pattern or the folder`);
  return [header, ...lines].join('\n');
}
