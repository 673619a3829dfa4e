/**
 * The .gitignore a greenfield workspace starts with: what ML work produces in bulk (data, checkpoints,
 * weights, logs, caches, environments) stays out of git, so commits stay small and revert never has to
 * rewrite gigabytes. research_log.md, data_analysis.md and the code are never matched: they are the
 * workspace contract and must be committed.
 */
export const ML_GITIGNORE = `# Written by mle-beast. Large or generated files stay out of git; edit freely.

# data and run outputs
data/
datasets/
checkpoints/
logs/
outputs/
runs/
wandb/
mlruns/
lightning_logs/

# model weights and arrays
*.pt
*.pth
*.ckpt
*.safetensors
*.onnx
*.h5
*.pkl
*.joblib
*.npy
*.npz

# Python caches and environments
__pycache__/
*.py[cod]
.pytest_cache/
.ipynb_checkpoints/
.mypy_cache/
.ruff_cache/
venv/
.venv/

# secrets and OS clutter
.env
.DS_Store
Thumbs.db
desktop.ini
`;

/** OS files a freshly made folder may already hold; a folder with only these still counts as empty. */
export const OS_CLUTTER: ReadonlySet<string> = new Set(['.DS_Store', 'Thumbs.db', 'desktop.ini']);
