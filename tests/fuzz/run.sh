#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS] - build fuzz_blob with clang (libFuzzer, ASan,
# UBSan) in build-fuzz/ and fuzz the blob readers for SECONDS (default 60),
# one process, starting from tests/fuzz/corpus and tests/fuzz/regressions.
# New inputs go to build-fuzz/fuzz-corpus (the committed corpus is not
# touched); a crash or failed check saves its input in build-fuzz/fuzz-artifacts/
# and the script exits 1 naming it. Turn it into a regression as
# tests/fuzz/README.md says. Env: FL_FUZZ_BUILD (build dir), FL_FUZZ_ARGS
# (extra libFuzzer flags, e.g. "-seed=1").
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
dir=${FL_FUZZ_BUILD:-build-fuzz}
cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DFL_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$dir" --target fuzz_blob -j2 2>&1 | grep -Ev '^\[|^-- ' || true
bin=$dir/tests/fuzz/fuzz_blob
test -x "$bin" || { echo "fuzz: build failed: $bin missing" >&2; exit 1; }
work=$dir/fuzz-corpus
art=$dir/fuzz-artifacts
mkdir -p "$work" "$art"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
log=$dir/fuzz-last.log
echo "fuzz: running $bin for ${secs}s (log: $log)"
set +e
# shellcheck disable=SC2086 # FL_FUZZ_ARGS is a list of flags
"$bin" -max_total_time="$secs" -max_len=4096 -timeout=10 -rss_limit_mb=2048 \
  -malloc_limit_mb=1024 -dict=tests/fuzz/blob.dict -artifact_prefix="$art/" \
  -print_final_stats=1 ${FL_FUZZ_ARGS:-} \
  "$work" tests/fuzz/corpus tests/fuzz/regressions >"$log" 2>&1
rc=$?
set -e
grep -E '^#[0-9]+[[:space:]]+DONE|^stat::' "$log" || tail -n 5 "$log"
if [ $rc -ne 0 ]; then
  echo "fuzz: FAILED (exit $rc); the input and the report:" >&2
  grep -E 'Test unit written to|ERROR:|fuzz_blob:|SUMMARY' "$log" >&2 || tail -n 40 "$log" >&2
  exit 1
fi
echo "fuzz: no finding in ${secs}s"
