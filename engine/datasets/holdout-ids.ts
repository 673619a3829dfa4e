import { createHash } from 'node:crypto';

/**
 * Ids of holdout examples. They join predictions to hidden labels, so they must say nothing about the label:
 * not a class name, not the source position (a CSV sorted by label would give the answer away), not a
 * counter. An id is a keyed hash of the example's source location, the seed and the dataset fingerprint:
 * stable for the same data and seed (a resumed run finds the same ids), unguessable without the data.
 */
export function holdoutId(seed: number, fingerprint: string, sourceKey: string): string {
  const hash = createHash('sha256')
    .update(`mle-beast-holdout\0${seed}\0${fingerprint}\0${sourceKey}`)
    .digest('hex');
  // The leading letter keeps every id a string to pandas: an all-digit id would load as an integer.
  return `h${hash.slice(0, 16)}`;
}

/**
 * The order holdout examples are written in: by a hash of the id, so that the position of a row in the
 * features file carries no information either.
 */
export function holdoutOrderKey(seed: number, fingerprint: string, id: string): string {
  return createHash('sha256')
    .update(`mle-beast-order\0${seed}\0${fingerprint}\0${id}`)
    .digest('hex')
    .slice(0, 16);
}
