#!/usr/bin/env bash
# Peak memory of a batch at the limits: N copies of the zh-Hant sample
# (default 100), each with two PNGs of 30 million pixels (the 60 million
# an engagement may hold), distinct per engagement, and the worst texts the
# fuzz tests found (long unbreakable runs in the title, a value taller than
# a page in a table row: a risk at the one-paragraph limit of 2,000
# characters), rendered with --jobs 2.
#
#   bench/memory.sh [N]
#
# Prints the peak memory of the default run (worker processes: all of them
# together, and the largest), then of a run in one process (--jobs 1).
set -euo pipefail

n=${1:-100}
root=$(cd "$(dirname "$0")/.." && pwd)
dossier=$root/target/release/dossier
sample=$root/samples/acme-retail
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
[ -x /usr/bin/time ] || { echo "needs GNU time (Debian package: time)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$work" "$n" <<'PY'
import struct, sys, zlib
work, n = sys.argv[1], int(sys.argv[2])
def png(path, shade):
    w, h = 6000, 5000
    def chunk(t, d):
        return struct.pack('>I', len(d)) + t + d + struct.pack('>I', zlib.crc32(t + d) & 0xffffffff)
    row = b'\x00' + bytes([shade % 256, 120, (shade * 7) % 256]) * w
    co = zlib.compressobj(9)
    data = b''.join(co.compress(row) for _ in range(h)) + co.flush()
    with open(path, 'wb') as f:
        f.write(b'\x89PNG\r\n\x1a\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
                + chunk(b'IDAT', data) + chunk(b'IEND', b''))
for i in range(n):
    png(f'{work}/a{i}.png', 2 * i)
    png(f'{work}/b{i}.png', 2 * i + 1)
PY
long_runs="a2Hrm3as9ihOIkNe6Lpn8sQiJhO3dri3m72i8h3MLc6311xM9e990lUm8PhVo6GissUdHDtE95hAl8nubVKGJ2Lk1mP0T95o BnbZukf_E__nBM__rp_::MsYVroJw( J,PJMBt_HSfCoZ,k M7_,_5)"
tall=$(printf '長%.0s' $(seq 1978))
mkdir -p "$work/team"
for i in $(seq 0 $((n - 1))); do
  e=$work/team/e$i
  cp -r "$sample" "$e"
  rm "$e"/diagrams/* "$e"/evidence/*
  mv "$work/a$i.png" "$e/diagrams/architecture.png"
  mv "$work/b$i.png" "$e/evidence/order-latency.png"
  sed -i -e "s/ZP-2026-FL-001/ZP-2026-M$i/" -e 's#diagrams/architecture.svg#diagrams/architecture.png#' \
    -e "s#^  title: \(.*\)#  title: \1 $long_runs#" \
    -e "s#^    description: 促銷尖峰流量超出預估，主資料庫寫入成為瓶頸#&$tall#" "$e/engagement.yaml"
  grep -q '長長長' "$e/engagement.yaml" || { echo "the sample changed: no risk description to lengthen" >&2; exit 1; }
done
. "$root/bench/lib.sh"
with_peak_pss /usr/bin/time -v -o "$work/time.txt" "$dossier" render "$work/team" -o "$work/out" --jobs 2 --quiet
rss_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
wall=$(awk -F'): ' '/Elapsed/ {print $2}' "$work/time.txt")
echo "$n engagements at the pixel and text limits, --jobs 2 (a worker process per job):"
echo "  peak $(($(cat "$work/pss.txt") / 1024)) MiB for all processes together (PSS), $((rss_kib / 1024)) MiB RSS for the largest; wall $wall"
rm -rf "$work/out"
/usr/bin/time -v -o "$work/time.txt" "$dossier" render "$work/team" -o "$work/out" --jobs 1 --quiet
rss_kib=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$work/time.txt")
wall=$(awk -F'): ' '/Elapsed/ {print $2}' "$work/time.txt")
echo "  in one process (--jobs 1): peak RSS $((rss_kib / 1024)) MiB, wall $wall"
