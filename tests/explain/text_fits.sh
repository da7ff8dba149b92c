#!/usr/bin/env bash
# The text explanation leads with the answer and stays short at real size: the example claim
# CLM-PT-02 (two therapy lines, 24 history lines) explains in at most 60 lines, its denial and
# what would change it (both alternatives of its `or`) within them; `--trace` adds the full trace
# and `--all-policies` the policies whose rules did not apply. On a terminal (a pseudo-terminal
# from `script`) the text is coloured unless NO_COLOR is set.
# Usage: text_fits.sh <warrant binary> <repo root>
set -euo pipefail
warrant=$1 root=$2
cd "$root"
fail=0
check() {  # check <what> <command that must succeed>
  if ! eval "$2"; then
    echo "FAILED: $1"
    fail=1
  fi
}
text=$("$warrant" explain examples examples/claims.ndjson --claim CLM-PT-02)
lines=$(printf '%s\n' "$text" | wc -l)
echo "CLM-PT-02: $lines lines"
check "the explanation fits in 60 lines ($lines)" '(( lines <= 60 ))'
check "the denial is shown" 'grep -q "DENIED" <<<"$text"'
check "the CARC of the denial" 'grep -q "deny no_kx  CO-119" <<<"$text"'
check "the first alternative of the or" 'grep -q "at most 2410" <<<"$text"'
check "the second alternative of the or" 'grep -q "or the line carries modifier KX" <<<"$text"'
check "no unrelated policy" '! grep -q "NCD 100.1" <<<"$text"'
check "no trace without --trace" '! grep -q "◀ fired" <<<"$text"'

trace=$("$warrant" explain examples examples/claims.ndjson --claim CLM-PT-02 --trace)
tlines=$(printf '%s\n' "$trace" | wc -l)
check "--trace adds the trace ($tlines lines)" '(( tlines > lines )) && grep -q "◀ fired" <<<"$trace"'
check "--trace leaves out elements that did not decide a loop" \
  'grep -q "elements\? that did not decide it" <<<"$trace"'
all=$("$warrant" explain examples examples/claims.ndjson --claim CLM-PT-02 --trace --all-policies)
check "--all-policies lists the rules that did not apply" 'grep -q "rule bmi_35 (NCD 100.1 v5) does not apply" <<<"$all"'

esc=$'\x1b['
tty=$(TERM=xterm script -qec "'$warrant' explain examples examples/claims.ndjson --claim CLM-PT-02" /dev/null)
check "colour on a terminal" '[[ "$tty" == *"$esc"* ]]'
plain=$(NO_COLOR=1 TERM=xterm script -qec "'$warrant' explain examples examples/claims.ndjson --claim CLM-PT-02" /dev/null)
check "no colour under NO_COLOR" '[[ "$plain" != *"$esc"* ]] && grep -q DENIED <<<"$plain"'
check "no colour into a pipe" '[[ "$text" != *"$esc"* ]]'
exit $fail
