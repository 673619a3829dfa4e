/**
 * Real, working scikit-learn code for the tabular examples (churn, house-prices), as the scripted model
 * writes it: the workspace contract files (ARCHITECTURE.md section 5) and the experiment variants the demo
 * scenarios propose. Only `model.py` differs between variants; `train.py`, `evaluate.py`, `predict.py` and
 * `tests/test_smoke.py` are the same for all of them and call into it.
 *
 * The code reads the visible data (a folder holding the CSV, or the CSV itself: the label column present, the
 * id column too) and the holdout features (a CSV or a folder holding `features.csv`: no label column, an `id`
 * column of engine ids, possibly missing values), and writes `id,prediction[,proba_<class>...]`.
 * sklearn-code.test.ts runs it for real with python3.
 */

import type { TaskType } from '../api/vocabulary';

export type TabularExample = 'churn' | 'house-prices';

/**
 * The model.py variants:
 * - `baseline`: churn: logistic regression (median imputation + scaling, one-hot categoricals, id dropped);
 *   house-prices: ridge regression on the same preprocessing.
 * - `simple`: the baseline on the numeric columns only (no categoricals): a weaker baseline, below the
 *   targets, for demos that should show the loop climbing to the target.
 * - `improved`: the baseline plus the engineered features the data's generating process rewards (churn: the
 *   first months and many support calls as flags; houses: the saturating distance effect and the old-house
 *   premium): scores higher on the holdout and reaches the target.
 * - `broken`: a typo in an import, so importing model.py fails and so do the smoke tests, every time.
 * - `worse`: churn: a depth-1 decision tree on one feature; houses: a depth-1 tree on the number of bedrooms.
 * - `tweak`: the improved model with one more specific change (`tweak` option: 0, 1, 2, ...), for later
 *   proposals; each index is a distinct, valid model.
 */
export type ModelVariant = 'baseline' | 'simple' | 'improved' | 'broken' | 'worse' | 'tweak';

export interface TabularSpec {
  example: TabularExample;
  title: string;
  label: string;
  task: TaskType;
  metric: 'accuracy' | 'r2';
  target: number;
  /** Columns dropped before modelling (compared in lower case). */
  idColumns: string[];
  /** The CSV file name in the visible data folder. */
  dataFile: string;
  /** The feature columns (the label and id columns excluded), numeric or categorical. */
  numeric: string[];
  categorical: string[];
}

export const TABULAR_SPECS: Record<TabularExample, TabularSpec> = {
  churn: {
    example: 'churn',
    title: 'Customer churn',
    label: 'churned',
    task: 'classification',
    metric: 'accuracy',
    target: 0.82,
    idColumns: ['id', 'customer_id'],
    dataFile: 'churn.csv',
    numeric: ['senior_citizen', 'tenure_months', 'monthly_charges', 'total_charges', 'support_calls'],
    categorical: ['contract', 'internet_service', 'paperless_billing', 'payment_method'],
  },
  'house-prices': {
    example: 'house-prices',
    title: 'House prices',
    label: 'price',
    task: 'regression',
    metric: 'r2',
    target: 0.83,
    idColumns: ['id'],
    dataFile: 'houses.csv',
    numeric: ['area_sqm', 'bedrooms', 'bathrooms', 'year_built', 'distance_km', 'condition'],
    categorical: ['neighborhood', 'garage'],
  },
};

/** The tweaks offered after the improvement, in order; past the list they repeat with another strength. */
export interface Tweak {
  hypothesis: string;
  change: string;
  rationale: string;
  /** Python: the estimator expression (after `from sklearn.linear_model import ...`). */
  estimator: string;
}

export function tweakFor(example: TabularExample, index: number): Tweak {
  const strengths = [0.3, 3, 0.1, 10, 0.03, 30];
  const round = Math.floor(index / strengths.length);
  const base = strengths[index % strengths.length] as number;
  // Past the list, scale further (distinct values, never a repeat of an earlier tweak).
  const value = Number((base * Math.pow(base < 1 ? 0.5 : 2, round)).toPrecision(3));
  if (example === 'churn') {
    return {
      hypothesis: `Setting the logistic regression's inverse regularisation strength to C=${value} (default 1.0) on the engineered features changes holdout accuracy.`,
      change: `In model.py, build the LogisticRegression with C=${value}; keep the features and preprocessing as they are.`,
      rationale: `The engineered flags are few and strong; C=${value} tests whether the default regularisation over- or under-fits them.`,
      estimator: `LogisticRegression(C=${value}, max_iter=2000)`,
    };
  }
  return {
    hypothesis: `Setting the ridge penalty to alpha=${value} (default 1.0) on the engineered features changes holdout R².`,
    change: `In model.py, build the Ridge regressor with alpha=${value}; keep the features and preprocessing as they are.`,
    rationale: `With one-hot neighbourhoods and a few engineered terms, alpha=${value} tests whether the default shrinkage is too strong or too weak.`,
    estimator: `Ridge(alpha=${value})`,
  };
}

