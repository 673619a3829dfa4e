import os from 'node:os';
import path from 'node:path';

/**
 * A path as a user wrote it, made absolute: `~` and `~/...` are the home folder (`~user` is not expanded: it
 * is an ordinary name); a relative path is taken from `baseDir` (the YAML file's folder, or the shell's working
 * folder for flags and arguments).
 */
export function resolveUserPath(value: string, baseDir: string, home: string = os.homedir()): string {
  const trimmed = value.trim();
  if (trimmed === '~') return path.resolve(home);
  if (trimmed.startsWith('~/') || (path.sep === '\\' && trimmed.startsWith('~\\'))) {
    return path.resolve(home, trimmed.slice(2));
  }
  return path.resolve(baseDir, trimmed);
}
