import type { Scenario } from '../../demo/scenario';
import { scriptedRunScenario } from './scripted-run';

/**
 * The scenario of the pipeline benchmarks (pipeline.bench.ts): the smallest run that still goes through
 * every stage, so what is timed is the engine, not the model or the training. The scripted model answers
 * at once; the scripts use the standard library only (no pandas, no scikit-learn) and finish in tens of
 * milliseconds; every proposal is distinct, so the proposal critic never asks again.
 *
 * data_analysis: writes data_analysis.md with the eight sections, completes.
 * baseline: writes model.py (a constant class), train.py (a checkpoint file and one metrics.jsonl line),
 *   evaluate.py (eval_results.json), predict.py (`id,prediction` for every id of the input CSV),
 *   tests/test_smoke.py, completes.
 * proposal at step N: HYPOTHESIS / CHANGE / RATIONALE with numbers of its own, completes.
 * implement at step N: writes model.py once (same prediction, the step's parameters), completes.
 * Critics are procedural and call the model only on a failure; they get a short reply if they do.
 */

/** The class every prediction names (churn's labels are "0" and "1"). */
export const BENCH_CLASS = '0';

export const ANALYSIS_MD = `# Data analysis (benchmark)

## Inventory
One CSV file with one row per customer: an identifier, nine feature columns and the label.

## Modality
Tabular data: numeric columns (tenure, charges, support calls) and categorical columns (contract, payment).

## Sample size
A few hundred labelled rows: enough for a linear model; a 20% validation split leaves most of them to train on.

## Target
The label \`churned\` is binary (0 / 1) with about 29% positives; always predicting 0 scores about 0.71.

## Splits
No predefined split: train.py holds out a seeded 20% validation split; the engine scores a hidden holdout.

## Leakage
The customer identifier carries no signal and is dropped; no column is derived from the label.

## Preprocessing
Median imputation and scaling of numeric columns, one-hot encoding of categorical columns.

## Modeling implications
A constant predictor is the floor; a regularised linear model is the natural first real model.
`;

export const MODEL_PY = (
  step: number,
): string => `"""The benchmark's model: a constant class (parameters of step ${step})."""

PREDICTION = "${BENCH_CLASS}"
PARAMS = {"step": ${step}, "C": ${(step + 0.5).toFixed(1)}, "max_iter": ${100 + step * 10}}


def predict_one(row):
    return PREDICTION
`;

const TRAIN_PY = `"""Trivial training: writes a checkpoint and one metrics line."""
import argparse
import json
import os

parser = argparse.ArgumentParser()
parser.add_argument("--data-path")
parser.add_argument("--device", default="cpu")
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--checkpoint-dir", default="checkpoints")
args = parser.parse_args()

os.makedirs(args.checkpoint_dir, exist_ok=True)
os.makedirs("logs", exist_ok=True)
with open(os.path.join(args.checkpoint_dir, "model.json"), "w") as f:
    json.dump({"prediction": "${BENCH_CLASS}"}, f)
with open(os.path.join("logs", "metrics.jsonl"), "a") as f:
    f.write(json.dumps({"epoch": 1, "train_loss": 0.5, "val_accuracy": 0.7}) + "\\n")
with open(os.path.join("logs", "training.log"), "a") as f:
    f.write("epoch 1: train_loss=0.5 val_accuracy=0.7\\n")
print("epoch 1: train_loss=0.5 val_accuracy=0.7")
`;

const EVALUATE_PY = `"""Trivial evaluation: writes eval_results.json."""
import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("--data-path")
parser.add_argument("--device", default="cpu")
parser.add_argument("--checkpoint-dir", default="checkpoints")
parser.parse_args()

with open("eval_results.json", "w") as f:
    json.dump({"metric_name": "accuracy", "value": 0.7, "split": "validation", "n_samples": 1}, f)
print("accuracy 0.7")
`;

const PREDICT_PY = `"""Writes id,prediction for every id of the input CSV (a constant class)."""
import argparse
import csv
import os

from model import predict_one

parser = argparse.ArgumentParser()
parser.add_argument("--input", required=True)
parser.add_argument("--output", required=True)
args = parser.parse_args()

if os.path.dirname(args.output):
    os.makedirs(os.path.dirname(args.output), exist_ok=True)
with open(args.input, newline="") as src, open(args.output, "w", newline="") as dst:
    writer = csv.writer(dst)
    writer.writerow(["id", "prediction"])
    for row in csv.DictReader(src):
        writer.writerow([row["id"], predict_one(row)])
`;

const TEST_SMOKE_PY = `import model


def test_model_predicts_a_class():
    assert model.predict_one({}) == "${BENCH_CLASS}"
`;

export const BASELINE_FILES: Record<string, string> = {
  'model.py': MODEL_PY(0),
  'train.py': TRAIN_PY,
  'evaluate.py': EVALUATE_PY,
  'predict.py': PREDICT_PY,
  'tests/test_smoke.py': TEST_SMOKE_PY,
};

/**
 * A proposal of its own for each step: several step-specific numbers in the hypothesis, so no two are
 * alike enough for the duplicate check (proposal-text.ts, Jaccard of content words >= 0.8).
 */
export function benchProposal(step: number): string {
  const c = (step + 0.5).toFixed(1);
  return [
    `HYPOTHESIS: Regularisation C=${c} with ${100 + step * 10} iterations, class weight ${step + 1}:${step + 2} and seed ${step * 31 + 7} lowers the validation error.`,
    `CHANGE: In model.py set PARAMS to C=${c}, max_iter=${100 + step * 10} (step ${step}).`,
    `RATIONALE: Step ${step} probes a regularisation strength of ${c} that no earlier step tried.`,
  ].join('\n');
}

export function benchScenario(): Scenario {
  return scriptedRunScenario({
    name: 'pipeline benchmark',
    description: 'Instant answers and trivial scripts: every stage of a run, with nothing slow in it.',
    analysis: ANALYSIS_MD,
    baselineFiles: BASELINE_FILES,
    baselineSummary: 'Baseline: a constant class; train, evaluate, predict and a smoke test.',
    proposal: benchProposal,
    proposalCritic: 'Too close to an earlier experiment: change another parameter.',
    modelPy: MODEL_PY,
    implementSummary: (step) => `Set the parameters of step ${step} in model.py.`,
  });
}
