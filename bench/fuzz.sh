#!/usr/bin/env bash
# A long fuzzing campaign over the whole pipeline: the fuzz and layout
# property tests of tests/it (hostile values, odd structures, mutated bytes,
# long runs of text) with fresh random seeds and many more cases than
# `cargo test` runs.
#
#   bench/fuzz.sh [CASES]     cases per target (default 500)
#
# A failure prints its minimal failing input; keep it as a regression test.
# Needs qpdf (Debian package: qpdf) for the `qpdf --check` property.
set -euo pipefail

cases=${1:-500}
root=$(cd "$(dirname "$0")/.." && pwd)
command -v qpdf >/dev/null || { echo "needs qpdf (Debian package: qpdf)" >&2; exit 2; }

start=$(date +%s)
DOSSIER_FUZZ_CASES=$cases cargo test --release --locked --manifest-path "$root/Cargo.toml" \
  --test it -- fuzz:: layout::generated --test-threads 2
echo "fuzz campaign: $cases cases per target (4 targets) in $(( $(date +%s) - start )) s"
