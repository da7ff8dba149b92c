#!/bin/sh
# run_fuzzer.sh FUZZER MAX_LEN WORK REGRESSIONS SEEDS...
# Replays every committed regression input once (each must run clean), then fuzzes for
# $WARRANT_FUZZ_SECONDS seconds (default 20) starting from the seed directories (read
# recursively). New corpus entries and any crash go under WORK (the build tree), never into the
# source tree: a crash is reported with the path of the input that reproduces it, to be committed
# under REGRESSIONS with its fix. Exits non-zero on any crash, leak, sanitizer report or timeout.
set -eu
fuzzer=$1 max_len=$2 work=$3 regressions=$4
shift 4
seconds=${WARRANT_FUZZ_SECONDS:-20}
mkdir -p "$work/corpus" "$work/artifacts"

# Each regression input is a file of its own (the directory keeps a .keep file, not replayed).
found=$(find "$regressions" -type f ! -name .keep | sort)
if [ -n "$found" ]; then
  echo "replaying $(echo "$found" | wc -l) regression inputs from $regressions"
  # shellcheck disable=SC2086 # file names are hashes: no spaces
  "$fuzzer" -timeout=20 -rss_limit_mb=2048 $found
fi

echo "fuzzing for ${seconds}s (set WARRANT_FUZZ_SECONDS to change) from: $*"
exec "$fuzzer" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len="$max_len" \
  -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" "$@"
