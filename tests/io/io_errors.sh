#!/usr/bin/env bash
# I/O failures the golden cases cannot stage (they run the driver on string streams): a full disk
# (/dev/full), a reader that closed the pipe while SIGPIPE is ignored (as Python's subprocess and
# many supervisors leave it). Each must exit 3 (README, exit codes) with E0006 naming the file and
# the system's reason, never 0. And `-o` naming an input must leave the input whole.
# Usage: io_errors.sh <warrant binary> <scratch dir>
set -uo pipefail
warrant=$1 work=$2
rm -rf "$work" && mkdir -p "$work"
cd "$work"

cat > policy.warrant <<'W'
policy "P" version 1 "t" effective 2024-01-01
codeset fobt: hcpcs = [82270, G0328]
rule attained_age applies to line where line.code in fobt {
  require age >= 45 else deny age "screening FOBT requires age 45 or older"
}
W
"$warrant" build policy.warrant -o rules.wpk > /dev/null || { echo "build failed"; exit 1; }
for i in $(seq 1 20000); do
  echo "{\"id\": \"C$i\", \"patient\": {\"birth_date\": \"1950-01-01\"}, \"service_date\": \"2024-03-01\", \"lines\": [{\"code\": \"82270\"}]}"
done > claims.ndjson

fail=0
# expect <name> <exit code> <stderr regex> -- command...   (stdout is the caller's redirection)
expect() {
  local name=$1 want=$2 pattern=$3
  shift 4
  "$@" 2> "$work/stderr" > "$work/stdout"
  check "$name" "$?" "$want" "$pattern"
}
check() {
  local name=$1 got=$2 want=$3 pattern=$4
  if [[ "$got" != "$want" ]] || ! grep -qE -- "$pattern" "$work/stderr"; then
    echo "FAIL $name: exit $got (expected $want), stderr:"
    sed 's/^/    /' "$work/stderr"
    echo "    (expected to match: $pattern)"
    fail=1
  else
    echo "ok   $name"
  fi
}

# 1. Write errors.
expect "run -o /dev/full" 3 'error\[E0006\]: cannot write `/dev/full`: No space left on device' -- \
  "$warrant" run rules.wpk claims.ndjson -o /dev/full
for args in "run rules.wpk claims.ndjson" "run -j 2 rules.wpk claims.ndjson" \
            "explain --json rules.wpk claims.ndjson" "disasm rules.wpk" "check policy.warrant" \
            "lint policy.warrant"; do
  # shellcheck disable=SC2086
  "$warrant" $args > /dev/full 2> "$work/stderr"
  check "$args > /dev/full" "$?" 3 'error\[E0006\]: cannot write `<stdout>`: No space left on device'
done
"$warrant" fmt - < policy.warrant > /dev/full 2> "$work/stderr"
check "fmt - > /dev/full" "$?" 3 'cannot write `<stdout>`: No space left on device'
expect "build -o /dev/full" 3 'cannot write `/dev/full`: No space left on device' -- \
  "$warrant" build policy.warrant -o /dev/full
# A pipe whose reader is gone before the first write, with SIGPIPE ignored as Python's
# subprocess leaves it for its children: every write fails with EPIPE, however small the output.
closed_pipe() {
  python3 -c '
import os, subprocess, sys
r, w = os.pipe()
os.close(r)
p = subprocess.run(sys.argv[1:], stdout=w, stderr=open(os.environ["STDERR_FILE"], "wb"),
                   restore_signals=False)
sys.exit(p.returncode)' "$@"
}
for args in "run rules.wpk claims.ndjson" "run -j 2 rules.wpk claims.ndjson" \
            "explain --json rules.wpk claims.ndjson" "disasm rules.wpk" "check policy.warrant"; do
  # shellcheck disable=SC2086
  STDERR_FILE="$work/stderr" closed_pipe "$warrant" $args
  check "$args | (closed pipe)" "$?" 3 'cannot write `<stdout>`: Broken pipe'
done

# 3. `-o` naming an input is refused before anything is opened: the input stays whole.
before=$(cksum < claims.ndjson; cksum < rules.wpk)
expect "run -o <the claims file>" 2 'names the input `claims.ndjson`' -- \
  "$warrant" run rules.wpk claims.ndjson -o claims.ndjson
expect "run -o <the pack>" 2 'names the input `rules.wpk`' -- \
  "$warrant" run rules.wpk claims.ndjson -o ./rules.wpk
ln -f claims.ndjson hardlink.ndjson
expect "run -o <a hard link to the claims file>" 2 'names the input `claims.ndjson`' -- \
  "$warrant" run rules.wpk claims.ndjson -o hardlink.ndjson
if [[ "$(cksum < claims.ndjson; cksum < rules.wpk)" != "$before" ]]; then
  echo "FAIL the claims file or the pack changed"
  fail=1
fi

exit $fail
