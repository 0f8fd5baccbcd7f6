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
#   PAIRS=3                   unsigned/signed pairs for the signing overhead
#
# Prints the wall time of dossier (one process, all cores) and of the typst
# CLI (one process per document, two at a time), their ratio, dossier's peak
# RSS, the overhead of signing every final (median of alternating pairs),
# one engagement from a cold process, and dossier's per-stage times.
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
mkdir -p "$work/team"
for i in $(seq -w 1 "$n"); do
  # Each a directory with the sample's images, as engineers keep them.
  cp -r "$sample" "$work/team/BENCH-$i"
  sed "s/$sample_id/BENCH-$i/g" "$sample/engagement.yaml" > "$work/team/BENCH-$i/engagement.yaml"
done

now() { date +%s.%N; }
secs() { echo "$2 - $1" | bc -l | xargs printf '%.2f'; }

echo "dossier $("$dossier" --version | cut -d' ' -f2), $n engagements ($((n * 5)) reports), $(nproc) cores"

# dossier: one process for the whole batch.
start=$(now)
/usr/bin/time -v "$dossier" render "$work/team" -o "$work/out" --quiet 2> "$work/time.txt"
dossier_wall=$(secs "$start" "$(now)")
rss_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
echo "dossier render:   ${dossier_wall} s wall, peak RSS $((rss_kib / 1024)) MiB"

if [ "${BASELINE:-1}" != 0 ]; then
  typst=${TYPST:-$(command -v typst || true)}
  if [ -z "$typst" ] || [ ! -x "$typst" ]; then
    echo "typst CLI not found: set TYPST=… or BASELINE=0" >&2
    exit 2
  fi
  # The same Typst sources dossier compiles, written out.
  "$dossier" render "$work/team" -o "$work/typ" --format typ --quiet
  find "$work/typ" -name '[0-9][0-9]-*.typ' | sort > "$work/sources.txt"
  start=$(now)
  xargs -P2 -I{} "$typst" compile --font-path "$root/fonts" --ignore-system-fonts {} < "$work/sources.txt"
  typst_wall=$(secs "$start" "$(now)")
  echo "typst compile:    ${typst_wall} s wall ($("$typst" --version), one process per document, xargs -P2)"
  echo "throughput ratio: $(echo "$typst_wall / $dossier_wall" | bc -l | xargs printf '%.2f')× in dossier's favour"
fi

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
