#!/usr/bin/env bash
# Take a screenshot of a wibrs-check HTML report in headless Chromium, to see the page (and
# its SVG charts) as a browser renders it, with no network.
#
#   bench/screenshot_report.sh REPORT.html [OUT.png] [WIDTHxHEIGHT]
#
# Defaults: OUT.png = REPORT.png beside the report, 1400x2400. Needs Chromium
# (Debian: apt-get update && apt-get install -y chromium). Example, on a generated month:
#
#   python -m wibrs_check.generator.state_month /tmp/month
#   wibrs-check batch /tmp/month --agencies /tmp/month/agency_master.csv -o /tmp/month-report
#   bench/screenshot_report.sh /tmp/month-report/report.html /tmp/report.png
set -euo pipefail
report=${1:?usage: $0 REPORT.html [OUT.png] [WIDTHxHEIGHT]}
out=${2:-${report%.html}.png}
size=${3:-1400x2400}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$browser" ]; then
  echo "chromium not found: apt-get update && apt-get install -y chromium" >&2
  exit 3
fi
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT
abs=$(cd "$(dirname "$report")" && pwd)/$(basename "$report")
out_abs=$(cd "$(dirname "$out")" && pwd)/$(basename "$out")
# --no-sandbox: CI containers run as root; the other switches keep Chromium off the network.
"$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
  --disable-component-update --disable-sync --no-first-run --hide-scrollbars \
  --user-data-dir="$profile" --screenshot="$out_abs" --window-size="${size/x/,}" "file://$abs" 2>"$profile/stderr" \
  || { cat "$profile/stderr" >&2; exit 1; }
test -s "$out_abs" || { echo "no screenshot written" >&2; cat "$profile/stderr" >&2; exit 1; }
echo "$out_abs"
