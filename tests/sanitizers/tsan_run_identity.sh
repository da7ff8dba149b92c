#!/bin/sh
# tsan_run_identity.sh WARRANT WORK
# `warrant run -j N` under ThreadSanitizer: WARRANT is built with -fsanitize=thread (the tsan
# preset). Runs the examples' claims and a larger file (the claims repeated 200 times, 9,000
# claims, so chunks really interleave) with -j 1, 2 and 8, and claims whose decision records
# outgrow a chunk's 1 MiB of output (so workers spill them in turn); any race report fails the
# run (halt_on_error), and the three outputs must be byte-identical. Run from the repo root.
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

# 60 rules that deny every line of a 400-line claim: 24,000 findings, ~5 MB of records a claim.
{
  printf 'policy "S" version 1 "spill" effective 2024-01-01\nreason r = CO-50 "no"\n'
  printf 'codeset fobt: hcpcs = [82270]\n'
  i=0
  while [ $i -lt 60 ]; do
    printf 'rule r%d applies to line where line.code in fobt {\n  require age >= 200 else deny r "no"\n}\n' $i
    i=$((i + 1))
  done
} >"$work/spill.warrant"
"$warrant" build "$work/spill.warrant" -o "$work/spill.wpk"
lines=$(i=0; while [ $i -lt 400 ]; do [ $i -gt 0 ] && printf ','; printf '{"code":"82270"}'; i=$((i + 1)); done)
: >"$work/spill.ndjson"
i=0
while [ $i -lt 6 ]; do
  printf '{"id":"S%d","patient":{"birth_date":"1950-01-01"},"service_date":"2025-03-10","lines":[%s]}\n' $i "$lines" >>"$work/spill.ndjson"
  i=$((i + 1))
done

for input in examples/claims.ndjson "$work/large.ndjson" "$work/spill.ndjson"; do
  pack="$work/pack.wpk"
  [ "$input" = "$work/spill.ndjson" ] && pack="$work/spill.wpk"
  for jobs in 1 2 8; do
    "$warrant" run "$pack" "$input" -j $jobs --no-progress -o "$work/j$jobs.ndjson"
  done
  for jobs in 2 8; do
    if ! cmp -s "$work/j1.ndjson" "$work/j$jobs.ndjson"; then
      echo "tsan: run -j 1 and run -j $jobs differ on $input" >&2
      exit 1
    fi
  done
  echo "tsan: $input: $(wc -l <"$work/j1.ndjson") decisions, identical for -j 1, 2 and 8, no races"
done

# --explain: the workers' first explanations build the engine's span texts at once (Engine::
# SpanTables, made when first asked for).
for jobs in 1 8; do
  "$warrant" run "$work/pack.wpk" "$work/large.ndjson" -j $jobs --no-progress --explain \
    -o "$work/e$jobs.ndjson"
done
if ! cmp -s "$work/e1.ndjson" "$work/e8.ndjson"; then
  echo "tsan: run --explain -j 1 and -j 8 differ" >&2
  exit 1
fi
echo "tsan: run --explain: $(wc -l <"$work/e1.ndjson") decisions, identical for -j 1 and 8, no races"

# A history store: a batch's claims are written on a thread of their own while the next batch is
# decided (runtime/history/sqlite_history.h). The large file's claims come back 200 times, so the
# writes meet claim ids stored before; a second run over the same store reads them all back.
for jobs in 1 2; do
  rm -f "$work/h$jobs.db" "$work/h$jobs.db-wal" "$work/h$jobs.db-shm"
  "$warrant" run "$work/pack.wpk" "$work/large.ndjson" -j $jobs --no-progress --history "$work/h$jobs.db" \
    -o "$work/h$jobs.ndjson"
  "$warrant" run "$work/pack.wpk" "$work/large.ndjson" -j $jobs --no-progress --history "$work/h$jobs.db" \
    -o "$work/h$jobs-again.ndjson"
done
for f in h1 h1-again; do
  g=$(echo $f | sed 's/h1/h2/')
  if ! cmp -s "$work/$f.ndjson" "$work/$g.ndjson"; then
    echo "tsan: run --history -j 1 and -j 2 differ ($f)" >&2
    exit 1
  fi
done
echo "tsan: run --history: $(wc -l <"$work/h1.ndjson") decisions, twice over one store, identical for -j 1 and 2, no races"
