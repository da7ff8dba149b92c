#!/usr/bin/env bash
# The generated completion scripts work: bash's answers real completion requests (commands, verbs,
# a command's options, an option's choices, `--opt=` values); zsh's parses (`zsh -n`).
# Usage: completions.sh bash|zsh <warrant binary>; exit 77 (skipped) when zsh is not installed.
set -euo pipefail
shell=$1
warrant=$2
script=$(mktemp)
trap 'rm -f "$script"' EXIT
"$warrant" completions "$shell" >"$script"

if [[ $shell == zsh ]]; then
  if ! command -v zsh >/dev/null; then
    echo "SKIPPED: zsh is not installed"
    exit 77
  fi
  zsh -n "$script"
  grep -q '^#compdef warrant' "$script"
  echo "zsh: the script parses"
  exit 0
fi

bash -n "$script"
# shellcheck disable=SC1090
source "$script"
failures=0
# expect "<word that must be offered>" <COMP_WORDS...>: the last word is the one being completed.
expect() {
  local want=$1
  shift
  COMP_WORDS=("$@")
  COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
  _warrant || true  # a completion function may end on a false test
  if [[ " ${COMPREPLY[*]} " != *" $want "* ]]; then
    echo "FAIL: [$*] offers '${COMPREPLY[*]}', not $want"
    failures=$((failures + 1))
  fi
}
expect check warrant ch
expect terminology warrant ""
expect import warrant terminology ""
expect --jobs warrant run --j
expect --no-progress warrant run -
expect --output warrant terminology import --o
expect checked warrant check --dump ""
expect json warrant test --coverage=j
expect json warrant check --diagnostics j
expect zsh warrant completions z
expect lint warrant help l
((failures == 0))
echo "bash: every request answered"
