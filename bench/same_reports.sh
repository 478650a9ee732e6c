#!/usr/bin/env bash
# Checks that an optimisation kept iosim's semantics: two builds must give byte-identical reports
# apart from the `engine` section on every config in configs/, for several seeds and under the
# weak memory model and the legacy ioc API too.
# usage: bench/same_reports.sh OLD_IOSIM NEW_IOSIM [SEEDS...]   (default seeds: 1 2 3)
set -euo pipefail
old=$1 new=$2
shift 2
[[ $# -gt 0 ]] && seeds=("$@") || seeds=(1 2 3)
dir=$(cd "$(dirname "$0")/.." && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# The raw bytes with the engine object blanked (as tests/cli/test_cli.py does).
strip() { /usr/bin/python3 -c 'import re,sys; print(re.sub(r"\"engine\": \{[^}]*\}", "\"engine\": {}", open(sys.argv[1]).read()))' "$1"; }
n=0 bad=0
for cfg in "$dir"/configs/*.json; do
  for variant in "" "--set kernel.memory_model=weak" "--set kernel.ioc_api=legacy"; do
    for s in "${seeds[@]}"; do
      [[ -n $variant && $s != "${seeds[0]}" ]] && continue # variants on the first seed only
      # shellcheck disable=SC2086
      "$old" run "$cfg" --seed "$s" $variant --out "$tmp/a.json" >/dev/null 2>&1
      # shellcheck disable=SC2086
      "$new" run "$cfg" --seed "$s" $variant --out "$tmp/b.json" >/dev/null 2>&1
      n=$((n + 1))
      if [[ "$(strip "$tmp/a.json")" != "$(strip "$tmp/b.json")" ]]; then
        echo "DIFFERENT: $(basename "$cfg") seed $s $variant"
        bad=$((bad + 1))
      fi
    done
  done
done
echo "same_reports: $n runs compared, $bad different"
[[ $bad -eq 0 ]]
