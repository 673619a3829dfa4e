import type { ColumnProfile } from './column-profile';
import { DISTINCT_CAP } from './column-profile';
import { quote } from './issues';

/**
 * Which column of a CSV is the label when the user did not say. A guess must be explainable, so the result
 * carries the reason the UI shows ("last column 'churned' has 2 distinct values and a label-like name"), and a
 * guess made on position alone is flagged so the user is asked to confirm it.
 */

const normalize = (name: string): string =>
  name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');

/** Names that mean "the label" in any dataset, most telling first. */
const GENERIC_NAMES = [
  'label',
  'target',
  'class',
  'y',
  'outcome',
  'labels',
  'targets',
  'class_label',
  'target_class',
  'ground_truth',
  'y_true',
];

/** Names that are the label in the datasets people most often bring (churn, titanic, fraud, house prices...). */
const DOMAIN_NAMES = [
  'churn',
  'churned',
  'is_churn',
  'exited',
  'survived',
  'fraud',
  'is_fraud',
  'isfraud',
  'default',
  'diagnosis',
  'sentiment',
  'species',
  'category',
  'saleprice',
  'sale_price',
  'price',
  'quality',
  'income',
  'response',
  'result',
];

const LABEL_PATTERN = /^(target|label)_|_(label|target|class)$/;
const ID_PATTERN = /^(id|index|idx|row|row_id|uuid|key)$|_id$|^id_/;

export interface LabelGuess {
  column: string;
  reason: string;
  /** True when only the position suggested it: the UI asks the user to confirm. */
  byPositionOnly: boolean;
  /** Other columns with label-like names, which the user may have meant. */
  alternatives: string[];
}

function nameTier(name: string): number {
  const n = normalize(name);
  if (GENERIC_NAMES.includes(n)) return 1;
  if (DOMAIN_NAMES.includes(n)) return 2;
  if (LABEL_PATTERN.test(n)) return 3;
  return 0;
}

function describeValues(profile: ColumnProfile): string {
  if (profile.distinctCapped) return `more than ${DISTINCT_CAP.toLocaleString('en-US')} distinct values`;
  const count = profile.distinct.size;
  return `${count.toLocaleString('en-US')} distinct ${count === 1 ? 'value' : 'values'}`;
}

/** A column no one would predict: an identifier, free text, or empty. */
function implausible(profile: ColumnProfile): boolean {
  if (profile.present === 0) return true;
  if (ID_PATTERN.test(normalize(profile.name))) return true;
  if (profile.type === 'text') return true;
  // Unique per row and not numeric: a key, not a label.
  const unique = !profile.distinctCapped && profile.distinct.size === profile.present;
  return unique && profile.present > 20 && !profile.allNumeric;
}

export function guessLabelColumn(profiles: readonly ColumnProfile[]): LabelGuess | null {
  const last = profiles[profiles.length - 1];
  const named = profiles
    .map((profile, position) => ({ profile, position, tier: nameTier(profile.name) }))
    .filter((c) => c.tier > 0 && !implausible(c.profile));
  if (named.length > 0) {
    // Best tier wins; within a tier, the rightmost column, since labels are conventionally last.
    const best = named.reduce((a, b) =>
      b.tier < a.tier || (b.tier === a.tier && b.position > a.position) ? b : a,
    );
    const isLast = best.profile === last;
    return {
      column: best.profile.name,
      reason: `${isLast ? 'last column' : 'column'} ${quote(best.profile.name)} has ${describeValues(best.profile)} and a label-like name`,
      byPositionOnly: false,
      alternatives: named.filter((c) => c !== best).map((c) => c.profile.name),
    };
  }
  if (last && profiles.length > 1 && !implausible(last)) {
    return {
      column: last.name,
      reason: `last column ${quote(last.name)} has ${describeValues(last)}; no column has a label-like name, and the label is conventionally last`,
      byPositionOnly: true,
      alternatives: [],
    };
  }
  return null;
}

/** For a label column that was named but not found: the column the user probably meant. */
export function suggestColumn(wanted: string, header: readonly string[]): string | null {
  const n = normalize(wanted);
  return header.find((h) => normalize(h) === n) ?? null;
}
