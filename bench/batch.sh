#!/usr/bin/env bash
# Batch benchmark: dossier against the typst CLI on the same Typst sources.
#
#   bench/batch.sh [N]        N engagements (default 100) made from the zh-Hant sample
#
# Environment:
#   TYPST=/path/to/typst      the typst CLI to compare with (default: `typst` on PATH);
#                             it should be the Typst version dossier embeds:
#                             cargo install typst-cli --version 0.15.1 --locked
#   BASELINE=0                skip the typst CLI run (memory-only runs, e.g. N=300)
#   SIGN=0                    skip the signing runs
#   PAIRS=3                   alternating pairs: dossier/typst CLI, unsigned/signed
#
# Prints the wall time of dossier (one command; a worker process per core)
# and of the typst CLI (one process per document, as many at a time as
# there are cores), their ratio, dossier's CPU/wall and the largest process's
# peak RSS (medians of alternating pairs), the peak memory of all its
# processes together (PSS, in a separate run), the overhead of signing
# every final, incremental renders (unchanged, one engagement changed,
# --force), one engagement from a cold process, and dossier's per-stage
# times (summed over its worker processes).
set -euo pipefail

n=${1:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
dossier=$root/target/release/dossier
sample=$root/samples/acme-retail
sample_id=ZP-2026-FL-001

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
[ -x /usr/bin/time ] || { echo "needs GNU time (Debian package: time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
. "$root/bench/lib.sh"
mkdir -p "$work/team"
for i in $(seq -w 1 "$n"); do
  # Each a directory with the sample's images, as engineers keep them.
  cp -r "$sample" "$work/team/BENCH-$i"
  rm -rf "$work/team/BENCH-$i/v1.0"
  sed "s/$sample_id/BENCH-$i/g" "$sample/engagement.yaml" > "$work/team/BENCH-$i/engagement.yaml"
done

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l | xargs printf '%.2f'; }

echo "dossier $("$dossier" --version | cut -d' ' -f2), $n engagements ($((n * 5)) reports), $(nproc) cores"

# dossier (one process for the whole batch) and, unless BASELINE=0, the
# typst CLI on the same sources, alternately (the machine is noisy): the
# median of the pairs' ratios, dossier's CPU time over wall time (how much of
# the cores it keeps busy) and its peak RSS.
typst=
if [ "${BASELINE:-1}" != 0 ]; then
  typst=${TYPST:-$(command -v typst || true)}
  if [ -z "$typst" ] || [ ! -x "$typst" ]; then
    echo "typst CLI not found: set TYPST=… or BASELINE=0" >&2
    exit 2
  fi
  # The same Typst sources dossier compiles, written out.
  "$dossier" render "$work/team" -o "$work/typ" --format typ --quiet
  find "$work/typ" -name '[0-9][0-9]-*.typ' | sort > "$work/sources.txt"
  echo "typst CLI: $("$typst" --version), one process per document, xargs -P$(nproc)"
fi
for pair in $(seq 1 "${PAIRS:-3}"); do
  rm -rf "$work/out"
  start=$(now)
  /usr/bin/time -v -o "$work/time.txt" "$dossier" render "$work/team" -o "$work/out" --quiet
  dossier_wall=$(secs "$start" "$(now)")
  cpu=$(awk -F': ' '/User time|System time/ {s += $2} END {print s}' "$work/time.txt")
  rss_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
  typst_wall=0
  if [ -n "$typst" ]; then
    find "$work/typ" -name '*.pdf' -delete
    start=$(now)
    xargs -P"$(nproc)" -I{} "$typst" compile --font-path "$root/fonts" --ignore-system-fonts {} < "$work/sources.txt"
    typst_wall=$(secs "$start" "$(now)")
  fi
  echo "$(echo "$typst_wall / $dossier_wall" | bc -l) $dossier_wall $typst_wall $(echo "$cpu / $dossier_wall" | bc -l) $((rss_kib / 1024))"
done | sort -n > "$work/pairs.txt"
awk -v typst="$typst" '{ a[NR] = $0; if ($5 > rss) rss = $5 } END {
  split(a[int((NR + 1) / 2)], m, " ");
  printf "dossier render:   %s s wall, CPU/wall %.2f of %d cores, peak RSS %d MiB of the largest process (median pair of %d)\n", m[2], m[4], '"$(nproc)"', rss, NR;
  if (typst != "") {
    printf "typst compile:    %s s wall\n", m[3];
    printf "throughput ratio: %.2f× in dossier'"'"'s favour (median of %d alternating pairs)\n", m[1], NR;
  } }' "$work/pairs.txt"

