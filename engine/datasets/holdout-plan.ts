import { cappedList, plural, quote } from './issues';
import { SeededRandom } from './seeded-random';

/**
 * Which examples the agent sees and which it never does: a seeded, stratified assignment of every example to
 * the visible data, the selection split (scored each step), or the final split (scored once at the end).
 * Pure: the same labels and seed give the same assignment on every machine.
 */

export const VISIBLE = 0;
export const SELECTION = 1;
export const FINAL = 2;
export type Destination = typeof VISIBLE | typeof SELECTION | typeof FINAL;

export interface PlanInput {
  /** Stratum of each example: a class code, or a quantile bin for regression. */
  strata: Int32Array;
  /** 1 where the example comes from the user's test split: it goes to the holdout, and nothing else does. */
  fromTest: Uint8Array | null;
  fraction: number;
  selectionShare: number;
  seed: number;
  /** How a stratum is named in notes: `class 'cat'`, `bin 3`. */
  describe: (stratum: number) => string;
}

export interface HoldoutPlan {
  assignment: Uint8Array;
  counts: { visible: number; selection: number; final: number };
  notes: string[];
}

export type PlanOutcome = { ok: true; plan: HoldoutPlan } | { ok: false; message: string };

export function planHoldout(input: PlanInput): PlanOutcome {
  const n = input.strata.length;
  const assignment = new Uint8Array(n); // all VISIBLE
  const notes: string[] = [];
  const groups = groupByStratum(input.strata, input.fromTest);
  const rng = new SeededRandom(input.seed, 'holdout');
  for (const members of groups.values()) rng.shuffle(members);

  const held = new Map<number, number>(); // stratum -> examples held out (the first ones of its shuffled list)
  if (input.fromTest) {
    for (const [stratum, members] of groups) held.set(stratum, members.length);
  } else {
    const strata = [...groups.keys()];
    const sizes = strata.map((s) => groups.get(s)?.length ?? 0);
    // One example of each stratum always stays visible: a class the model never saw cannot be learned.
    const caps = sizes.map((size) => Math.max(0, size - 1));
    const target = Math.round(n * input.fraction);
    const counts = apportion(sizes, target, caps, rng);
    strata.forEach((s, i) => held.set(s, counts[i] ?? 0));
    const singletons = strata.filter((_, i) => sizes[i] === 1);
    if (singletons.length > 0) {
      notes.push(
        `${cappedList(singletons.map(input.describe), singletons.length)} ${singletons.length === 1 ? 'has' : 'have'} a single example and stay${singletons.length === 1 ? 's' : ''} visible: held out, ${singletons.length === 1 ? 'it' : 'they'} would leave nothing to learn from.`,
      );
    }
    const left = strata.filter((s, i) => (sizes[i] ?? 0) > 1 && held.get(s) === 0);
    if (left.length > 0) {
      notes.push(
        `${cappedList(left.map(input.describe), left.length)}: too few examples for a ${formatShare(input.fraction)} share, so none held out.`,
      );
    }
  }

  const heldTotal = [...held.values()].reduce((a, b) => a + b, 0);
  if (heldTotal < 2) {
    return {
      ok: false,
      message: input.fromTest
        ? `the test split has ${plural(heldTotal, 'example')}; the hidden holdout needs at least 2 (one to select with, one for the final score). Add examples to the test split.`
        : `a ${formatShare(input.fraction)} holdout of ${plural(n, 'example')} holds ${heldTotal}; the hidden holdout needs at least 2 (one to select with, one for the final score). Add examples, raise the holdout fraction, or give a test split.`,
    };
  }

  // The held-out part is split again, stratified the same way, into selection and final.
  const strata = [...held.keys()];
  const heldSizes = strata.map((s) => held.get(s) ?? 0);
  const selectionTarget = Math.min(heldTotal - 1, Math.max(1, Math.round(heldTotal * input.selectionShare)));
  const selectionCounts = apportion(
    heldSizes,
    selectionTarget,
    heldSizes,
    new SeededRandom(input.seed, 'selection'),
  );
  const counts = { visible: 0, selection: 0, final: 0 };
  strata.forEach((stratum, i) => {
    const members = groups.get(stratum) ?? [];
    const h = heldSizes[i] ?? 0;
    const s = selectionCounts[i] ?? 0;
    for (let k = 0; k < h; k += 1) assignment[members[k] as number] = k < s ? SELECTION : FINAL;
  });
  for (let i = 0; i < n; i += 1) {
    const d = assignment[i];
    if (d === SELECTION) counts.selection += 1;
    else if (d === FINAL) counts.final += 1;
    else counts.visible += 1;
  }
  if (input.fromTest) {
    notes.unshift(
      `the user's test split (${plural(heldTotal, 'example')}) is the holdout; the training data stays visible in full.`,
    );
  }
  return { ok: true, plan: { assignment, counts, notes } };
}

