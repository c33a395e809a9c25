#!/usr/bin/env bash
# tokio's own integration tests against simloop-tokio under --cfg simloop.
#
#   scripts/tokio-conformance.sh                 # the default selection
#   scripts/tokio-conformance.sh sync_mpsc time_sleep   # some files (names without .rs)
#   CONFORMANCE_MIN=100 scripts/tokio-conformance.sh ...  # exit 1 below that pass rate (%)
#
# Copies the test files of tokio 1.54.1 (and their support/ folder) from the cargo
# registry into tokio/conformance/tests/ (ignored by git: tokio's code is not committed),
# builds each file as its own test binary (a file that does not compile counts all its
# tests as failed), runs it with a time limit, and prints passed/total per file, overall,
# without the tests that use real I/O (named by REAL_IO and REAL_IO_FILES below), and per
# group (sync_, time_, task_, macros_, rt_, io_, others). The default selection is every
# test file of tokio's (files for other platforms or cfgs build to no tests). Each binary
# runs from tokio/conformance/, as `cargo test` would run it. A binary that hangs or dies
# (an abort takes its unreported tests with it) has each unreported test rerun alone with
# a short limit, a hang counting as a failure. Results go to
# target/conformance/results.txt, and each test's outcome (file, test, ok|FAILED) to
# target/conformance/tests.txt.
set -uo pipefail
cd "$(dirname "$0")/.."

