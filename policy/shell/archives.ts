import { execFile } from 'node:child_process';
import fs from 'node:fs';

// What an archive holds, before a command extracts it: members that would land outside the extraction
// folder (absolute names, `..`), and link members (a write through one later in the same command line
// cannot be checked in advance). Listed with the system's own tar or unzip, which read every format they
// extract.

const ARCHIVE_LIST_TIMEOUT_MS = 20_000;

/** An archive's members, as far as the checker could list them. */
export interface ArchiveListing {
  /** Members that land outside the extraction folder (absolute, or with `..`), or links leading out of it. */
  unsafe: string[];
  /** Symbolic link members, relative to the extraction folder. */
  links: string[];
}

/**
 * Lists an archive with the system's tar or unzip: members that would land outside the extraction folder
 * (absolute names, `..`) and link members. Null when it cannot be listed (missing, unreadable, too slow).
 */
export function listArchiveMembers(tool: 'tar' | 'unzip', file: string): Promise<ArchiveListing | null> {
  if (!fs.existsSync(file)) return Promise.resolve(null);
  const argv = tool === 'tar' ? ['tar', ['-tvf', file]] : ['unzip', ['-Z', file]];
  return new Promise((resolve) => {
    execFile(
      argv[0] as string,
      argv[1] as string[],
      { timeout: ARCHIVE_LIST_TIMEOUT_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, LC_ALL: 'C' } },
      (error, stdout) => {
        if (error) return resolve(null);
        resolve(parseListing(tool, stdout));
      },
    );
  });
}

const escapes = (name: string) => name.startsWith('/') || name.split('/').includes('..');

/** Where the name starts in a listing line: after the time (GNU tar, bsdtar, zipinfo) or the year (bsdtar, old files). */
const LISTING_LINE = [
  // GNU tar: perms owner/group size 2024-01-01 00:00 name
  /^\S{10}\S*\s+\S+\s+\d+\s+\d{4}-\d{2}-\d{2}\s+\d{2}:\d{2}(?::\d{2})?\s(.*)$/,
  // bsdtar: perms links owner group size Jan  1 00:00 name (or a year instead of the time)
  /^\S{10}\S*\s+\d+\s+\S+\s+\S+\s+\d+\s+\w{3}\s+\d+\s+(?:\d{1,2}:\d{2}|\d{4})\s(.*)$/,
  // unzip -Z: perms version os size type method 24-Jan-01 00:00 name
  /^\S{10}\s+\S+\s+\S+\s+\d+\s+\S+\s+\S+\s+\d{2}-\w{3}-\d{2}\s+\d{2}:\d{2}\s(.*)$/,
];

/**
 * `tar -tvf` / `unzip -Z` lines: permissions first (`l` for a link), the name last (`name -> target` for a tar
 * link). Null when an entry line does not parse: the members then count as unknown.
 */
export function parseListing(tool: 'tar' | 'unzip', text: string): ArchiveListing | null {
  const listing: ArchiveListing = { unsafe: [], links: [] };
  for (const line of text.split('\n')) {
    if (!/^[-dlhcbpsD?][rwxsStT-]{9}/.test(line)) continue;
    const m = LISTING_LINE.map((re) => re.exec(line)).find(Boolean);
    if (!m) return null;
    let name = m[1]!;
    let target: string | null = null;
    if (line[0] === 'l' && tool === 'tar') {
      const arrow = name.indexOf(' -> ');
      if (arrow >= 0) {
        target = name.slice(arrow + 4);
        name = name.slice(0, arrow);
      }
    }
    if (line[0] === 'h' && tool === 'tar') name = name.replace(/ link to .*$/, '');
    if (escapes(name)) listing.unsafe.push(name);
    if (line[0] === 'l') {
      listing.links.push(name.replace(/^\.\//, ''));
      if (target !== null && (target.startsWith('/') || climbsOut(name, target)))
        listing.unsafe.push(`${name} -> ${target}`);
    }
  }
  return listing;
}

/** Whether a relative link target climbs above the extraction folder from where the link sits. */
function climbsOut(name: string, target: string): boolean {
  let depth = name.split('/').filter((p) => p && p !== '.').length - 1;
  for (const part of target.split('/')) {
    if (part === '..') depth--;
    else if (part && part !== '.') depth++;
    if (depth < 0) return true;
  }
  return false;
}
