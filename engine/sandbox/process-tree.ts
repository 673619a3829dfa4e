import fs from 'node:fs';

/**
 * Killing a local command's whole process tree. The command starts detached, so it leads a new session and
 * process group whose id is its pid. `killProcessGroup` SIGKILLs that group (what `cmd &` children stay in).
 * `sweepProcessTree` also finds, on Linux through /proc, processes that moved to another group of the session
 * (setpgid) or left it (setsid) but still carry the command's token in their environment, and repeats until
 * nothing is left. Elsewhere only the group can be reached.
 */

export function killProcessGroup(pgid: number): boolean {
  try {
    process.kill(-pgid, 'SIGKILL');
    return true;
  } catch {
    return false;
  }
}

/** Kills the group, the session and every process carrying `tokenEnv`, until none is left (at most ~2 s). */
export async function sweepProcessTree(
  sessionId: number,
  tokenEnv: string,
): Promise<{ survivors: number[] }> {
  let survivors: number[] = [];
  for (let round = 0; round < 100; round++) {
    killProcessGroup(sessionId);
    if (process.platform !== 'linux') return { survivors: [] };
    survivors = await findTreeMembers(sessionId, tokenEnv);
    if (survivors.length === 0) return { survivors };
    for (const pid of survivors) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // gone already
      }
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return { survivors };
}

/** Live (not zombie) processes in the session, or with `tokenEnv` (NAME=value) in their environment. */
async function findTreeMembers(sessionId: number, tokenEnv: string): Promise<number[]> {
  const token = Buffer.from(`${tokenEnv}\0`);
  const members: number[] = [];
  let entries: string[];
  try {
    entries = await fs.promises.readdir('/proc');
  } catch {
    return [];
  }
  await Promise.all(
    entries
      .filter((name) => /^\d+$/.test(name) && Number(name) !== process.pid)
      .map(async (name) => {
        try {
          const stat = await fs.promises.readFile(`/proc/${name}/stat`, 'utf8');
          // Fields after the command name (which may hold spaces and parentheses): state ppid pgrp session ...
          const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
          if (fields[0] === 'Z') return;
          if (Number(fields[3]) === sessionId) {
            members.push(Number(name));
            return;
          }
          const environ = await fs.promises.readFile(`/proc/${name}/environ`);
          if (environ.indexOf(token) === 0 || environ.includes(Buffer.concat([Buffer.from([0]), token]))) {
            members.push(Number(name));
          }
        } catch {
          // exited meanwhile, or not ours to read
        }
      }),
  );
  return members;
}
