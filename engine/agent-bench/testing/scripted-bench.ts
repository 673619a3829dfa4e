import type { Scenario } from '../../demo/scenario';
import { scriptedRunScenario } from '../../pipeline/testing/scripted-run';

/**
 * Tests only: the scripted model playing a bench task. A generic scikit-learn classifier for any tabular
 * classification task (the label column named, every other column a numeric feature): standardised logistic
 * regression with predicted probabilities, so accuracy and log loss tasks both score. Each experiment changes
 * the regularisation strength C (a distinct proposal per step). Real code, run in the sandbox like any run's.
 */

const modelPy = (
  label: string,
  c: number,
): string => `"""A generic tabular classifier: standardised logistic regression (C=${c})."""
from pathlib import Path

import pandas as pd
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

LABEL = ${JSON.stringify(label)}
C = ${c}


def find_csv(data_path):
    path = Path(data_path)
    return path if path.is_file() else sorted(path.rglob("*.csv"))[0]


def features(table):
    drop = [c for c in table.columns if c == LABEL or c.lower() == "id"]
    return table.drop(columns=drop).apply(pd.to_numeric, errors="coerce").fillna(0.0)


def build_model():
    return make_pipeline(StandardScaler(), LogisticRegression(C=C, max_iter=3000))
`;

const TRAIN_PY = `"""Fits the model on the visible data; holds out 20% to report a validation accuracy."""
import argparse
import json
from pathlib import Path

import joblib
import pandas as pd
from sklearn.model_selection import train_test_split

import model as m

parser = argparse.ArgumentParser()
parser.add_argument("--data-path", required=True)
parser.add_argument("--device", default="cpu")
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--checkpoint-dir", default="checkpoints")
args = parser.parse_args()

table = pd.read_csv(m.find_csv(args.data_path))
train, valid = train_test_split(table, test_size=0.2, random_state=0)
pipeline = m.build_model().fit(m.features(train), train[m.LABEL].astype(str))
val = float((pipeline.predict(m.features(valid)) == valid[m.LABEL].astype(str)).mean())
Path(args.checkpoint_dir).mkdir(parents=True, exist_ok=True)
Path("logs").mkdir(exist_ok=True)
full = m.build_model().fit(m.features(table), table[m.LABEL].astype(str))
joblib.dump({"model": full, "columns": list(m.features(table).columns)}, Path(args.checkpoint_dir) / "model.joblib")
with open("logs/metrics.jsonl", "a") as f:
    f.write(json.dumps({"epoch": 1, "val_accuracy": val}) + "\\n")
print(f"epoch 1: val_accuracy={val:.4f}")
`;

const EVALUATE_PY = `"""Reports the validation accuracy train.py logged."""
import argparse
import json

parser = argparse.ArgumentParser()
parser.add_argument("--data-path")
parser.add_argument("--device", default="cpu")
parser.add_argument("--checkpoint-dir", default="checkpoints")
parser.parse_args()
last = [json.loads(l) for l in open("logs/metrics.jsonl") if l.strip()][-1]
with open("eval_results.json", "w") as f:
    json.dump({"metric_name": "accuracy", "value": last["val_accuracy"], "split": "validation"}, f)
print(f"accuracy {last['val_accuracy']:.4f}")
`;

const PREDICT_PY = `"""Writes id,prediction,proba_<class> for every row of the input features."""
import argparse
from pathlib import Path

import joblib
import pandas as pd

import model as m

HERE = Path(__file__).resolve().parent
parser = argparse.ArgumentParser()
parser.add_argument("--input", required=True)
parser.add_argument("--output", required=True)
parser.add_argument("--checkpoint-dir", default=str(HERE / "checkpoints"))
args = parser.parse_args()

bundle = joblib.load(Path(args.checkpoint_dir) / "model.joblib")
path = Path(args.input)
table = pd.read_csv(path / "features.csv" if path.is_dir() else path, dtype={"id": str})
x = m.features(table).reindex(columns=bundle["columns"], fill_value=0.0)
pipeline = bundle["model"]
out = pd.DataFrame({"id": table["id"], "prediction": pipeline.predict(x)})
for k, cls in enumerate(pipeline.classes_):
    out[f"proba_{cls}"] = pipeline.predict_proba(x)[:, k]
Path(args.output).parent.mkdir(parents=True, exist_ok=True)
out.to_csv(args.output, index=False)
print(f"wrote {len(out)} predictions")
`;

const smokeTestPy = (label: string): string => `import numpy as np
import pandas as pd

import model as m


def test_model_fits_and_predicts_probabilities():
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"a": rng.normal(size=40), "b": rng.normal(size=40), ${JSON.stringify(label)}: [0, 1] * 20})
    pipeline = m.build_model().fit(m.features(table), table[m.LABEL].astype(str))
    assert pipeline.predict_proba(m.features(table)).shape == (40, 2)
`;

const ANALYSIS_MD = `# Data analysis

## Inventory
One CSV file: numeric feature columns and the label column.

## Modality
Tabular, every feature numeric.

## Sample size
Enough rows for a regularised linear model; 20% is held out for validation.

## Target
A class label; the metric is fixed by the task.

## Splits
No predefined split: train.py holds out a seeded 20%; the engine scores its own hidden holdout.

## Leakage
No identifier column; nothing derived from the label.

## Preprocessing
Standardise the numeric columns; fill missing values with 0.

## Modeling implications
Logistic regression with predicted probabilities is the baseline; the regularisation strength is the first knob.
`;

const strength = (step: number): number => Number((0.1 * 3 ** Math.max(0, step - 1)).toPrecision(3));

/** The scripted bench player for a tabular classification task whose label column is `label`. */
export function tabularBenchScenario(label: string): Scenario {
  return scriptedRunScenario({
    name: 'bench tabular classification',
    description: 'A generic scikit-learn logistic regression; each experiment tries another C.',
    analysis: ANALYSIS_MD,
    baselineFiles: {
      'model.py': modelPy(label, 1),
      'train.py': TRAIN_PY,
      'evaluate.py': EVALUATE_PY,
      'predict.py': PREDICT_PY,
      'tests/test_smoke.py': smokeTestPy(label),
    },
    baselineSummary: 'Baseline: standardised logistic regression with probabilities.',
    proposal: (step) => {
      const c = strength(step);
      return [
        `HYPOTHESIS: Logistic regression with inverse regularisation strength C=${c} (step ${step}) changes the holdout score.`,
        `CHANGE: In model.py set C = ${c}.`,
        `RATIONALE: C=${c} has not been tried; it tests whether the default regularisation over- or under-fits.`,
        'TAG: HYPERPARAM',
      ].join('\n');
    },
    proposalCritic: 'Specific and testable. Approved.',
    modelPy: (step) => modelPy(label, strength(step)),
    implementSummary: (step) => `Set C=${strength(step)} in model.py.`,
  });
}