/** Members of each stratum, in index order; with a test split, only the test examples can be held out. */
function groupByStratum(strata: Int32Array, fromTest: Uint8Array | null): Map<number, number[]> {
  const groups = new Map<number, number[]>();
  for (let i = 0; i < strata.length; i += 1) {
    if (fromTest && fromTest[i] !== 1) continue;
    const s = strata[i] as number;
    let members = groups.get(s);
    if (!members) groups.set(s, (members = []));
    members.push(i);
  }
  // Map iteration follows insertion order, which follows the data; sorting makes the walk independent of it.
  return new Map([...groups.entries()].sort((a, b) => a[0] - b[0]));
}

/**
 * Largest-remainder apportionment: `total` items spread over groups in proportion to their sizes, no group
 * above its cap. Ties between equal remainders are broken by the seeded generator, not by group order, so
 * no class is systematically favoured.
 */
export function apportion(
  sizes: readonly number[],
  total: number,
  caps: readonly number[],
  rng: SeededRandom,
): number[] {
  const sum = sizes.reduce((a, b) => a + b, 0);
  if (sum === 0 || total <= 0) return sizes.map(() => 0);
  const quotas = sizes.map((size) => (size * total) / sum);
  const counts = quotas.map((q, i) => Math.min(Math.floor(q), caps[i] ?? 0));
  let remaining = total - counts.reduce((a, b) => a + b, 0);
  const tiebreak = rng.shuffle(sizes.map((_, i) => i));
  const rank = new Map(tiebreak.map((group, position) => [group, position]));
  const order = sizes
    .map((_, i) => i)
    .sort((a, b) => {
      const ra = (quotas[a] ?? 0) - Math.floor(quotas[a] ?? 0);
      const rb = (quotas[b] ?? 0) - Math.floor(quotas[b] ?? 0);
      return rb - ra || (rank.get(a) ?? 0) - (rank.get(b) ?? 0);
    });
  // Rounds, because a cap can refuse a group its extra item; later rounds hand it to groups with room.
  while (remaining > 0) {
    let given = 0;
    for (const i of order) {
      if (remaining === 0) break;
      if ((counts[i] ?? 0) < (caps[i] ?? 0)) {
        counts[i] = (counts[i] ?? 0) + 1;
        remaining -= 1;
        given += 1;
      }
    }
    if (given === 0) break;
  }
  return counts;
}

/**
 * Quantile bins of a numeric target, for stratifying a regression split: rank-based, so ties and skew do not
 * empty a bin. Ties in value are ordered by index to keep it deterministic.
 */
export function quantileBins(
  values: Float64Array,
  bins: number,
  include: Uint8Array | null = null,
): Int32Array {
  let count = 0;
  for (let i = 0; i < values.length; i += 1) if (!include || include[i] === 1) count += 1;
  const indices = new Uint32Array(count);
  for (let i = 0, k = 0; i < values.length; i += 1) if (!include || include[i] === 1) indices[k++] = i;
  indices.sort((a, b) => (values[a] as number) - (values[b] as number) || a - b);
  const result = new Int32Array(values.length);
  for (let rank = 0; rank < count; rank += 1)
    result[indices[rank] as number] = Math.floor((rank * bins) / count);
  return result;
}

/** Bins for a holdout of about `heldOut` examples: at least two per bin, so selection and final both get one. */
export function binCount(heldOut: number): number {
  return Math.max(1, Math.min(10, Math.floor(heldOut / 2)));
}

const formatShare = (fraction: number): string => `${Number((fraction * 100).toFixed(2))}%`;

export const describeClass = (names: readonly string[]) => (code: number) =>
  `class ${quote(names[code] ?? String(code))}`;
export const describeBin = (code: number) => `target bin ${code + 1}`;
