"""Fits the bench baselines on a task's visible data and predicts its final hidden split (run in the sandbox image).

Usage: python3 baselines.py SPEC_JSON   (see measure-baselines.ts, which also scores the predictions)

Writes one predictions CSV per model (id,prediction[,proba_<class>...]) to SPEC.out and prints one JSON line:
the models, their role (linear: bronze; default: silver is the best of linear + default; tuned: only counts for
the best known score) and a 1000-resample bootstrap standard error of each model's score on the final split.
"""

import json
import os
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import sklearn
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression, Ridge, RidgeCV
from sklearn.metrics import accuracy_score, log_loss, mean_squared_error
from sklearn.naive_bayes import MultinomialNB
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler
from sklearn.svm import SVC, SVR

spec = json.loads(sys.argv[1])
OUT = Path(spec["out"])
METRIC = spec["metric"]
SEED = 0


def first(root, pattern):
    files = sorted(Path(root).rglob(pattern))
    if not files:
        sys.exit(f"no {pattern} under {root}")
    return files[0]


def labels():
    table = pd.read_csv(spec["labels"], dtype=str, keep_default_na=False)
    return table["id"].tolist(), table["label"].tolist()


def tabular_preprocessor(frame, scale):
    categorical = [c for c in frame.columns if frame[c].dtype == object]
    numeric = [c for c in frame.columns if c not in categorical]
    steps = [SimpleImputer(strategy="median")] + ([StandardScaler()] if scale else [])
    return ColumnTransformer(
        [
            ("num", make_pipeline(*steps), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    )


def load_images(paths):
    from PIL import Image

    out = []
    for p in paths:
        with Image.open(p) as image:
            out.append(np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0)
    return np.stack(out)


def grey_small(images):
    n, h, w, _ = images.shape
    return images.mean(axis=3).reshape(n, h // 2, 2, w // 2, 2).mean(axis=(2, 4)).reshape(n, -1)


def data():
    """x_train, y_train, x_final, final_ids, task."""
    kind = spec["kind"]
    if kind == "tabular":
        train = pd.read_csv(first(spec["visible"], "*.csv"))
        final = pd.read_csv(spec["final"], dtype={"id": str})
        label = spec["label"]
        y = train.pop(label)
        x = train.drop(columns=[c for c in train.columns if c.lower() == "id"])
        xf = final.drop(columns=["id"])[x.columns]
        task = "classification" if spec["classes"] else "regression"
        if task == "classification":
            y = y.astype(str)
        return x, y, xf, final["id"].astype(str).tolist(), task
    if kind == "text_jsonl":
        rows = [json.loads(l) for l in open(first(spec["visible"], "*.jsonl"), encoding="utf-8") if l.strip()]
        final = [json.loads(l) for l in open(spec["final"], encoding="utf-8") if l.strip()]
        return (
            [r["text"] for r in rows],
            np.array([str(r["label"]) for r in rows]),
            [r["text"] for r in final],
            [str(r["id"]) for r in final],
            "classification",
        )
    # image folders: visible/<class>/..., final: features/<id>.<ext>
    paths, y = [], []
    for cls_dir in sorted(p for p in Path(spec["visible"]).rglob("*") if p.is_dir()):
        for f in sorted(cls_dir.iterdir()):
            if f.is_file() and f.suffix.lower() in (".png", ".jpg", ".jpeg"):
                paths.append(f)
                y.append(cls_dir.name)
    final = sorted(p for p in Path(spec["final"]).iterdir() if p.is_file())
    return load_images(paths), np.array(y), load_images(final), [p.stem for p in final], "classification"


def cnn(x, y, xf):
    """The small CNN of engine/examples/learnability.py: the best known score on shapes."""
    import torch
    from torch import nn

    torch.manual_seed(0)
    torch.set_num_threads(1)
    classes = sorted(set(y))
    index = {c: i for i, c in enumerate(classes)}
    images = torch.tensor(x).permute(0, 3, 1, 2)
    labels_t = torch.tensor([index[c] for c in y])

    def standardise(batch):
        return (batch - batch.mean(dim=(1, 2, 3), keepdim=True)) / (batch.std(dim=(1, 2, 3), keepdim=True) + 1e-6)

    def block(i, o):
        return [nn.Conv2d(i, o, 3, padding=1), nn.BatchNorm2d(o), nn.ReLU()]

    pool = nn.MaxPool2d(2)
    model = nn.Sequential(
        *block(3, 16), pool, *block(16, 32), pool, *block(32, 64), pool, *block(64, 64),
        nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(64, len(classes)),
    )
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    order = torch.arange(len(labels_t))
    for _ in range(30):
        model.train()
        shuffled = order[torch.randperm(len(order))]
        for start in range(0, len(shuffled), 32):
            batch = shuffled[start : start + 32]
            inputs = torch.rot90(standardise(images[batch]), int(torch.randint(0, 4, (1,))), (2, 3))
            if float(torch.rand(1)) < 0.5:
                inputs = torch.flip(inputs, (3,))
            loss = nn.functional.cross_entropy(model(inputs), labels_t[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    with torch.no_grad():
        proba = torch.softmax(model(standardise(torch.tensor(xf).permute(0, 3, 1, 2))), dim=1).numpy()
    return np.array(classes)[proba.argmax(1)], proba, classes


def models(kind, task, x):
    """(name, role, estimator or callable)."""
    if kind == "tabular" and task == "classification":
        pre = lambda scale: tabular_preprocessor(x, scale)
        return [
            ("logistic regression (scaled)", "linear", make_pipeline(pre(True), LogisticRegression(max_iter=5000))),
            ("SVC rbf (scaled)", "default", make_pipeline(pre(True), SVC(probability=True, random_state=SEED))),
            ("kNN-5 (scaled)", "default", make_pipeline(pre(True), KNeighborsClassifier())),
            ("random forest", "default", make_pipeline(pre(False), RandomForestClassifier(random_state=SEED))),
            ("extra trees", "default", make_pipeline(pre(False), ExtraTreesClassifier(random_state=SEED))),
            ("hist gradient boosting", "default", make_pipeline(pre(False), HistGradientBoostingClassifier(random_state=SEED))),
            ("SVC rbf C=10 gamma=0.001 (raw)", "tuned", make_pipeline(pre(False), SVC(C=10, gamma=0.001, probability=True, random_state=SEED))),
            ("logistic regression C=0.1 (scaled)", "tuned", make_pipeline(pre(True), LogisticRegression(C=0.1, max_iter=5000))),
            ("random forest 500", "tuned", make_pipeline(pre(False), RandomForestClassifier(n_estimators=500, random_state=SEED))),
        ]
    if kind == "tabular":
        pre = lambda scale: tabular_preprocessor(x, scale)
        return [
            ("linear regression", "linear", make_pipeline(pre(True), LinearRegression())),
            ("ridge (scaled)", "default", make_pipeline(pre(True), Ridge())),
            ("SVR rbf (scaled)", "default", make_pipeline(pre(True), SVR())),
            ("kNN-5 (scaled)", "default", make_pipeline(pre(True), KNeighborsRegressor())),
            ("random forest", "default", make_pipeline(pre(False), RandomForestRegressor(random_state=SEED))),
            ("extra trees", "default", make_pipeline(pre(False), ExtraTreesRegressor(random_state=SEED))),
            ("hist gradient boosting", "default", make_pipeline(pre(False), HistGradientBoostingRegressor(random_state=SEED))),
            ("ridgeCV (scaled)", "tuned", make_pipeline(pre(True), RidgeCV(alphas=np.logspace(-3, 3, 13)))),
            ("random forest 500 min_leaf=3", "tuned", make_pipeline(pre(False), RandomForestRegressor(n_estimators=500, min_samples_leaf=3, random_state=SEED))),
            ("hist gradient boosting lr=0.05 300 iter", "tuned", make_pipeline(pre(False), HistGradientBoostingRegressor(learning_rate=0.05, max_iter=300, random_state=SEED))),
        ]
    if kind == "text_jsonl":
        return [
            ("tf-idf + logistic regression", "linear", make_pipeline(TfidfVectorizer(), LogisticRegression(max_iter=5000))),
            ("counts + multinomial naive Bayes", "default", make_pipeline(CountVectorizer(), MultinomialNB())),
            ("tf-idf + random forest", "default", make_pipeline(TfidfVectorizer(), RandomForestClassifier(random_state=SEED))),
            ("tf-idf 1-2 grams + logistic regression C=10", "tuned", make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(C=10, max_iter=5000))),
            ("counts 1-2 grams + multinomial naive Bayes", "tuned", make_pipeline(CountVectorizer(ngram_range=(1, 2)), MultinomialNB())),
        ]
    return [
        ("logistic regression on grey pixels (scaled)", "linear", ("grey", make_pipeline(StandardScaler(), LogisticRegression(max_iter=5000)))),
        ("random forest on grey pixels", "default", ("grey", RandomForestClassifier(random_state=SEED))),
        ("hist gradient boosting on grey pixels", "default", ("grey", HistGradientBoostingClassifier(random_state=SEED))),
        ("kNN-5 on grey pixels (scaled)", "default", ("grey", make_pipeline(StandardScaler(), KNeighborsClassifier()))),
        ("small CNN, 30 epochs (learnability.py)", "tuned", ("cnn", None)),
    ]


def score(y_true, pred, proba, classes, rows):
    if METRIC == "accuracy":
        return accuracy_score(y_true[rows], pred[rows])
    if METRIC == "log_loss":
        return log_loss(y_true[rows], np.clip(proba[rows], 1e-15, 1 - 1e-15), labels=classes)
    return float(np.sqrt(mean_squared_error(y_true[rows].astype(float), pred[rows].astype(float))))


def main():
    kind = spec["kind"]
    x, y, xf, ids, task = data()
    truth_ids, truth = labels()
    order = {i: k for k, i in enumerate(ids)}
    rng = np.random.RandomState(0)
    boots = [rng.randint(0, len(truth_ids), len(truth_ids)) for _ in range(1000)]
    results = []
    for k, (name, role, est) in enumerate(models(kind, task, x)):
        classes = None
        proba = None
        if isinstance(est, tuple):
            feats, model = est
            if feats == "cnn":
                pred, proba, classes = cnn(x, y, xf)
            else:
                model.fit(grey_small(x), y)
                pred, proba, classes = model.predict(grey_small(xf)), model.predict_proba(grey_small(xf)), list(model.classes_)
        else:
            est.fit(x, y)
            pred = est.predict(xf)
            if task == "classification":
                proba = est.predict_proba(xf)
                classes = list(est.classes_)
        frame = pd.DataFrame({"id": ids, "prediction": pred})
        if proba is not None:
            for c, cls in enumerate(classes):
                frame[f"proba_{cls}"] = proba[:, c]
        file = f"model_{k}.csv"
        frame.to_csv(OUT / file, index=False)
        # Aligned with the hidden labels' order, for the bootstrap.
        at = np.array([order[i] for i in truth_ids])
        p = np.asarray(pred)[at]
        pr = None if proba is None else np.asarray(proba)[at]
        t = np.array(truth, dtype=object if task == "classification" else float)
        if task == "regression":
            p = p.astype(float)
        values = [score(t, p, pr, classes, b) for b in boots]
        results.append({"model": name, "role": role, "file": file, "bootstrap_se": float(np.std(values, ddof=1))})
        print(f"{spec['task']}: {name} done", file=sys.stderr, flush=True)
    versions = {"python": sys.version.split()[0], "scikit-learn": sklearn.__version__, "numpy": np.__version__, "pandas": pd.__version__}
    if kind == "image_folder":
        import torch

        versions["torch"] = torch.__version__
    print(json.dumps({"models": results, "versions": versions}))


main()