# Memory, in a run of its own: reading a process's memory map holds up its
# page faults, so sampling would slow the timed runs.
rm -rf "$work/out"
with_peak_pss "$dossier" render "$work/team" -o "$work/out" --quiet
echo "dossier memory:   peak $(($(cat "$work/pss.txt") / 1024)) MiB for all its processes together (PSS, sampled every 200 ms)"

# Incremental renders (median of three runs each): the whole batch into an
# empty folder, the same batch again (every bundle up to date), one
# engagement changed, and --force (everything rendered again). The changed
# engagement has no sign-off, so that its bundle may change.
sed -i '/^  signoff:/,/^    reference: "Message-ID/d' "$work/team/BENCH-$(seq -w 1 "$n" | head -1)/engagement.yaml"
changed=$work/team/BENCH-$(seq -w 1 "$n" | head -1)/engagement.yaml
median3() { sort -n | sed -n 2p; }
full=$(for run in 1 2 3; do
  rm -rf "$work/inc"; start=$(now)
  "$dossier" render "$work/team" -o "$work/inc" --quiet; secs "$start" "$(now)"; echo
done | median3)
unchanged=$(for run in 1 2 3; do
  start=$(now); "$dossier" render "$work/team" -o "$work/inc" --quiet; secs "$start" "$(now)"; echo
done | median3)
one=$(for run in 1 2 3; do
  sed -i "0,/^  title: /s/^  title: .*/  title: 臻品數位零售電商平臺全鏈路專家服務（第 $run 版）/" "$changed"
  start=$(now); "$dossier" render "$work/team" -o "$work/inc" --quiet; secs "$start" "$(now)"; echo
done | median3)
forced=$(for run in 1 2 3; do
  start=$(now); "$dossier" render "$work/team" -o "$work/inc" --quiet --force; secs "$start" "$(now)"; echo
done | median3)
pct() { echo "$1 / $full * 100" | bc -l | xargs printf '%.1f'; }
echo "incremental:      full $full s; unchanged $unchanged s ($(pct "$unchanged") %); one changed $one s ($(pct "$one") %); --force $forced s ($(pct "$forced") %) (medians of 3)"

# Signing: the same batch signed with a throwaway P-256 key, in alternating
# pairs with the unsigned render (the machine is noisy); the median overhead.
if [ "${SIGN:-1}" != 0 ] && command -v openssl >/dev/null; then
  pki=$work/pki
  mkdir -p "$pki"
  touch "$pki/index.txt"
  echo 1000 > "$pki/serial"
  printf '%s\n' "[ca]" "default_ca=d" "[d]" "database=$pki/index.txt" "new_certs_dir=$pki" \
    "serial=$pki/serial" "default_md=sha256" "policy=p" "unique_subject=no" "[p]" "commonName=supplied" \
    "[req]" "distinguished_name=n" "[n]" "[s]" "keyUsage=critical,digitalSignature,nonRepudiation" > "$pki/ca.cnf"
  openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$pki/sign.key" 2>/dev/null
  openssl req -new -config "$pki/ca.cnf" -key "$pki/sign.key" -subj /CN=bench -out "$pki/sign.csr"
  openssl ca -batch -config "$pki/ca.cnf" -selfsign -keyfile "$pki/sign.key" -in "$pki/sign.csr" \
    -out "$pki/sign.pem" -notext -extensions s -startdate 20200101000000Z -enddate 20401231000000Z 2>/dev/null
  for pair in $(seq 1 "${PAIRS:-3}"); do
    rm -rf "$work/out"
    start=$(now)
    "$dossier" render "$work/team" -o "$work/out" --quiet
    plain=$(secs "$start" "$(now)")
    rm -rf "$work/out"
    start=$(now)
    "$dossier" render "$work/team" -o "$work/out" --quiet --sign-key "$pki/sign.key" --sign-cert "$pki/sign.pem"
    signed=$(secs "$start" "$(now)")
    echo "$(echo "($signed / $plain - 1) * 100" | bc -l) $plain $signed"
  done | sort -n | awk '{ a[NR] = $0 } END { split(a[int((NR + 1) / 2)], m, " ");
    printf "signing overhead: %+.1f %% wall (median of %d pairs; %s s unsigned, %s s signed)\n", m[1], NR, m[2], m[3] }'
fi

# One engagement, five reports, from a cold process (median of five).
for run in 1 2 3 4 5; do
  rm -rf "$work/cold"
  start=$(now)
  "$dossier" render "$root/samples/acme-retail" -o "$work/cold" --quiet
  secs "$start" "$(now)"
  echo
done | sort -n | sed -n 3p | xargs printf 'cold, one engagement: %s s wall (median of 5)\n'

# Where the time goes, on all cores.
echo "stages (--timings, $n engagements):"
rm -rf "$work/out"
"$dossier" render "$work/team" -o "$work/out" --quiet --timings 2>&1 | sed 's/^/  /'
