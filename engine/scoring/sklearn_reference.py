"""scikit-learn's figures for the fixtures of sklearn-crosscheck.docker.test.ts.

Runs inside the sandbox image. Reads cases.json (written by the test), and for each case its labels and
predictions CSVs; prints one JSON object {case: {metric: value}} on stdout. Parameters are spelled out where
sklearn's defaults could differ from the engine's documented choices (positive label, class order).
"""
import csv
import json
import math
import sys
import warnings

import numpy as np
from sklearn import metrics

warnings.simplefilter("ignore")  # zero_division and similar warnings: the values are what we compare


def read_csv(path):
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def aligned(case):
    _, label_rows = read_csv(case["labels"])
    header, pred_rows = read_csv(case["predictions"])
    by_id = {row[header.index("id")]: row for row in pred_rows}
    y_true = [label for _, label in label_rows]
    rows = [by_id[i] for i, _ in label_rows]
    return header, y_true, rows


def classification(case):
    header, y_true, rows = aligned(case)
    y_pred = [r[header.index("prediction")] for r in rows]
    y_true = np.array(y_true)
    y_pred = np.array(y_pred)
    out = {
        "accuracy": metrics.accuracy_score(y_true, y_pred),
        "balanced_accuracy": metrics.balanced_accuracy_score(y_true, y_pred),
    }
    for average in ("macro", "micro", "weighted"):
        out[f"f1_{average}"] = metrics.f1_score(y_true, y_pred, average=average)
        out[f"precision_{average}"] = metrics.precision_score(y_true, y_pred, average=average)
        out[f"recall_{average}"] = metrics.recall_score(y_true, y_pred, average=average)
    positive = case.get("positive")
    if positive is not None:
        out["f1_binary"] = metrics.f1_score(y_true, y_pred, pos_label=positive, average="binary")
        out["precision_binary"] = metrics.precision_score(y_true, y_pred, pos_label=positive, average="binary")
        out["recall_binary"] = metrics.recall_score(y_true, y_pred, pos_label=positive, average="binary")
    if not case.get("probabilities"):
        return out
    proba = {
        c: np.array([float(r[header.index(f"proba_{c}")]) for r in rows])
        for c in case["classes"]
        if f"proba_{c}" in header
    }
    if positive is not None:
        is_positive = (y_true == positive).astype(int)
        out["roc_auc"] = metrics.roc_auc_score(is_positive, proba[positive])
        out["log_loss"] = metrics.log_loss(is_positive, proba[positive], labels=[0, 1])
    else:
        # Columns in sklearn's class order (np.unique of y_true): every class is present in these fixtures.
        order = list(np.unique(y_true))
        matrix = np.column_stack([proba[c] for c in order])
        out["roc_auc_ovr"] = metrics.roc_auc_score(y_true, matrix, multi_class="ovr", average="macro")
        out["log_loss"] = metrics.log_loss(y_true, matrix, labels=order)
    return out


def regression(case):
    header, y_true, rows = aligned(case)
    y = np.array([float(v) for v in y_true])
    p = np.array([float(r[header.index("prediction")]) for r in rows])
    out = {
        "mse": metrics.mean_squared_error(y, p),
        "rmse": math.sqrt(metrics.mean_squared_error(y, p)),
        "mae": metrics.mean_absolute_error(y, p),
        "r2": metrics.r2_score(y, p),
        "mape": metrics.mean_absolute_percentage_error(y, p),
    }
    if (y >= 0).all() and (p >= 0).all():
        out["rmsle"] = math.sqrt(metrics.mean_squared_log_error(y, p))
    return out


def main():
    with open(sys.argv[1]) as f:
        cases = json.load(f)
    import sklearn

    results = {"_sklearn": sklearn.__version__}
    for name, case in cases.items():
        compute = classification if case["task"] == "classification" else regression
        results[name] = {k: float(v) for k, v in compute(case).items()}
    print(json.dumps(results))


main()
