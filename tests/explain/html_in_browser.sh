#!/usr/bin/env bash
# The HTML explanation, checked in a real browser: `warrant explain --html` writes the report
# for criteria-examples C01-5; headless Chromium loads it and dumps the DOM after its inline
# script ran; the DOM must show the rendered summary, the denial, the history line, the
# computed eligibility date and the source excerpt. A screenshot is taken too (its size is
# checked: a blank page would be tiny). Then the first screen, by layout: the reports of C01-5
# and of the example claim CLM-PT-02 (two therapy lines, 24 history lines) are loaded in
# 1280x800 frames of a harness page whose script writes layout facts into its own DOM: every
# line's row of the contents and its first finding lie within the first 800 px, each row links to
# its line's section, and no details are open.
# Usage: html_in_browser.sh <warrant binary> <repo root> <scratch dir>
# Exit 77 (ctest: skipped) only when no Chromium is installed (.ci/setup installs it).
set -euo pipefail
warrant=$1 root=$2 work=$3
# shellcheck source=tests/support/browser.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/browser.sh"
rm -rf "$work" && mkdir -p "$work"
cd "$root"
"$warrant" explain examples/medicare "$root/tests/explain/fobt_c01_5.json" --html "$work/c01.html"
grep -q 'http://\|https://' "$work/c01.html" && { echo "the report refers to the network"; exit 1; }

flags=("${browser_flags[@]}" --window-size=1280,1600)
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
expect "the computed eligibility date" 'a date of service on or after 2024-03-01'
expect "the version in force" 'Policy <b>NCD 210.3</b> version 2'
expect "the source excerpt" 'require last is none or service_date &gt;= month_start(last.date) + 12 months'
size=$(stat -c %s "$work/c01.png" 2>/dev/null || echo 0)
if (( size < 20000 )); then
  echo "the screenshot is missing or blank ($size bytes)"
  fail=1
fi

"$warrant" explain examples examples/claims.ndjson --claim CLM-PT-02 --html "$work/pt02.html"
cat > "$work/harness.html" <<'HTML'
<!DOCTYPE html>
<html><body>
<iframe id="c01" src="c01.html" width="1280" height="800"></iframe>
<iframe id="pt02" src="pt02.html" width="1280" height="800"></iframe>
<pre id="facts"></pre>
<script>
function facts(frame) {
  const doc = frame.contentDocument;
  const out = [];
  const rows = doc.querySelectorAll('nav.toc tr[data-line]');
  out.push(frame.id + ' lines ' + doc.querySelectorAll('section.line').length + ' rows ' + rows.length);
  for (const row of rows) {
    const link = row.querySelector('a[href^="#line-"]');
    const target = link ? doc.getElementById(link.getAttribute('href').slice(1)) : null;
    const first = row.querySelector('.finding-sum');
    out.push(frame.id + ' row ' + row.dataset.line + ' bottom ' + Math.round(row.getBoundingClientRect().bottom) +
             ' target ' + (target ? target.id : 'none') +
             ' finding ' + (first ? Math.round(first.getBoundingClientRect().top) : 'none'));
  }
  out.push(frame.id + ' open ' + doc.querySelectorAll('details[open]').length +
           ' collapsed ' + doc.querySelectorAll('details').length);
  return out.join('\n');
}
let loaded = 0;
for (const f of document.querySelectorAll('iframe')) {
  f.addEventListener('load', () => {
    if (++loaded < 2) return;
    document.getElementById('facts').textContent =
        facts(document.getElementById('c01')) + '\n' + facts(document.getElementById('pt02')) + '\nDONE';
  });
}
</script>
</body></html>
HTML
browser_facts "$work/harness.html" "$work/layout.txt" || fail=1
python3 - "$work/layout.txt" <<'PY' || fail=1
import re, sys
facts = open(sys.argv[1]).read()
fail = []
for frame, lines, rows in re.findall(r'(\w+) lines (\d+) rows (\d+)', facts):
    if int(rows) != int(lines) or int(lines) == 0:
        fail.append(f"{frame}: {rows} rows in the contents for {lines} lines")
denied = 0
for frame, line, bottom, target, finding in re.findall(
        r'(\w+) row (\d+) bottom (\d+) target (\S+) finding (\S+)', facts):
    if int(bottom) > 800:
        fail.append(f"{frame} line {line}: its row ends at {bottom} px, below the first screen")
    if target != f"line-{line}":
        fail.append(f"{frame} line {line}: the row links to {target}")
    if finding != "none":
        denied += 1
        if int(finding) >= 800:
            fail.append(f"{frame} line {line}: its first finding starts at {finding} px")
if denied < 2:
    fail.append(f"only {denied} lines show a finding in the contents (C01-5 and CLM-PT-02 have one each)")
for frame, opened, total in re.findall(r'(\w+) open (\d+) collapsed (\d+)', facts):
    if int(opened) != 0 or int(total) == 0:
        fail.append(f"{frame}: {opened} of {total} details open")
if fail:
    print("\n".join(fail))
    sys.exit(1)
PY
if (( fail )); then
  echo "--- chromium log"; cat "$work/chromium.log"
  exit 1
fi
echo "the HTML report rendered in $("$browser" --version 2>/dev/null || echo Chromium): all checks passed"
