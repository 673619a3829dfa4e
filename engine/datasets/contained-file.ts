import fs from 'node:fs/promises';
import path from 'node:path';

/**
 * Whether a data file really lies inside the dataset folder. A symbolic link inside the folder (train.csv →
 * raw/train_v3.csv) is followed; one that leads out of it (train.csv → /etc/shadow) is not: intake reads and
 * quotes what it reads (headers, values) in its messages, so it reads only files confirmed inside the folder.
 */
export type Containment =
  { inside: true; real: string } | { inside: false; real: string | null; reason: 'outside' | 'broken' };

export async function containedFile(root: string, file: string): Promise<Containment> {
  let realRoot: string;
  let real: string;
  try {
    realRoot = await fs.realpath(root);
  } catch {
    return { inside: false, real: null, reason: 'broken' };
  }
  try {
    real = await fs.realpath(file);
  } catch {
    return { inside: false, real: null, reason: 'broken' };
  }
  const relative = path.relative(realRoot, real);
  const inside = relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  return inside ? { inside: true, real } : { inside: false, real, reason: 'outside' };
}

/** The refusal for a data file that is a link out of the dataset folder (or a broken link): what and what to do. */
export function containmentMessage(file: string, root: string, c: Containment & { inside: false }): string {
  if (c.reason === 'broken') {
    return `${file} is a symbolic link that leads nowhere (its target does not exist): replace it with the file.`;
  }
  return (
    `${file} is a symbolic link to ${c.real ?? 'a file'}, outside the dataset folder ${root}: the engine reads ` +
    `only files inside the dataset folder. Copy the file into the folder, or point the dataset path at it.`
  );
}