/** The files every variant shares, path → content. */
export function contractFiles(example: TabularExample): Record<string, string> {
  const spec = TABULAR_SPECS[example];
  return {
    'train.py': trainPy(spec),
    'evaluate.py': evaluatePy(spec),
    'predict.py': predictPy(spec),
    'tests/test_smoke.py': smokeTestPy(spec),
  };
}

/** The baseline workspace: model.py plus the shared files. */
export function baselineFiles(
  example: TabularExample,
  variant: 'baseline' | 'simple' = 'baseline',
): Record<string, string> {
  return { 'model.py': modelPy(example, variant), ...contractFiles(example) };
}

const COMMON_HEAD = (spec: TabularSpec, doc: string, imports: string): string => `"""${spec.title}: ${doc}

Shared by train.py, evaluate.py and predict.py: loading the data, the features, the model.
"""
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.impute import SimpleImputer
from sklearn.model_selection import train_test_split
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
${imports}

LABEL = ${JSON.stringify(spec.label)}
TASK = ${JSON.stringify(spec.task)}
METRIC = ${JSON.stringify(spec.metric)}
ID_COLUMNS = {${spec.idColumns.map((c) => JSON.stringify(c)).join(', ')}}
SEED = 0
VALIDATION_FRACTION = 0.2


def find_csv(data_path):
    """The CSV holding the data: the path itself, or the CSV in the folder (the one with the label first)."""
    path = Path(data_path)
    if path.is_file():
        return path
    files = sorted(path.glob("*.csv")) or sorted(path.rglob("*.csv"))
    if not files:
        raise FileNotFoundError(f"no CSV file in {path}")
    for file in files:
        if LABEL in pd.read_csv(file, nrows=0).columns:
            return file
    return files[0]


def load_table(data_path):
    return pd.read_csv(find_csv(data_path), dtype={"id": str})


def split(table):
    """The fixed train/validation split (seeded, stratified for classification)."""
    stratify = table[LABEL] if TASK == "classification" else None
    return train_test_split(table, test_size=VALIDATION_FRACTION, random_state=SEED, stratify=stratify)


def target(table):
    return table[LABEL]


def features(table):
    """The model's input: every column but the label and the id columns, plus engineered ones."""
    drop = [c for c in table.columns if c == LABEL or c.lower() in ID_COLUMNS]
    return add_features(table.drop(columns=drop))


def preprocessor(frame):
    numeric = [c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])]
    categorical = [c for c in frame.columns if c not in numeric]
    numeric_steps = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    categorical_steps = Pipeline(
        [
            ("impute", SimpleImputer(strategy="most_frequent")),
            ("onehot", OneHotEncoder(handle_unknown="ignore")),
        ]
    )
    return ColumnTransformer([("num", numeric_steps, numeric), ("cat", categorical_steps, categorical)])
`;

