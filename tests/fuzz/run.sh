#!/usr/bin/env bash
# tests/fuzz/run.sh [SECONDS [TARGET...]] - build the fuzz targets with clang
# (libFuzzer, ASan, UBSan) in build-fuzz/ and run them one after another, one
# process each (one core).
#   fuzz_blob        the blob readers, for SECONDS (default 60), from
#                    tests/fuzz/corpus and tests/fuzz/regressions;
#   fuzz_geojson, fuzz_gpkg, fuzz_spatialite
#                    the layer readers (fuzz_layer.c), from tests/fuzz/layers/<fmt>;
#                    for SECONDS when named, else for $FL_FUZZ_LAYER_SECS
#                    (default 10) each after fuzz_blob;
#   fuzz_limits      the text of --limit / FL_LIMITS (fuzz_limits.c), from
#                    tests/fuzz/limits, when named.
# New inputs go to build-fuzz/fuzz-corpus[-<target>] (the committed seeds are
# not touched); a crash or failed check saves its input in
# build-fuzz/fuzz-artifacts/ and the script exits 1 naming it. Turn it into a
# regression as tests/fuzz/README.md says. Each run prints its execution count
# (stat::number_of_executed_units). Env: FL_FUZZ_BUILD (build dir),
# FL_FUZZ_ARGS (extra libFuzzer flags, e.g. "-seed=1").
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
shift || true
dir=${FL_FUZZ_BUILD:-build-fuzz}
layer_secs=${FL_FUZZ_LAYER_SECS:-10}
if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=(fuzz_blob fuzz_geojson fuzz_gpkg fuzz_spatialite)
fi
cmake -S . -B "$dir" -DCMAKE_C_COMPILER=clang -DFL_FUZZ=ON \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$dir" --target "${targets[@]}" -j2 2>&1 | grep -Ev '^\[|^-- ' || true
art=$dir/fuzz-artifacts
mkdir -p "$art"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1:allocator_may_return_null=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export TMPDIR=${TMPDIR:-/tmp}

failed=0
for t in "${targets[@]}"; do
  bin=$dir/tests/fuzz/$t
  test -x "$bin" || { echo "fuzz: build failed: $bin missing" >&2; exit 1; }
  case $t in
  fuzz_blob)
    work=$dir/fuzz-corpus
    seeds=(tests/fuzz/corpus tests/fuzz/regressions)
    opts=(-max_len=4096 -dict=tests/fuzz/blob.dict) ;;
  fuzz_geojson)
    seeds=(tests/fuzz/layers/geojson)
    opts=(-max_len=4096 -dict=tests/fuzz/geojson.dict) ;;
  fuzz_gpkg)
    seeds=(tests/fuzz/layers/gpkg)
    opts=(-max_len=16384) ;;
  fuzz_spatialite)
    seeds=(tests/fuzz/layers/sqlite)
    opts=(-max_len=8192) ;;
  fuzz_limits)
    seeds=(tests/fuzz/limits)
    opts=(-max_len=256) ;;
  *) echo "fuzz: unknown target $t" >&2; exit 2 ;;
  esac
  [ "$t" = fuzz_blob ] || work=$dir/fuzz-corpus-$t
  t_secs=$secs
  [ "$t" = fuzz_blob ] || [ $# -gt 0 ] || t_secs=$layer_secs
  mkdir -p "$work"
  log=$dir/fuzz-last-$t.log
  echo "fuzz: running $t for ${t_secs}s (log: $log)"
  set +e
  # shellcheck disable=SC2086 # FL_FUZZ_ARGS is a list of flags
  "$bin" -max_total_time="$t_secs" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=1024 \
    "${opts[@]}" -artifact_prefix="$art/$t-" -print_final_stats=1 ${FL_FUZZ_ARGS:-} \
    "$work" "${seeds[@]}" >"$log" 2>&1
  rc=$?
  set -e
  grep -E '^#[0-9]+[[:space:]]+DONE|^stat::number_of_executed_units' "$log" || tail -n 5 "$log"
  if [ $rc -ne 0 ]; then
    echo "fuzz: $t FAILED (exit $rc); the input and the report:" >&2
    grep -E 'Test unit written to|ERROR:|fuzz_blob:|fuzz_layer|SUMMARY' "$log" >&2 ||
      tail -n 40 "$log" >&2
    # the first stack of the report, and the input itself, so that a finding
    # on a machine whose files are gone (CI) can be rebuilt from its log
    grep -m 24 -E '^[[:space:]]+#[0-9]+ ' "$log" >&2 || true
    unit=$(grep -o 'Test unit written to [^ ]*' "$log" | tail -n 1 | cut -d' ' -f5 || true)
    if [ -n "$unit" ] && [ -f "$unit" ]; then
      echo "fuzz: the input ($(wc -c <"$unit") bytes), base64:" >&2
      head -c 65536 "$unit" | base64 >&2
    fi
    failed=1
  fi
done
[ $failed -eq 0 ] || exit 1
echo "fuzz: no finding"
