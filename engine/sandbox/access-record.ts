import fs from 'node:fs';
import path from 'node:path';
import { execa } from 'execa';
import { z } from 'zod';

/**
 * What a root host opened to the sandbox uid with ACL entries (host-user.ts), kept so that it can be taken back
 * when the run ends, whichever way it ends: the sandbox's stop, or, when the process died with the sandbox
 * running, whoever settles the dead run (cancel, delete) from the record file it left in the run folder.
 *
 * For each folder it covers, the record keeps the ACLs found there BEFORE the first grant (`getfacl --skip-base`,
 * usually nothing), so that taking back restores the user's own ACLs rather than wiping them:
 * - a path that had no extended ACL before (or did not exist: files made during the run inherit the default
 *   entries) loses every extended entry (`setfacl -b`), which gives back its exact mode bits;
 * - a path that had one loses only the sandbox uid's entries, and gets back the entries that uid had before.
 * Symbolic links are never followed (the sandbox could have planted one).
 */
const RecordFile = z.object({
  version: z.literal(1),
  uid: z.number().int(),
  gid: z.number().int(),
  roots: z.array(z.object({ path: z.string(), prior: z.string() })),
});
type RecordData = z.infer<typeof RecordFile>;

export class AccessRecord {
  private constructor(
    /** Where the record is kept between processes; null: in memory only (a sandbox whose stop will revoke). */
    readonly file: string | null,
    private data: RecordData,
  ) {}

  /** The record of `file` (null: in memory), for grants to `user`. */
  static open(file: string | null, user: { uid: number; gid: number }): AccessRecord {
    const existing = file ? readRecord(file) : null;
    // A record left for another uid (a resume after the workspace changed owner) is taken back by its reader.
    if (existing && existing.uid === user.uid) return new AccessRecord(file, existing);
    return new AccessRecord(file, { version: 1, uid: user.uid, gid: user.gid, roots: [] });
  }

  get uid(): number {
    return this.data.uid;
  }

  get roots(): readonly string[] {
    return this.data.roots.map((r) => r.path);
  }

  /**
   * Called before any ACL entry is added under `root`: snapshots its ACLs as they are (once; a folder under a
   * covered one is covered) and saves the record first, so a crash during the grant still leaves it behind.
   */
  async cover(root: string, getfacl = 'getfacl'): Promise<void> {
    const abs = path.resolve(root);
    if (this.data.roots.some((r) => abs === r.path || abs.startsWith(r.path + path.sep))) return;
    this.data.roots.push({ path: abs, prior: await snapshot(abs, getfacl) });
    this.save();
  }

  private save(): void {
    if (!this.file) return;
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    fs.writeFileSync(temp, JSON.stringify(this.data), { mode: 0o600 });
    fs.renameSync(temp, this.file);
  }

  /**
   * Takes back every grant recorded and forgets those it undid; a root that could not be undone stays recorded
   * (the file too), so a later settle, cancel or delete tries again. Returns what could not be undone.
   */
  async revoke(programs: { setfacl?: string; getfacl?: string } = {}): Promise<string[]> {
    const problems: string[] = [];
    const left: RecordData['roots'] = [];
    for (const root of this.data.roots) {
      const failed = await revokeRoot(this.data.uid, root, programs);
      problems.push(...failed);
      if (failed.length > 0) left.push(root);
    }
    this.data = { ...this.data, roots: left };
    if (left.length > 0) this.save();
    else if (this.file) fs.rmSync(this.file, { force: true });
    return problems;
  }
}

/**
 * Takes back the grants recorded in `file` by a process that could not (it died, or it is another one).
 * Nothing to do when there is no record. Never throws: returns what could not be undone.
 */
export async function revokeRecordedAccess(file: string): Promise<string[]> {
  const data = readRecord(file);
  if (!data) return [];
  try {
    return await AccessRecord.open(file, data).revoke();
  } catch (error) {
    return [`could not take back the sandbox user's access: ${(error as Error).message}`];
  }
}

