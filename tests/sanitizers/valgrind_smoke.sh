#!/bin/sh
# valgrind_smoke.sh WARRANT WORK
# The CLI smoke commands under valgrind memcheck (WARRANT: the release build): check, build,
# run, test and disasm on a small example. Any invalid read/write, use of uninitialised memory or
# definite leak exits 99. Memcheck is ~30x slower than native, so inputs stay small, and
# --track-origins (twice the cost) is left for reproducing a report by hand. Run from the
# repo root. The commands that compile name a 16-code CMS zip (read through libzip) rather than
# the full releases examples/warrant.toml names, which would take minutes under memcheck.
set -eu
warrant=$1 work=$2
mkdir -p "$work"
policy=examples/medicare/ncd_210_3_fobt_v2.warrant
terminology=tests/cases/cli/fixtures/zip/cms_2026_dx.zip
head -n 5 examples/claims.ndjson >"$work/claims.ndjson"

memcheck() {
  echo "valgrind: warrant $*"
  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
    "$warrant" "$@" >"$work/out.txt" 2>"$work/err.txt" || {
    rc=$?
    cat "$work/err.txt" >&2
    echo "valgrind: warrant $* exited $rc" >&2
    exit 1
  }
}

memcheck --version
memcheck check "$policy" --terminology "$terminology"
memcheck build "$policy" --terminology "$terminology" -o "$work/pack.wpk"
memcheck run "$work/pack.wpk" "$work/claims.ndjson" --no-progress
memcheck run "$work/pack.wpk" "$work/claims.ndjson" -j 2 --no-progress
memcheck test "$policy" --terminology "$terminology"
memcheck disasm "$work/pack.wpk"
echo "valgrind: 7 commands clean"
