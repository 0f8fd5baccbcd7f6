#!/usr/bin/env bash
# Watch benchmark: from saving the engagement file to the changed PDF on disk.
#
#   bench/watch.sh [ROUNDS]   edits of each kind (default 7), median reported
#
# Environment:
#   TYPST=/path/to/typst      also time `typst watch` on the exported service
#                             report, edited the same way (the typst CLI of the
#                             Typst version dossier embeds:
#                             cargo install typst-cli --version 0.15.1 --locked)
#
# The sample is signed off, so dossier watches with --force. Two edits of
# the zh-Hant sample, each saved like an editor saves (the file
# rewritten in place), alternately forward and back:
#   finding   a figure in finding F-01's description: the service report
#             changes (and the acceptance report, which lists its digest);
#   objective an objective's title: startup, plan, service and acceptance change.
# The time is from the end of the write to the report's new bytes on disk
# (polled every 2 ms): the service report for the finding, the plan for the
# objective.
set -euo pipefail

rounds=${1:-7}
root=$(cd "$(dirname "$0")/.." && pwd)
dossier=${DOSSIER:-$root/target/release/dossier}
sample=$root/samples/acme-retail

[ -n "${DOSSIER:-}" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml"

work=$(mktemp -d)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

cp -r "$sample" "$work/acme"
rm -rf "$work/acme/v1.0"
"$dossier" watch "$work/acme" -o "$work/out" --force > "$work/watch.log" 2>&1 &
pids+=($!)

echo "dossier $("$dossier" --version | cut -d' ' -f2), zh-Hant sample, $(nproc) cores, $rounds edits of each kind"

# save FILE FROM TO TARGET: replaces FROM by TO in FILE (or back), then
# prints the milliseconds until TARGET's bytes change.
measure() {
  python3 - "$@" <<'EOF'
import hashlib, os, sys, time

file, a, b, target, rounds, first = sys.argv[1:7]
rounds = int(rounds)

def digest(path):
    try:
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None

# The first render (or the previous run) must be on disk.
deadline = time.monotonic() + 120
while digest(first) is None:
    if time.monotonic() > deadline:
        sys.exit(f"no {first} after 120 s")
    time.sleep(0.05)
time.sleep(1.0)

times = []
for i in range(rounds):
    text = open(file, encoding="utf-8").read()
    old, new = (a, b) if a in text else (b, a)
    assert text.count(old) == 1, f"{old!r} must occur once in {file}"
    before = digest(target)
    with open(file, "w", encoding="utf-8") as f:
        f.write(text.replace(old, new))
    saved = time.monotonic()
    while True:
        now = digest(target)
        if now is not None and now != before:
            break
        if time.monotonic() - saved > 60:
            sys.exit(f"{target} did not change within 60 s")
        time.sleep(0.002)
    times.append((time.monotonic() - saved) * 1000)
    # Let the rest of the render (the acceptance report, the manifest)
    # finish before the next save.
    time.sleep(1.5)
times.sort()
print(f"{times[len(times) // 2]:.0f} ms median ({times[0]:.0f}–{times[-1]:.0f} ms over {len(times)} saves)")
EOF
}

bundle=$work/out/ZP-2026-FL-001
yaml=$work/acme/engagement.yaml
echo "dossier watch, finding F-01's text → 04-service.pdf:  $(measure "$yaml" "壓力測試至 2,000" "壓力測試至 2,001" "$bundle/04-service.pdf" "$rounds" "$bundle/manifest.json")"
echo "dossier watch, an objective's title → 02-plan.pdf:    $(measure "$yaml" "消除大型促銷期間正式環境的下單逾時" "消除大型促銷期間正式環境的下單超時" "$bundle/02-plan.pdf" "$rounds" "$bundle/manifest.json")"

if [ -n "${TYPST:-}" ]; then
  "$dossier" render "$work/acme" -o "$work/typ" --format typ --only service --quiet
  source=$(find "$work/typ" -name '04-service.typ')
  "$TYPST" watch --font-path "$root/fonts" --ignore-system-fonts "$source" > "$work/typst.log" 2>&1 &
  pids+=($!)
  pdf=${source%.typ}.pdf
  echo "typst watch, the same text in 04-service.typ:        $(measure "$source" "壓力測試至 2,000" "壓力測試至 2,001" "$pdf" "$rounds" "$pdf")"
fi