export function modelPy(example: TabularExample, variant: ModelVariant, tweak = 0): string {
  const spec = TABULAR_SPECS[example];
  const churn = example === 'churn';
  const linear = churn ? 'LogisticRegression' : 'Ridge';
  const linearDefault = churn ? 'LogisticRegression(max_iter=2000)' : 'Ridge(alpha=1.0)';
  const engineered = churn
    ? `def add_features(frame):
    """Flags for the first months and for many support calls: thresholds a linear model cannot draw itself."""
    frame = frame.copy()
    tenure = pd.to_numeric(frame["tenure_months"], errors="coerce")
    calls = pd.to_numeric(frame["support_calls"], errors="coerce")
    frame["new_customer"] = (tenure <= 6).astype(float)
    frame["many_support_calls"] = (calls >= 4).astype(float)
    return frame
`
    : `def add_features(frame):
    """The distance effect saturates and houses over 80 years old carry a premium."""
    frame = frame.copy()
    distance = pd.to_numeric(frame["distance_km"], errors="coerce")
    age = 2024 - pd.to_numeric(frame["year_built"], errors="coerce")
    frame["distance_effect"] = distance / (distance + 6.0)
    frame["age_capped"] = age.clip(upper=80)
    frame["very_old"] = (age > 80).astype(float)
    return frame
`;
  const identity = `def add_features(frame):
    return frame
`;
  switch (variant) {
    case 'baseline':
      return `${COMMON_HEAD(
        spec,
        churn
          ? 'logistic regression baseline (imputation, scaling, one-hot categoricals; the customer id is dropped).'
          : 'ridge regression baseline (imputation, scaling, one-hot categoricals).',
        `from sklearn.linear_model import ${linear}`,
      )}

${identity}

def build_model(frame):
    return Pipeline([("features", preprocessor(frame)), ("model", ${linearDefault})])
`;
    case 'simple':
      return `${COMMON_HEAD(
        spec,
        churn
          ? 'logistic regression on the numeric columns only (imputation, scaling; the customer id is dropped).'
          : 'ridge regression on the numeric columns only (imputation, scaling).',
        `from sklearn.linear_model import ${linear}`,
      )}

NUMERIC = [${spec.numeric.map((c) => JSON.stringify(c)).join(', ')}]


def add_features(frame):
    return frame[[c for c in NUMERIC if c in frame.columns]]


def build_model(frame):
    return Pipeline([("features", preprocessor(frame)), ("model", ${linearDefault})])
`;
    case 'improved':
      return `${COMMON_HEAD(
        spec,
        churn
          ? 'logistic regression with engineered threshold features.'
          : 'ridge regression with engineered distance and age features.',
        `from sklearn.linear_model import ${linear}`,
      )}

${engineered}

def build_model(frame):
    return Pipeline([("features", preprocessor(frame)), ("model", ${linearDefault})])
`;
    case 'tweak':
      return `${COMMON_HEAD(
        spec,
        `engineered features, tuned regularisation (tweak ${tweak}).`,
        `from sklearn.linear_model import ${linear}`,
      )}

${engineered}

def build_model(frame):
    return Pipeline([("features", preprocessor(frame)), ("model", ${tweakFor(example, tweak).estimator})])
`;
    case 'worse':
      return `${COMMON_HEAD(
        spec,
        churn
          ? 'a single split on the number of support calls (a depth-1 tree).'
          : 'a single split on the number of bedrooms (a depth-1 tree).',
        `from sklearn.tree import ${churn ? 'DecisionTreeClassifier' : 'DecisionTreeRegressor'}`,
      )}

KEEP = [${JSON.stringify(churn ? 'support_calls' : 'bedrooms')}]


def add_features(frame):
    return frame[[c for c in KEEP if c in frame.columns]]


def build_model(frame):
    tree = ${churn ? 'DecisionTreeClassifier' : 'DecisionTreeRegressor'}(max_depth=1, random_state=SEED)
    return Pipeline([("features", preprocessor(frame)), ("model", tree)])
`;
    case 'broken':
      return `${COMMON_HEAD(
        spec,
        churn ? 'gradient boosting on the raw features.' : 'gradient boosting on the raw features.',
        // The typo is the point: importing model.py fails, and so does everything that imports it.
        `from sklearn.ensemble import ${churn ? 'HistGradientBoostingClasifier' : 'HistGradientBoostingRegresor'}`,
      )}

${identity}

def build_model(frame):
    booster = ${churn ? 'HistGradientBoostingClasifier' : 'HistGradientBoostingRegresor'}(max_iter=300, learning_rate=0.05)
    return Pipeline([("features", preprocessor(frame)), ("model", booster)])
`;
  }
}

