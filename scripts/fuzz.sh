#!/usr/bin/env bash
# Run one libFuzzer target for SECONDS (docs/testing.md). Seeds: the project's configs/ and
# tests/hostile/ (plus fuzz/corpus/TARGET/ if present), read-only; new inputs go to a scratch
# corpus (FUZZ_CORPUS_DIR/TARGET if set, so `make fuzz` keeps them, else a temporary directory).
# A crash leaves its input as crash-* in the current directory and exits non-zero: copy it into
# tests/hostile/ (or the importer's bad-input fixtures) as a regression test.
# usage: scripts/fuzz.sh FUZZ_BINARY TARGET SECONDS
set -euo pipefail
bin=$1 target=$2 seconds=$3
root=$(cd "$(dirname "$0")/.." && pwd)
if [[ -n ${FUZZ_CORPUS_DIR:-} ]]; then
  work=$FUZZ_CORPUS_DIR/$target
  mkdir -p "$work"
else
  work=$(mktemp -d)
fi
seeds=()
# File seeds go into one directory (libFuzzer takes corpus directories): the project's inputs,
# plus the public cases in ../shared/cases when that folder sits beside the checkout.
seeddir=$(mktemp -d)
trap 'rm -rf "$seeddir"; [[ -z ${FUZZ_CORPUS_DIR:-} ]] && rm -rf "$work"' EXIT
shared=$root/../shared/cases
copy() { for f in "$@"; do [[ -f $f ]] && cp "$f" "$seeddir/" || true; done; }
case $target in
  config) seeds+=("$root/configs" "$root/tests/hostile") ;;
  jobfile) copy "$root"/configs/inputs/*.fio "$shared"/*.fio ;;
  blkparse) copy "$root"/configs/inputs/*blkparse* "$shared"/*blkparse*.txt ;;
  msr) copy "$root"/configs/inputs/*.csv "$shared"/*.csv ;;
  iolog) copy "$root"/configs/inputs/*iolog* ;;
esac
seeds+=("$seeddir")
[[ -d $root/fuzz/corpus/$target ]] && seeds+=("$root/fuzz/corpus/$target")
# -rss_limit_mb / -max_len: the documented input caps keep each input bounded; a slow input
# (over 10 s) counts as a finding too.
"$bin" -max_total_time="$seconds" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
  -print_final_stats=1 -artifact_prefix="${FUZZ_ARTIFACTS:-./}" "$work" "${seeds[@]}"
