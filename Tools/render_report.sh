#!/bin/sh
# Renders a ledger's goal report as HTML and looks at it the way a person would: a PNG screenshot
# and an A4 PDF, made with headless Chromium (Debian: apt-get install -y chromium).
#
# Usage: Tools/render_report.sh LEDGER_DIR DATE OUT.png [KNOWN_AT]
#   Writes OUT.html (the report), OUT.png (a 1240 px wide screenshot) and OUT.pdf (printed on A4).
#   The binary is $CASELEDGER, else .build/debug/caseledger.
# Exit status: 0 success, 1 a step failed, 2 usage.
set -eu

if [ $# -lt 3 ] || [ $# -gt 4 ]; then
    echo "usage: $0 LEDGER_DIR DATE OUT.png [KNOWN_AT]" >&2
    exit 2
fi
ledger=$1
date=$2
png=$3
known_at=${4:-}

case $png in
    *.png) base=${png%.png} ;;
    *) echo "$0: OUT must end in .png: $png" >&2; exit 2 ;;
esac

caseledger=${CASELEDGER:-.build/debug/caseledger}
if [ ! -x "$caseledger" ]; then
    echo "$0: no caseledger binary at $caseledger (build it, or set CASELEDGER)" >&2
    exit 1
fi

chromium=""
for candidate in chromium chromium-browser; do
    if command -v "$candidate" >/dev/null 2>&1; then chromium=$candidate; break; fi
done
if [ -z "$chromium" ]; then
    echo "$0: chromium is not installed (apt-get update && apt-get install -y chromium)" >&2
    exit 1
fi

html=$base.html
pdf=$base.pdf
if [ -n "$known_at" ]; then
    "$caseledger" report "$ledger" --at "$date" --known-at "$known_at" --html "$html"
else
    "$caseledger" report "$ledger" --at "$date" --html "$html"
fi

# Chromium wants an absolute file:// address.
case $html in
    /*) url=file://$html ;;
    *) url=file://$(pwd)/$html ;;
esac
case $png in /*) png_abs=$png ;; *) png_abs=$(pwd)/$png ;; esac
case $pdf in /*) pdf_abs=$pdf ;; *) pdf_abs=$(pwd)/$pdf ;; esac

# A private profile directory, so runs do not share or leave browser state behind.
profile=$(mktemp -d)
trap 'rm -rf "$profile"' EXIT

flags="--headless --no-sandbox --disable-gpu --hide-scrollbars --user-data-dir=$profile --no-first-run --disable-extensions"
# Chromium writes harmless warnings (dbus, GPU) on standard error; keep them out of the way
# unless a step fails.
log=$profile/chromium.log
if ! $chromium $flags --screenshot="$png_abs" --window-size=1240,3500 "$url" >"$log" 2>&1; then
    cat "$log" >&2
    echo "$0: the screenshot failed" >&2
    exit 1
fi
if ! $chromium $flags --no-pdf-header-footer --print-to-pdf="$pdf_abs" "$url" >"$log" 2>&1; then
    cat "$log" >&2
    echo "$0: printing to PDF failed" >&2
    exit 1
fi
echo "wrote $html, $png_abs and $pdf_abs" >&2
