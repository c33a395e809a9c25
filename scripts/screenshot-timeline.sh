#!/usr/bin/env bash
# Renders a scenario's HTML timeline in headless Chromium and saves a PNG, to check by eye
# that the page is readable (the chart is drawn by the page's script, so the browser runs
# it before the capture). Not part of CI.
#
#   scripts/screenshot-timeline.sh [SCENARIO] [OUT.png] [extra `sim run` flags...]
#   scripts/screenshot-timeline.sh scripts/timeline-10k-tasks.toml target/timeline-10k.png
#
# Installs Debian's chromium package when no chromium is on PATH (needs root and apt).
set -euo pipefail
cd "$(dirname "$0")/.."
scenario=${1:-scenarios/cancellation.toml}
png=${2:-target/timeline.png}
shift $(( $# > 2 ? 2 : $# ))
browser=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$browser" ]; then
  echo "installing Debian's chromium package..." >&2
  apt-get install -y chromium >&2
  browser=$(command -v chromium)
fi
html=$(mktemp --suffix=.html)
profile=$(mktemp -d)
trap 'rm -rf "$html" "$profile"' EXIT
# The run may fail its expectations (bug zoo); the page is still worth looking at.
cargo run -q -p simloop-cli --bin sim -- run "$scenario" --format html --out "$html" "$@" || true
mkdir -p "$(dirname "$png")"
"$browser" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
  --disable-background-networking --disable-component-update --disable-sync \
  --user-data-dir="$profile" --hide-scrollbars --window-size=${WINDOW_SIZE:-1400,900} \
  --virtual-time-budget=10000 --run-all-compositor-stages-before-draw \
  --screenshot="$(realpath -m "$png")" "file://$html" >&2 2>/dev/null
echo "wrote $png ($(stat -c %s "$html") bytes of HTML)"
