# Sourced, not run: puts a Node >= 22.12 first on PATH, installing Node 24 beside the project's cache
# from the npm registry's `node` package when the machine's Node is missing or older.
MLE_BEAST_NODE_VERSION="${MLE_BEAST_NODE_VERSION:-24.21.0}"
MLE_BEAST_TOOLS="${MLE_BEAST_TOOLS:-$HOME/.cache/mle-beast}"

mle_beast_node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=12)?0:1)'
}

if ! mle_beast_node_ok; then
  _mle_node_dir="$MLE_BEAST_TOOLS/node-$MLE_BEAST_NODE_VERSION"
  if [ ! -x "$_mle_node_dir/bin/node" ]; then
    if ! command -v npm >/dev/null 2>&1; then
      echo "mle-beast: Node.js >= 22.12 is required and no npm is available to fetch it. Install Node 24 (https://nodejs.org) and retry." >&2
      return 2 2>/dev/null || exit 2
    fi
    echo "mle-beast: installing Node $MLE_BEAST_NODE_VERSION into $_mle_node_dir (the machine has $(node --version 2>/dev/null || echo 'no Node'))" >&2
    # The `node` package's install script links the platform binary: it must run.
    npm install --global --prefix "$_mle_node_dir" --ignore-scripts=false --no-audit --no-fund \
      "node@$MLE_BEAST_NODE_VERSION" >&2
  fi
  export PATH="$_mle_node_dir/bin:$PATH"
  unset _mle_node_dir
  if ! mle_beast_node_ok; then
    echo "mle-beast: could not provide Node >= 22.12 (found $(node --version 2>/dev/null || echo none))." >&2
    return 2 2>/dev/null || exit 2
  fi
fi
