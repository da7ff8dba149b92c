#!/usr/bin/env bash
# The HTML explanation, checked in a real browser: `warrant explain --html` writes the report
# for criteria-examples C01-5; headless Chromium loads it and dumps the DOM after its inline
# script ran; the DOM must show the rendered summary, the denial, the history line, the
# computed eligibility date and the source excerpt. A screenshot is taken too (its size is
# checked: a blank page would be tiny).
# Usage: html_in_browser.sh <warrant binary> <repo root> <scratch dir>
# Exit 77 (ctest: skipped) only when no Chromium is installed (.ci/setup installs it).
set -euo pipefail
warrant=$1 root=$2 work=$3
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
  echo "SKIPPED: no Chromium found (Debian package 'chromium'; .ci/setup installs it)"
  exit 77
fi
rm -rf "$work" && mkdir -p "$work"
cd "$root"
"$warrant" explain examples/medicare "$root/tests/explain/fobt_c01_5.json" --html "$work/c01.html"
grep -q 'http://\|https://' "$work/c01.html" && { echo "the report refers to the network"; exit 1; }

flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
       --disable-background-networking --disable-component-update --disable-sync
       --user-data-dir="$work/profile" --window-size=1280,1600)
timeout 120 "$browser" "${flags[@]}" --dump-dom "file://$work/c01.html" > "$work/dom.html" 2> "$work/chromium.log"
timeout 120 "$browser" "${flags[@]}" --screenshot="$work/c01.png" "file://$work/c01.html" \
  >> "$work/chromium.log" 2>&1

fail=0
expect() {  # expect <what> <fixed string>
  if ! grep -qF -- "$2" "$work/dom.html"; then
    echo "missing in the rendered DOM: $1 ($2)"
    fail=1
  fi
}
expect "the inline script ran" 'data-rendered="ok"'
expect "the summary it computed" '1 line: 1 denied'
expect "the line's decision" 'data-decision="denied"'
expect "the history line chosen" 'history #1 (82270 on 2023-03-01, paid)'
expect "the computed eligibility date" 'Why not: eligible from 2024-03-01'
expect "the version in force" 'Policy <b>NCD 210.3</b> version 2'
expect "the source excerpt" 'require last is none or service_date &gt;= month_start(last.date) + 12 months'
size=$(stat -c %s "$work/c01.png" 2>/dev/null || echo 0)
if (( size < 20000 )); then
  echo "the screenshot is missing or blank ($size bytes)"
  fail=1
fi
if (( fail )); then
  echo "--- chromium log"; cat "$work/chromium.log"
  exit 1
fi
echo "the HTML report rendered in $("$browser" --version 2>/dev/null || echo Chromium): all checks passed"