function trainPy(spec: TabularSpec): string {
  const valKey = spec.task === 'classification' ? 'val_accuracy' : 'val_r2';
  return `"""Trains the model on the visible data and saves it to the checkpoint folder.

python3 -u train.py --data-path DATA --device cpu --epochs 1 --checkpoint-dir checkpoints
"""
import argparse
import json
import time
from pathlib import Path


def parse_args():
    parser = argparse.ArgumentParser(description="Train the ${spec.title.toLowerCase()} model.")
    parser.add_argument("--data-path", required=True, help="the visible data: a folder or a CSV file")
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu", help="scikit-learn runs on the CPU")
    parser.add_argument("--epochs", type=int, default=1, help="passes over the data (one fit per epoch)")
    parser.add_argument("--checkpoint-dir", default="checkpoints")
    return parser.parse_args()


def main():
    args = parse_args()
    # Imported after the arguments are parsed, so --help answers at once.
    import joblib
    import numpy as np
    from sklearn.metrics import accuracy_score, log_loss, mean_squared_error, r2_score

    import model as model_lib

    Path("logs").mkdir(exist_ok=True)
    log_file = open(Path("logs") / "training.log", "a", encoding="utf-8")

    def log(message):
        line = f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}"
        print(line, flush=True)
        log_file.write(line + "\\n")
        log_file.flush()

    table = model_lib.load_table(args.data_path)
    train, valid = model_lib.split(table)
    x_train, y_train = model_lib.features(train), model_lib.target(train)
    x_valid, y_valid = model_lib.features(valid), model_lib.target(valid)
    log(f"loaded {len(table)} rows: {len(train)} train, {len(valid)} validation; device {args.device}")

    epochs = max(1, args.epochs)
    pipeline = None
    for epoch in range(1, epochs + 1):
        pipeline = model_lib.build_model(x_train)
        pipeline.fit(x_train, y_train)
        if model_lib.TASK == "classification":
            proba = pipeline.predict_proba(x_train)
            train_loss = float(log_loss(y_train, proba, labels=pipeline.classes_))
            val_score = float(accuracy_score(y_valid, pipeline.predict(x_valid)))
        else:
            train_loss = float(np.sqrt(mean_squared_error(y_train, pipeline.predict(x_train))))
            val_score = float(r2_score(y_valid, pipeline.predict(x_valid)))
        record = {"epoch": epoch, "train_loss": round(train_loss, 6), "${valKey}": round(val_score, 6)}
        with open(Path("logs") / "metrics.jsonl", "a", encoding="utf-8") as metrics:
            metrics.write(json.dumps(record) + "\\n")
        log(f"epoch {epoch}/{epochs}: train_loss {train_loss:.4f}, ${valKey} {val_score:.4f}")

    checkpoint_dir = Path(args.checkpoint_dir)
    checkpoint_dir.mkdir(parents=True, exist_ok=True)
    bundle = {"model": pipeline, "features": list(x_train.columns), "label": model_lib.LABEL, "task": model_lib.TASK}
    joblib.dump(bundle, checkpoint_dir / "model.joblib")
    log(f"saved {checkpoint_dir / 'model.joblib'}")


if __name__ == "__main__":
    main()
`;
}

function evaluatePy(spec: TabularSpec): string {
  return `"""Scores the saved model on the validation split and writes eval_results.json.

python3 -u evaluate.py --data-path DATA --device cpu --checkpoint-dir checkpoints
"""
import argparse
import json
from pathlib import Path


def main():
    parser = argparse.ArgumentParser(description="Evaluate the ${spec.title.toLowerCase()} model.")
    parser.add_argument("--data-path", required=True)
    parser.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    parser.add_argument("--checkpoint-dir", default="checkpoints")
    parser.add_argument("--output", default="eval_results.json")
    args = parser.parse_args()
    # Imported after the arguments are parsed, so --help answers at once.
    import joblib
    from sklearn.metrics import accuracy_score, r2_score

    import model as model_lib

    bundle = joblib.load(Path(args.checkpoint_dir) / "model.joblib")
    _, valid = model_lib.split(model_lib.load_table(args.data_path))
    x_valid = model_lib.features(valid).reindex(columns=bundle["features"])
    predictions = bundle["model"].predict(x_valid)
    y_valid = model_lib.target(valid)
    if model_lib.TASK == "classification":
        value = accuracy_score(y_valid, predictions)
    else:
        value = r2_score(y_valid, predictions)
    result = {"metric_name": model_lib.METRIC, "value": float(value), "split": "validation", "n_samples": int(len(valid))}
    Path(args.output).write_text(json.dumps(result, indent=2) + "\\n", encoding="utf-8")
    print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main()
`;
}

function predictPy(spec: TabularSpec): string {
  return `"""Predicts for a features CSV (no label column; an id column) and writes id,prediction[,proba_<class>].

python3 predict.py --input features.csv --output predictions.csv
"""
import argparse
from pathlib import Path

HERE = Path(__file__).resolve().parent


def find_input(path):
    path = Path(path)
    if path.is_dir():
        preferred = path / "features.csv"
        return preferred if preferred.exists() else sorted(path.glob("*.csv"))[0]
    return path


def main():
    parser = argparse.ArgumentParser(description="Predict with the ${spec.title.toLowerCase()} model.")
    parser.add_argument("--input", required=True, help="a CSV of features (or a folder holding features.csv)")
    parser.add_argument("--output", required=True, help="where to write id,prediction")
    parser.add_argument("--checkpoint-dir", default=str(HERE / "checkpoints"))
    args = parser.parse_args()
    # Imported after the arguments are parsed, so --help answers at once.
    import joblib
    import pandas as pd

    import model as model_lib

    bundle = joblib.load(Path(args.checkpoint_dir) / "model.joblib")
    table = pd.read_csv(find_input(args.input), dtype={"id": str})
    ids = table["id"] if "id" in table.columns else pd.Series(range(len(table)), name="id")
    x = model_lib.features(table).reindex(columns=bundle["features"])
    pipeline = bundle["model"]
    out = pd.DataFrame({"id": ids.values, "prediction": pipeline.predict(x)})
    if model_lib.TASK == "classification" and hasattr(pipeline, "predict_proba"):
        proba = pipeline.predict_proba(x)
        for index, cls in enumerate(pipeline.classes_):
            out[f"proba_{cls}"] = proba[:, index]
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    out.to_csv(args.output, index=False)
    print(f"wrote {len(out)} predictions to {args.output}", flush=True)


if __name__ == "__main__":
    main()
`;
}

