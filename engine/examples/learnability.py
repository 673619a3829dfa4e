"""How well simple models learn the generated example datasets (run inside the sandbox image).

Usage: python3 learnability.py KIND PATH
  KIND: churn | houses | sentiment | shapes (decodes every PNG) | shapes-learn (a pixel model and a small CNN)
  PATH: the generated CSV / JSONL file, or (shapes) the image folder

Prints one JSON object of figures on stdout. Tabular and text scores are 5-fold cross-validated with fixed
seeds; the CNN trains on a seeded 80% split and is scored on the other 20%. All reproducible for a dataset.
"""

import json
import os
import sys

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.dummy import DummyClassifier, DummyRegressor
from sklearn.ensemble import HistGradientBoostingClassifier, HistGradientBoostingRegressor
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LinearRegression, LogisticRegression
from sklearn.model_selection import KFold, StratifiedKFold, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import OneHotEncoder, StandardScaler


def cv_score(model, X, y, scoring, classification):
    splitter = (StratifiedKFold if classification else KFold)(n_splits=5, shuffle=True, random_state=0)
    return float(np.mean(cross_val_score(model, X, y, cv=splitter, scoring=scoring)))


def tabular_preprocessor(X, scale):
    categorical = [c for c in X.columns if X[c].dtype == object]
    numeric = [c for c in X.columns if c not in categorical]
    steps = [SimpleImputer(strategy="median")] + ([StandardScaler()] if scale else [])
    return ColumnTransformer(
        [
            ("num", make_pipeline(*steps), numeric),
            ("cat", OneHotEncoder(handle_unknown="ignore"), categorical),
        ]
    )


def churn(path):
    df = pd.read_csv(path)
    y = df.pop("churned")
    X = df.drop(columns=["customer_id"])
    score = lambda m: cv_score(m, X, y, "accuracy", True)
    return {
        "rows": int(len(df)),
        "positive_rate": float(y.mean()),
        "majority_accuracy": score(DummyClassifier(strategy="most_frequent")),
        "logistic_regression_accuracy": score(
            make_pipeline(tabular_preprocessor(X, True), LogisticRegression(max_iter=2000))
        ),
        "gradient_boosting_accuracy": score(
            make_pipeline(
                tabular_preprocessor(X, False),
                HistGradientBoostingClassifier(max_iter=150, learning_rate=0.05, random_state=0),
            )
        ),
    }


def houses(path):
    df = pd.read_csv(path)
    y = df.pop("price")
    X = df
    score = lambda m: cv_score(m, X, y, "r2", False)
    return {
        "rows": int(len(df)),
        "mean_r2": score(DummyRegressor()),
        "linear_regression_r2": score(make_pipeline(tabular_preprocessor(X, True), LinearRegression())),
        "gradient_boosting_r2": score(
            make_pipeline(
                tabular_preprocessor(X, False),
                HistGradientBoostingRegressor(max_iter=300, learning_rate=0.05, random_state=0),
            )
        ),
    }


def sentiment(path):
    df = pd.read_json(path, lines=True)
    X, y = df["text"], df["label"]
    score = lambda m: cv_score(m, X, y, "accuracy", True)
    return {
        "rows": int(len(df)),
        "majority_accuracy": score(DummyClassifier(strategy="most_frequent")),
        "unigram_logistic_regression_accuracy": score(
            make_pipeline(TfidfVectorizer(ngram_range=(1, 1)), LogisticRegression(max_iter=2000, C=10))
        ),
        "bigram_logistic_regression_accuracy": score(
            make_pipeline(TfidfVectorizer(ngram_range=(1, 2)), LogisticRegression(max_iter=2000, C=10))
        ),
    }


def shapes(root):
    """Decodes every PNG with PIL; reports sizes, modes and a sha256 of each image's decoded pixels."""
    import hashlib

    from PIL import Image

    images = {}
    for cls in sorted(os.listdir(root)):
        for name in sorted(os.listdir(os.path.join(root, cls))):
            with Image.open(os.path.join(root, cls, name)) as image:
                image.load()
                images[cls + "/" + name] = {
                    "format": image.format,
                    "mode": image.mode,
                    "size": list(image.size),
                    "pixels_sha256": hashlib.sha256(image.tobytes()).hexdigest(),
                }
    return {"images": images}


def load_images(root):
    from PIL import Image

    X, y = [], []
    for index, cls in enumerate(sorted(os.listdir(root))):
        for name in sorted(os.listdir(os.path.join(root, cls))):
            with Image.open(os.path.join(root, cls, name)) as image:
                X.append(np.asarray(image.convert("RGB"), dtype=np.float32) / 255.0)
            y.append(index)
    return np.stack(X), np.array(y)


def shapes_learn(root):
    """Raw pixels defeat a linear model (colour, size and place vary freely); a small CNN sees the outlines."""
    import torch
    from torch import nn

    X, y = load_images(root)
    # Grey levels at half resolution: 1,024 features per image.
    grey = X.mean(axis=3).reshape(len(X), 32, 2, 32, 2).mean(axis=(2, 4)).reshape(len(X), -1)
    pixel_lr = cv_score(
        make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000, C=0.1)), grey, y, "accuracy", True
    )

    torch.manual_seed(0)
    torch.set_num_threads(max(1, min(4, os.cpu_count() or 1)))
    order = np.random.RandomState(0).permutation(len(y))
    cut = int(0.8 * len(y))
    images = torch.tensor(X).permute(0, 3, 1, 2)
    labels = torch.tensor(y)
    train, test = torch.tensor(order[:cut]), torch.tensor(order[cut:])

    def standardise(batch):  # per image: removes overall colour and brightness
        return (batch - batch.mean(dim=(1, 2, 3), keepdim=True)) / (batch.std(dim=(1, 2, 3), keepdim=True) + 1e-6)

    def block(inputs, outputs):
        return [nn.Conv2d(inputs, outputs, 3, padding=1), nn.BatchNorm2d(outputs), nn.ReLU()]

    pool = nn.MaxPool2d(2)
    model = nn.Sequential(
        *block(3, 16), pool, *block(16, 32), pool, *block(32, 64), pool, *block(64, 64),
        nn.AdaptiveMaxPool2d(1), nn.Flatten(), nn.Linear(64, 3),
    )
    optimiser = torch.optim.Adam(model.parameters(), lr=2e-3)
    epochs = 30
    for _ in range(epochs):
        model.train()
        shuffled = train[torch.randperm(len(train))]
        for start in range(0, len(shuffled), 32):
            batch = shuffled[start : start + 32]
            inputs = torch.rot90(standardise(images[batch]), int(torch.randint(0, 4, (1,))), (2, 3))
            if float(torch.rand(1)) < 0.5:
                inputs = torch.flip(inputs, (3,))
            loss = nn.functional.cross_entropy(model(inputs), labels[batch])
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
    model.eval()
    with torch.no_grad():
        cnn = float((model(standardise(images[test])).argmax(1) == labels[test]).float().mean())
    return {
        "images": int(len(y)),
        "majority_accuracy": float(np.max(np.bincount(y)) / len(y)),
        "pixel_logistic_regression_accuracy": pixel_lr,
        "cnn_accuracy": cnn,
        "cnn_epochs": epochs,
        "cnn_test_images": int(len(test)),
    }


if __name__ == "__main__":
    kind, path = sys.argv[1], sys.argv[2]
    kinds = {
        "churn": churn,
        "houses": houses,
        "sentiment": sentiment,
        "shapes": shapes,
        "shapes-learn": shapes_learn,
    }
    print(json.dumps(kinds[kind](path)))
