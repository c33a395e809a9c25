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
# tests as failed), runs it with a time limit (a test still running then counts as
# failed), and prints passed/total per file and overall. Results also go to
# target/conformance/results.txt.
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
limit="${CONFORMANCE_TIMEOUT:-120}"

if [ $# -gt 0 ]; then
  files=("$@")
else
  files=()
  for f in "$src"/sync_*.rs "$src"/time_*.rs "$src"/task_*.rs "$src"/macros_*.rs \
           "$src"/rt_*.rs "$src"/test_clock.rs "$src"/join_handle_panic.rs "$src"/no_rt.rs; do
    files+=("$(basename "$f" .rs)")
  done
fi

rm -rf "$dir/tests"
mkdir -p "$dir/tests" "$CARGO_TARGET_DIR"
cp -r "$src/support" "$dir/tests/"
for f in "${files[@]}"; do cp "$src/$f.rs" "$dir/tests/"; done

results="$CARGO_TARGET_DIR/results.txt"
: > "$results"
rm -f "$CARGO_TARGET_DIR"/*.run.log.single "$CARGO_TARGET_DIR"/*.run.log.hung
total_pass=0
total_all=0
for f in "${files[@]}"; do
  log="$CARGO_TARGET_DIR/$f.build.log"
  if ! cargo test -q --manifest-path "$dir/Cargo.toml" --test "$f" --no-run > "$log" 2>&1; then
    # Count the tests the file declares, to charge them all as failed.
    n=$(grep -cE '^\s*#\[(tokio::test|test|maybe_tokio_test)' "$dir/tests/$f.rs")
    printf '%-34s %4d/%-4d  does not compile (see %s)\n' "$f" 0 "$n" "$log" | tee -a "$results"
    total_all=$((total_all + n))
    continue
  fi
  bin=$(grep -o "tests/$f\.rs ([^)]*)" "$log" | sed 's/.*(\(.*\))/\1/' | tail -1)
  if [ -z "$bin" ]; then
    bin=$(cargo test --manifest-path "$dir/Cargo.toml" --test "$f" --no-run 2>&1 | grep -o "tests/$f\.rs ([^)]*)" | sed 's/.*(\(.*\))/\1/' | tail -1)
  fi
  n=$("$bin" --list 2>/dev/null | grep -c ': test$')
  out="$CARGO_TARGET_DIR/$f.run.log"
  timeout "$limit" "$bin" --test-threads=2 > "$out" 2>&1
  rc=$?
  pass=$(grep -cE '^test .* \.\.\. ok$' "$out")
  note=""
  if [ $rc -eq 124 ]; then
    # Some test hangs (and blocks the ones queued behind it): run each test that did not
    # report, alone, with a short limit.
    hung=0
    for t in $("$bin" --list 2>/dev/null | grep ': test$' | sed 's/: test$//'); do
      grep -qE "^test $t( - should panic)? \.\.\. (ok|FAILED)$" "$out" && continue
      if timeout "${CONFORMANCE_TEST_TIMEOUT:-10}" "$bin" --exact "$t" >> "$out.single" 2>&1; then
        pass=$((pass + 1))
      else
        hung=$((hung + 1))
        echo "$t" >> "$out.hung"
      fi
    done
    note="  (tests run alone after a time limit; $hung failed or hung)"
  fi
  printf '%-34s %4d/%-4d%s\n' "$f" "$pass" "$n" "$note" | tee -a "$results"
  total_pass=$((total_pass + pass))
  total_all=$((total_all + n))
done
if [ "$total_all" -gt 0 ]; then
  printf 'TOTAL %d/%d passed (%d.%d%%)\n' "$total_pass" "$total_all" \
    $((100 * total_pass / total_all)) $(((1000 * total_pass / total_all) % 10)) | tee -a "$results"
fi
if [ -n "${CONFORMANCE_MIN:-}" ] && [ $((100 * total_pass)) -lt $((CONFORMANCE_MIN * total_all)) ]; then
  echo "pass rate below ${CONFORMANCE_MIN}%" >&2
  exit 1
fi