function smokeTestPy(spec: TabularSpec): string {
  const churn = spec.example === 'churn';
  const synthetic = churn
    ? `    return pd.DataFrame(
        {
            "customer_id": [f"C{100001 + i}" for i in range(n)],
            "senior_citizen": rng.integers(0, 2, n),
            "tenure_months": rng.integers(1, 73, n),
            "contract": rng.choice(["month_to_month", "one_year", "two_year"], n),
            "internet_service": rng.choice(["fiber", "dsl", "none"], n),
            "monthly_charges": rng.uniform(18, 120, n).round(2),
            "total_charges": np.where(rng.random(n) < 0.05, np.nan, rng.uniform(18, 8000, n).round(2)),
            "paperless_billing": rng.choice(["yes", "no"], n),
            "payment_method": rng.choice(["electronic_check", "mailed_check", "bank_transfer", "credit_card"], n),
            "support_calls": rng.poisson(1.5, n),
            "churned": np.arange(n) % 2,
        }
    )`
    : `    return pd.DataFrame(
        {
            "area_sqm": rng.integers(30, 320, n),
            "bedrooms": rng.integers(1, 8, n),
            "bathrooms": rng.integers(1, 5, n),
            "year_built": rng.integers(1890, 2024, n),
            "distance_km": rng.uniform(0.5, 30, n).round(1),
            "neighborhood": rng.choice(["riverside", "old_town", "hillside", "suburbs", "industrial"], n),
            "garage": rng.choice(["yes", "no"], n),
            "condition": rng.integers(1, 6, n),
            "price": rng.uniform(50_000, 900_000, n).round(-2),
        }
    )`;
  return `"""Fast smoke tests: the model builds and fits on a few rows, the scripts run, predict.py writes the contract CSV."""
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import model as model_lib  # noqa: E402


def sample(n=60, seed=0):
    rng = np.random.default_rng(seed)
${synthetic}


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=120)


def test_model_fits_a_few_rows():
    table = sample()
    x, y = model_lib.features(table), model_lib.target(table)
    assert model_lib.LABEL not in x.columns
    pipeline = model_lib.build_model(x)
    pipeline.fit(x, y)
    assert len(pipeline.predict(x)) == len(table)


def test_scripts_show_help():
    for script in ("train.py", "evaluate.py", "predict.py"):
        result = run(str(ROOT / script), "--help")
        assert result.returncode == 0, result.stderr
        assert "usage" in result.stdout.lower()


def test_train_evaluate_predict_round_trip(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    sample(80).to_csv(data / ${JSON.stringify(spec.dataFile)}, index=False)
    checkpoints = tmp_path / "checkpoints"
    trained = run(str(ROOT / "train.py"), "--data-path", str(data), "--device", "cpu", "--epochs", "1", "--checkpoint-dir", str(checkpoints), cwd=tmp_path)
    assert trained.returncode == 0, trained.stderr
    assert (tmp_path / "logs" / "metrics.jsonl").read_text().strip()
    evaluated = run(str(ROOT / "evaluate.py"), "--data-path", str(data), "--checkpoint-dir", str(checkpoints), cwd=tmp_path)
    assert evaluated.returncode == 0, evaluated.stderr
    assert (tmp_path / "eval_results.json").exists()

    holdout = sample(20, seed=1).drop(columns=[model_lib.LABEL])
    holdout.insert(0, "id", [f"h{i:04d}" for i in range(len(holdout))])
    holdout.to_csv(tmp_path / "features.csv", index=False)
    out = tmp_path / "predictions.csv"
    predicted = run(str(ROOT / "predict.py"), "--input", str(tmp_path / "features.csv"), "--output", str(out), "--checkpoint-dir", str(checkpoints), cwd=tmp_path)
    assert predicted.returncode == 0, predicted.stderr
    predictions = pd.read_csv(out, dtype={"id": str})
    assert list(predictions.columns[:2]) == ["id", "prediction"]
    assert predictions["id"].tolist() == holdout["id"].tolist()
`;
}