src=$(ls -d "${CARGO_HOME:-$HOME/.cargo}"/registry/src/*/tokio-1.54.1/tests 2>/dev/null | head -1)
if [ -z "$src" ]; then
  echo "tokio 1.54.1's sources are not in the cargo registry; run 'cargo fetch' first" >&2
  exit 2
fi
dir=tokio/conformance
export RUSTFLAGS="--cfg simloop"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$PWD/target/conformance}"
# Some sixty test binaries: incremental caches and full debug info would take ~10 GB.
export CARGO_INCREMENTAL="${CARGO_INCREMENTAL:-0}"
export CARGO_PROFILE_DEV_DEBUG="${CARGO_PROFILE_DEV_DEBUG:-line-tables-only}"
limit="${CONFORMANCE_TIMEOUT:-120}"

if [ $# -gt 0 ]; then
  files=("$@")
else
  files=()
  for f in "$src"/*.rs; do
    files+=("$(basename "$f" .rs)")
  done
fi

rm -rf "$dir/tests"
mkdir -p "$dir/tests" "$CARGO_TARGET_DIR"
cp -r "$src/support" "$dir/tests/"
for f in "${files[@]}"; do cp "$src/$f.rs" "$dir/tests/"; done

# Tests that use real network, file, process or stdio I/O, which simloop-tokio does not
# simulate: an extended regex matched against the test's name (its last path segment);
# the names after the first line are tests whose name does not say so (a TcpListener in a
# helper, say).
REAL_IO='tcp|udp|unix|socket|(^|_)fs(_|$)|io_driver|io_notify|stdout|stdin|stderr|client_server'
REAL_IO+='|^(panics_when_no_reactor|io_panics_when_no_tokio_context|spawn_shutdown'
REAL_IO+='|test_is_rt_shutdown_err|yield_defers_until_park|coop_yield_defers_until_park'
REAL_IO+='|current_thread_busy_tick|multi_thread_busy_tick|deadlocks_consistently'
REAL_IO+='|test_basic_transfer|test_transfer_after_close|blocking_one_side_does_not_block_other)$'
# Files all of whose tests use real I/O (sockets, files, processes, signals, the I/O
# driver, stdio), matched against the file name.
REAL_IO_FILES='^(fs|fs_.*|net_.*|tcp_.*|udp|uds_.*|unix_.*|process_.*|signal_.*|buffered'
REAL_IO_FILES+='|io_async_fd|io_driver|io_driver_drop|io_poll_aio|io_std.*)$'

results="$CARGO_TARGET_DIR/results.txt"
outcomes="$CARGO_TARGET_DIR/tests.txt"
: > "$results"
: > "$outcomes"
rm -f "$CARGO_TARGET_DIR"/*.run.log.single "$CARGO_TARGET_DIR"/*.run.log.hung
for f in "${files[@]}"; do
  log="$CARGO_TARGET_DIR/$f.build.log"
  if ! cargo test -q --manifest-path "$dir/Cargo.toml" --test "$f" --no-run > "$log" 2>&1; then
    # Charge every test the file declares as failed (names from the source).
    n=$(grep -cE '^\s*#\[(tokio::test|test|maybe_tokio_test)' "$dir/tests/$f.rs")
    printf '%-34s %4d/%-4d  does not compile (see %s)\n' "$f" 0 "$n" "$log" | tee -a "$results"
    grep -A3 -E '^\s*#\[(tokio::test|test|maybe_tokio_test)' "$dir/tests/$f.rs" \
      | grep -oE 'fn [a-z0-9_]+' | head -"$n" | sed "s/^fn /$f /; s/\$/ FAILED/" >> "$outcomes"
    continue
  fi
  bin=$(grep -o "tests/$f\.rs ([^)]*)" "$log" | sed 's/.*(\(.*\))/\1/' | tail -1)
  if [ -z "$bin" ]; then
    bin=$(cargo test --manifest-path "$dir/Cargo.toml" --test "$f" --no-run 2>&1 | grep -o "tests/$f\.rs ([^)]*)" | sed 's/.*(\(.*\))/\1/' | tail -1)
  fi
  bin=$(realpath "$bin")
  out="$CARGO_TARGET_DIR/$f.run.log"
  # From the crate's folder, as `cargo test` runs a test binary (tokio's tests read files
  # relative to it).
  (cd "$dir" && timeout "$limit" "$bin" --test-threads=2) > "$out" 2>&1
  rc=$?
  note=""
  hung=0
  for t in $("$bin" --list 2>/dev/null | grep ': test$' | sed 's/: test$//'); do
    if grep -qE "^test $t( - should panic)? \.\.\. ok$" "$out"; then
      echo "$f $t ok" >> "$outcomes"
    elif grep -qE "^test $t( - should panic)? \.\.\. FAILED$" "$out" || [ $rc -eq 0 ] || [ $rc -eq 101 ]; then
      echo "$f $t FAILED" >> "$outcomes"
    elif (cd "$dir" && timeout "${CONFORMANCE_TEST_TIMEOUT:-10}" "$bin" --exact "$t") >> "$out.single" 2>&1; then
      # The binary hung or died before reporting this test: it ran alone.
      echo "$f $t ok" >> "$outcomes"
    else
      hung=$((hung + 1))
      echo "$t" >> "$out.hung"
      echo "$f $t FAILED" >> "$outcomes"
    fi
  done
  if [ $rc -ne 0 ] && [ $rc -ne 101 ]; then
    note="  (the binary hung or died (exit $rc): unreported tests run alone; $hung failed or hung)"
  fi
  pass=$(grep -c "^$f .* ok$" "$outcomes")
  n=$(grep -c "^$f " "$outcomes")
  printf '%-34s %4d/%-4d%s\n' "$f" "$pass" "$n" "$note" | tee -a "$results"
done

# passed/total (percent) of the outcomes matching an extended regex on "file test".
rate() {
  local all pass
  all=$(grep -cE "$1" "$outcomes")
  pass=$(grep -E "$1" "$outcomes" | grep -c ' ok$')
  if [ "$all" -gt 0 ]; then
    printf '%d/%d (%d.%d%%)' "$pass" "$all" $((100 * pass / all)) $(((1000 * pass / all) % 10))
  else
    printf '0/0'
  fi
}
total_all=$(wc -l < "$outcomes")
total_pass=$(grep -c ' ok$' "$outcomes")
{
  echo "TOTAL $(rate '.')"
  awk -v io="$REAL_IO" -v files="$REAL_IO_FILES" \
    '{ n = split($2, p, "::"); if (p[n] !~ io && $1 !~ files) print }' "$outcomes" > "$outcomes.noio"
  echo "without real I/O $(outcomes="$outcomes.noio" rate '.')"
  for g in sync time task macros rt io; do
    echo "  $g $(outcomes="$outcomes.noio" rate "^${g}_")"
  done
  grep -vE '^(sync|time|task|macros|rt|io)_' "$outcomes.noio" > "$outcomes.others"
  echo "  others $(outcomes="$outcomes.others" rate '.')"
  # The socket files, counted under real I/O above (the figure stays comparable with
  # earlier rounds') though TCP and UDP are simulated (tokio/src/sim/net/).
  echo "network files (tcp_*, udp, net_*, uds_*, unix_*) $(rate '^(tcp_[a-z_]+|udp|net_[a-z_]+|uds_[a-z_]+|unix_[a-z_]+) ')"
} | tee -a "$results"
if [ -n "${CONFORMANCE_MIN:-}" ] && [ $((100 * total_pass)) -lt $((CONFORMANCE_MIN * total_all)) ]; then
  echo "pass rate below ${CONFORMANCE_MIN}%" >&2
  exit 1
fi
