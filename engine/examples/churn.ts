import { sigmoid } from './det-math';
import { clamp, ExampleRandom, fixed } from './random';

/**
 * A telecom-churn-like table: one row per customer, a binary `churned` label drawn from a known logistic
 * model of the features plus an unobserved factor. The model is written out below so the figures a learner
 * can reach are known: about 30% of customers churn (always predicting "stays" scores about 0.70), and the
 * true probabilities, were they known, would classify about 86% correctly; logistic regression gets about 0.84.
 */

export const CHURN_COLUMNS = [
  'customer_id',
  'senior_citizen',
  'tenure_months',
  'contract',
  'internet_service',
  'monthly_charges',
  'total_charges',
  'paperless_billing',
  'payment_method',
  'support_calls',
  'churned',
] as const;

const CONTRACT_EFFECT = { month_to_month: 1.5, one_year: -1.2, two_year: -3.0 } as const;
type Contract = keyof typeof CONTRACT_EFFECT;
type Internet = 'fiber' | 'dsl' | 'none';
type Payment = 'electronic_check' | 'mailed_check' | 'bank_transfer' | 'credit_card';

export interface ChurnRow {
  customerId: string;
  seniorCitizen: 0 | 1;
  tenureMonths: number;
  contract: Contract;
  internetService: Internet;
  monthlyCharges: number;
  /** Null for a few customers: the billing export lost them (a realistic gap for the agent to handle). */
  totalCharges: number | null;
  paperlessBilling: 'yes' | 'no';
  paymentMethod: Payment;
  supportCalls: number;
  /** The true probability of churning, which the label was drawn from (not written to the file). */
  probability: number;
  churned: 0 | 1;
}

export function churnRow(seed: number, index: number): ChurnRow {
  const rng = new ExampleRandom(seed, `churn:${index}`);
  const seniorCitizen = rng.chance(0.16) ? 1 : 0;
  // Many new customers, then a long flat tail up to six years.
  const tenureMonths = rng.chance(0.3) ? rng.int(1, 12) : rng.int(1, 72);
  const contract = rng.weighted<Contract>(
    tenureMonths < 12
      ? [
          ['month_to_month', 0.8],
          ['one_year', 0.15],
          ['two_year', 0.05],
        ]
      : [
          ['month_to_month', 0.4],
          ['one_year', 0.3],
          ['two_year', 0.3],
        ],
  );
  const internetService = rng.weighted<Internet>([
    ['fiber', 0.44],
    ['dsl', 0.34],
    ['none', 0.22],
  ]);
  const base = { fiber: 72, dsl: 48, none: 21 }[internetService];
  const monthlyCharges = clamp(base + rng.uniform(0, 30) + 4 * rng.normal(), 18, 120);
  const totalCharges = rng.chance(0.012)
    ? null
    : Math.max(monthlyCharges, tenureMonths * monthlyCharges * (1 + 0.04 * rng.normal()));
  const paperlessBilling = rng.chance(0.6) ? 'yes' : 'no';
  const paymentMethod = rng.weighted<Payment>([
    ['electronic_check', 0.34],
    ['mailed_check', 0.22],
    ['bank_transfer', 0.22],
    ['credit_card', 0.22],
  ]);
  const supportCalls = Math.min(12, rng.poisson(internetService === 'fiber' ? 1.8 : 1.1));

  // The known model: log-odds of churning. Mostly additive (a linear model does well), with two thresholds
  // (the first months, many support calls) that a tree or an engineered feature captures better.
  const logit =
    -2.3 +
    CONTRACT_EFFECT[contract] -
    0.05 * tenureMonths +
    (tenureMonths <= 6 ? 1.3 : 0) +
    0.04 * (monthlyCharges - 65) +
    0.45 * supportCalls +
    (supportCalls >= 4 ? 1.5 : 0) +
    (internetService === 'fiber' ? 0.4 : 0) +
    (paymentMethod === 'electronic_check' ? 0.7 : 0) +
    (paperlessBilling === 'yes' ? 0.2 : 0) +
    0.3 * seniorCitizen +
    // What the data does not show: moves, competitors' offers, moods.
    0.3 * rng.normal();
  const probability = sigmoid(logit);
  const churned = rng.next() < probability ? 1 : 0;
  return {
    customerId: `C${String(100_001 + index)}`,
    seniorCitizen,
    tenureMonths,
    contract,
    internetService,
    monthlyCharges,
    totalCharges,
    paperlessBilling,
    paymentMethod,
    supportCalls,
    probability,
    churned,
  };
}

export function churnCsvLine(row: ChurnRow): string {
  return [
    row.customerId,
    row.seniorCitizen,
    row.tenureMonths,
    row.contract,
    row.internetService,
    fixed(row.monthlyCharges, 2),
    row.totalCharges === null ? '' : fixed(row.totalCharges, 2),
    row.paperlessBilling,
    row.paymentMethod,
    row.supportCalls,
    row.churned,
  ].join(',');
}

export function churnCsv(seed: number, rows: number): string {
  const lines = [CHURN_COLUMNS.join(',')];
  for (let i = 0; i < rows; i += 1) lines.push(churnCsvLine(churnRow(seed, i)));
  return `${lines.join('\n')}\n`;
}
