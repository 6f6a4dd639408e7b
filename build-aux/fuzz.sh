#!/bin/sh
# Runs one libFuzzer target for a while.
#
#   build-aux/fuzz.sh TARGET [SECONDS]     TARGET: model, npy, png, csv or session
#                                          (default 600 s)
#
# Builds build-fuzz/ with clang, seeds a corpus from the fixtures, the demo
# data, tests/malformed, the regression inputs and the ONNX test data, and
# keeps what it finds in build-fuzz/corpus-TARGET and crashes in
# build-fuzz/crashes-TARGET (turn each into a regression test in
# tests/fuzz/regressions/TARGET). A csv input holding a NUL byte is
# SCHEMA NUL TABLE; one without is a table read with the demo schema.
#
# Copyright 2026 The Candor authors
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
cd "$here"
target=${1:?usage: build-aux/fuzz.sh model|npy|png|csv|session [SECONDS]}
seconds=${2:-600}

for p in clang libclang-rt-14-dev; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    apt-get install -y -q --no-install-recommends "$p" >&2
  fi
done
build-aux/setup.sh build >/dev/null
if [ ! -f build-fuzz/build.ninja ]; then
  CC=clang meson setup build-fuzz -Dfuzzing=true -Db_lundef=false >&2
fi
ninja -C build-fuzz "tests/fuzz/fuzz-$target" >&2

corpus=build-fuzz/corpus-$target
crashes=build-fuzz/crashes-$target
mkdir -p "$corpus" "$crashes"
dict=""
case "$target" in
  model)
    find /usr/share/libonnx-testdata/data -name model.onnx -size -200k | head -400 |
      while read -r f; do cp "$f" "$corpus/$(echo "$f" | md5sum | cut -c1-16)"; done
    find tests/data resources/demo -name '*.onnx' -size -300k -exec cp {} "$corpus/" \; 2>/dev/null || true
    ;;
  npy)
    find tests/data -name '*.npy' -size -100k -exec cp {} "$corpus/" \; 2>/dev/null || true
    ;;
  png)
    find resources/demo -name '*.png' -exec cp {} "$corpus/" \; 2>/dev/null || true
    ;;
  csv)
    # Tables alone (read with the demo schema), and schema NUL table pairs.
    head -n 200 resources/demo/hmda.csv >"$corpus/hmda-200.csv"
    head -n 20 resources/demo/fashion-samples/labels.csv >"$corpus/labels-20.csv"
    find tests/malformed -name '*.csv' -size -100k -exec cp {} "$corpus/" \;
    for s in resources/demo/hmda-schema.json tests/malformed/*.json; do
      [ -f "$s" ] || continue
      { cat "$s"; printf '\0'; head -n 30 resources/demo/hmda.csv; } >"$corpus/pair-$(basename "$s" .json)"
    done
    cp tests/fuzz/regressions/csv/* "$corpus/"
    dict=tests/fuzz/csv.dict
    ;;
  session)
    find tests/malformed -name '*.candor' -size -100k -exec cp {} "$corpus/" \;
    cp tests/fuzz/regressions/session/* "$corpus/"
    dict=tests/fuzz/session.dict
    ;;
esac
export ASAN_OPTIONS="detect_leaks=1:allocator_may_return_null=1"
exec "build-fuzz/tests/fuzz/fuzz-$target" "$corpus" -artifact_prefix="$crashes/" \
  ${dict:+-dict="$dict"} -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len=1048576 \
  -print_final_stats=1
