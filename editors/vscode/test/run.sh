#!/usr/bin/env bash
# ctest `editors/vscode_grammar`: the TextMate grammar against its golden tokenizations of the
# examples (test/tokenize.js). Needs node and the npm packages vscode-textmate and
# vscode-oniguruma in editors/vscode/node_modules (.ci/setup installs them when npm is present;
# otherwise this script tries `npm ci`). Without node, or when the packages cannot be installed,
# it says why and exits 77, which ctest reports as skipped.
set -u
here=$(cd "$(dirname "$0")/.." && pwd)
root=$(cd "$here/../.." && pwd)
if ! command -v node >/dev/null 2>&1; then
  echo "node is not installed: skipping the TextMate grammar test"
  exit 77
fi
if [[ ! -d $here/node_modules/vscode-textmate || ! -d $here/node_modules/vscode-oniguruma ]]; then
  if ! command -v npm >/dev/null 2>&1; then
    echo "npm is not installed and editors/vscode/node_modules is missing: skipping"
    exit 77
  fi
  echo "installing the grammar test's packages: (cd editors/vscode && npm ci)"
  if ! (cd "$here" && npm ci --no-audit --no-fund >/dev/null 2>&1); then
    echo "npm ci failed (no registry?): skipping the TextMate grammar test"
    exit 77
  fi
fi
exec node "$here/test/tokenize.js" "$root"
