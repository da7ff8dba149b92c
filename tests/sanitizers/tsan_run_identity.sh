#!/bin/sh
# tsan_run_identity.sh WARRANT WORK
# `warrant run -j N` under ThreadSanitizer: WARRANT is built with -fsanitize=thread (the tsan
# preset). Runs the examples' claims and a larger file (the claims repeated 200 times, 9,000
# claims, so batches really interleave) with -j 1, 2 and 8; any race report fails the run
# (halt_on_error), and the three outputs must be byte-identical. Run from the repo root.
set -eu
warrant=$1 work=$2
mkdir -p "$work"
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"

"$warrant" build examples/medicare -o "$work/pack.wpk"
: >"$work/large.ndjson"
i=0
while [ $i -lt 200 ]; do
  cat examples/claims.ndjson >>"$work/large.ndjson"
  i=$((i + 1))
done

for input in examples/claims.ndjson "$work/large.ndjson"; do
  for jobs in 1 2 8; do
    "$warrant" run "$work/pack.wpk" "$input" -j $jobs --no-progress -o "$work/j$jobs.ndjson"
  done
  for jobs in 2 8; do
    if ! cmp -s "$work/j1.ndjson" "$work/j$jobs.ndjson"; then
      echo "tsan: run -j 1 and run -j $jobs differ on $input" >&2
      exit 1
    fi
  done
  echo "tsan: $input: $(wc -l <"$work/j1.ndjson") decisions, identical for -j 1, 2 and 8, no races"
done
