# Headless Chromium for the HTML tests (tests/explain/html_in_browser.sh,
# tests/views/report_in_browser.sh), sourced. Sets `browser` or exits 77 (ctest: skipped) when
# none is installed, and gives the flags both use and a page-to-facts step:
#   browser_facts <harness.html> <out.txt> [window size]
# loads a harness page whose script writes layout facts of its iframes into <pre id="facts">,
# ending them with DONE, and writes those facts (without the DONE) to out.txt; it fails, with the
# browser's log, when the harness did not finish. The caller sets `work` (its scratch dir).
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [[ -z "$browser" ]]; then
  echo "SKIPPED: no Chromium found (Debian package 'chromium'; .ci/setup installs it)"
  exit 77
fi

# No network, no first-run work, a profile of its own in the scratch dir.
browser_flags=(--headless --no-sandbox --disable-gpu --disable-quic --no-first-run
               --disable-background-networking --disable-component-update --disable-sync
               --user-data-dir="$work/profile")

browser_facts() {
  local page=$1 out=$2 size=${3:-1280,1600}
  timeout 120 "$browser" "${browser_flags[@]}" --window-size="$size" \
    --allow-file-access-from-files --run-all-compositor-stages-before-draw \
    --virtual-time-budget=10000 --dump-dom "file://$page" > "$out.dom" 2>> "$work/chromium.log"
  python3 - "$out.dom" "$out" <<'PY'
import re, sys
dom = open(sys.argv[1]).read()
m = re.search(r'<pre id="facts">(.*?)</pre>', dom, re.S)
facts = m.group(1) if m else ""
open(sys.argv[2], "w").write(facts.replace("DONE", "").strip() + "\n")
print(facts)
if "DONE" not in facts:
    print("the harness did not record the frames' layout")
    sys.exit(1)
PY
}
