#!/usr/bin/env bash
# `warrant report --html` and `warrant diff --html` in a real browser: each page is loaded in an
# iframe of a small harness page whose script, once the frame has loaded, writes layout facts of
# the frame's document into the harness's DOM (how many SVG charts, each chart's rendered box and
# its bars' widths); headless Chromium dumps that DOM and the facts are checked here.
# Usage: report_in_browser.sh <warrant binary> <repo root> <scratch dir>
# Exit 77 (ctest: skipped) only when no Chromium is installed (.ci/setup installs it).
set -euo pipefail
warrant=$1 root=$2 work=$3
# shellcheck source=tests/support/browser.sh
source "$(dirname "${BASH_SOURCE[0]}")/../support/browser.sh"
rm -rf "$work" && mkdir -p "$work"
cd "$root"
"$warrant" run examples examples/claims.ndjson -j 1 --no-progress -o "$work/decisions.ndjson" 2>/dev/null
"$warrant" report "$work/decisions.ndjson" --pack examples --html "$work/report.html"
cp -r examples "$work/new"
sed -i 's/require age >= 45/require age >= 67/' "$work/new/medicare/ncd_210_3_fobt_v2.warrant"
set +e
"$warrant" diff examples "$work/new" examples/claims.ndjson --html "$work/diff.html"
status=$?
set -e
[[ $status == 1 ]] || { echo "diff exited $status, expected 1"; exit 1; }
for page in report diff; do
  if grep -q 'http://\|https://\|<script\|<link\|<img' "$work/$page.html"; then
    echo "$page.html refers to something outside itself or needs a script"
    exit 1
  fi
done

cat > "$work/harness.html" <<'HTML'
<!DOCTYPE html>
<html><body>
<iframe id="r" src="report.html" width="1280" height="4000"></iframe>
<iframe id="d" src="diff.html" width="1280" height="3000"></iframe>
<pre id="facts"></pre>
<script>
function facts(frame) {
  const doc = frame.contentDocument;
  const lines = [];
  const charts = doc.querySelectorAll('svg.chart');
  lines.push(frame.id + ' charts ' + charts.length);
  for (const svg of charts) {
    const box = svg.getBoundingClientRect();
    const bars = Array.from(svg.querySelectorAll('rect'));
    const drawn = bars.filter(r => r.getBoundingClientRect().width >= 1).length;
    const labels = Array.from(svg.querySelectorAll('text.label'))
        .filter(t => t.getBBox().width > 0).length;
    lines.push(frame.id + ' chart ' + svg.id + ' width ' + Math.round(box.width) + ' height ' +
               Math.round(box.height) + ' bars ' + bars.length + ' drawn ' + drawn +
               ' labels ' + labels);
  }
  return lines.join('\n');
}
let loaded = 0;
for (const f of document.querySelectorAll('iframe')) {
  f.addEventListener('load', () => {
    if (++loaded < 2) return;
    document.getElementById('facts').textContent =
        facts(document.getElementById('r')) + '\n' + facts(document.getElementById('d')) + '\nDONE';
  });
}
</script>
</body></html>
HTML

browser_facts "$work/harness.html" "$work/facts.txt" 1400,1600 || {
  echo "--- chromium log"; cat "$work/chromium.log"; exit 1; }
python3 - "$work/facts.txt" <<'PY'
import re, sys
facts = open(sys.argv[1]).read()
fail = []
charts = re.findall(r'(\w) chart (\S+) width (\d+) height (\d+) bars (\d+) drawn (\d+) labels (\d+)', facts)
report = [c for c in charts if c[0] == "r"]
diff = [c for c in charts if c[0] == "d"]
if len(report) < 7:
    fail.append(f"the report shows {len(report)} charts, expected one per table with rows")
if not any(c[1] == "chart-transitions" for c in diff):
    fail.append("the diff page has no transitions chart")
for frame, cid, w, h, bars, drawn, labels in charts:
    if int(w) < 400 or int(h) < 20:
        fail.append(f"{frame} {cid}: rendered {w}x{h}")
    if int(bars) == 0 or int(drawn) == 0 or int(labels) == 0:
        fail.append(f"{frame} {cid}: {bars} bars, {drawn} drawn, {labels} labels")
if fail:
    print("\n".join(fail))
    sys.exit(1)
print(f"report and diff pages rendered: {len(report)} + {len(diff)} charts with drawn bars")
PY