function readRecord(file: string): RecordData | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = RecordFile.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The extended ACLs under `root`, as getfacl prints them (numeric ids, physical walk, no plain files). */
async function snapshot(root: string, getfacl: string): Promise<string> {
  // reject: false: a file that vanishes during the walk makes getfacl exit 1 but print the rest.
  const r = await execa(getfacl, ['-R', '-P', '-n', '--skip-base', '--absolute-names', '--', root], {
    reject: false,
    timeout: 300_000,
  });
  if (r.exitCode !== 0 && !r.stdout) {
    throw new Error(`getfacl could not read the ACLs of ${root}: ${r.stderr.trim() || `exit ${r.exitCode}`}`);
  }
  return r.stdout;
}

interface AclBlock {
  file: string;
  entries: string[];
}

/** Parses getfacl's output: blocks that start with `# file: PATH` (octal escapes for odd characters). */
export function parseGetfacl(text: string): AclBlock[] {
  const blocks: AclBlock[] = [];
  let current: AclBlock | null = null;
  for (const line of text.split('\n')) {
    const file = /^# file: (.*)$/.exec(line);
    if (file) {
      current = { file: unescapeName(file[1]!), entries: [] };
      blocks.push(current);
    } else if (current && line && !line.startsWith('#')) {
      current.entries.push(line.split(/\s/)[0]!);
    }
  }
  return blocks;
}

function unescapeName(name: string): string {
  if (!name.includes('\\')) return name;
  const bytes: number[] = [];
  for (let i = 0; i < name.length; i++) {
    const octal = /^\\([0-7]{3})/.exec(name.slice(i));
    if (octal) {
      bytes.push(parseInt(octal[1]!, 8));
      i += 3;
    } else bytes.push(...Buffer.from(name[i]!, 'utf8'));
  }
  return Buffer.from(bytes).toString('utf8');
}

const mentions = (entries: string[], uid: number) =>
  entries.some((e) => e.startsWith(`user:${uid}:`) || e.startsWith(`default:user:${uid}:`));

async function revokeRoot(
  uid: number,
  root: { path: string; prior: string },
  programs: { setfacl?: string; getfacl?: string },
): Promise<string[]> {
  if (!fs.existsSync(root.path)) return [];
  const setfacl = programs.setfacl ?? 'setfacl';
  const prior = new Map(parseGetfacl(root.prior).map((b) => [b.file, b.entries]));
  const now = parseGetfacl(await snapshot(root.path, programs.getfacl ?? 'getfacl'));
  const clear: string[] = [];
  const restore: { file: string; entries: string[] }[] = [];
  for (const block of now) {
    if (!mentions(block.entries, uid) || isLink(block.file)) continue;
    const before = prior.get(block.file);
    if (before) restore.push({ file: block.file, entries: before });
    else clear.push(block.file);
  }
  const problems: string[] = [];
  const run = async (args: string[], files: string[]) => {
    for (let i = 0; i < files.length; i += 500) {
      const r = await execa(setfacl, ['-P', ...args, '--', ...files.slice(i, i + 500)], {
        reject: false,
        timeout: 120_000,
      });
      if (r.exitCode !== 0) problems.push(`setfacl ${args.join(' ')}: ${r.stderr.trim()}`);
    }
  };
  await run(['-b'], clear);
  if (restore.length > 0)
    await run(
      ['-x', `u:${uid},d:u:${uid}`],
      restore.map((r) => r.file),
    );
  for (const { file, entries } of restore) {
    const own = entries
      .filter((e) => e.startsWith(`user:${uid}:`) || e.startsWith(`default:user:${uid}:`))
      .map((e) => e.replace(/^default:user:/, 'd:u:').replace(/^user:/, 'u:'));
    if (own.length > 0) await run(['-m', own.join(',')], [file]);
  }
  return problems;
}

function isLink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return true; // gone: nothing to do
  }
}
