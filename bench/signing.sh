#!/usr/bin/env bash
# Signing benchmark: what trusted time and long-term validation cost.
#
#   bench/signing.sh [RUNS]    RUNS renders of each kind (default 5)
#
# Environment:
#   DOSSIER_PYTHON=…/python    a Python with pyHanko and cryptography, for the
#                              test PKI's services (tools/pki.py); .ci/run
#                              makes one
#
# Renders the zh-Hant sample's bundle (five reports, each final signed) with
# a throwaway P-256 signer: B-B (a signature), B-T (--tsa, a time-stamp from
# an authority on 127.0.0.1), B-LT (--tsa --ltv, and OCSP responses from a
# responder on 127.0.0.1); then `dossier timestamp` on the B-LT bundle
# (B-LTA). Prints the median wall time of each and the extra time per
# bundle of --tsa and --ltv over B-B: dossier's own work plus the round
# trips to local services, the floor of what public ones cost.
set -euo pipefail

runs=${1:-5}
root=$(cd "$(dirname "$0")/.." && pwd)
dossier=$root/target/release/dossier
python=${DOSSIER_PYTHON:-python3}
"$python" -c "import pyhanko, cryptography" 2>/dev/null || {
  echo "needs pyHanko: set DOSSIER_PYTHON to a Python that has it" >&2
  exit 2
}

cargo build --release --quiet --manifest-path "$root/Cargo.toml"
work=$(mktemp -d)
pki=$work/pki
mkdir -p "$pki"
"$python" "$root/tools/pki.py" "$pki" > "$work/port" &
services=$!
trap 'kill $services 2>/dev/null; rm -rf "$work"' EXIT
while [ ! -s "$work/port" ]; do sleep 0.1; done
port=$(cat "$work/port")
url=http://127.0.0.1:$port

: > "$pki/index.txt"
echo 1000 > "$pki/serial"
cat > "$pki/ca.cnf" <<CNF
[ ca ]
default_ca = d
[ d ]
dir = $pki
database = $pki/index.txt
new_certs_dir = $pki
serial = $pki/serial
default_md = sha256
policy = p
copy_extensions = none
[ p ]
commonName = supplied
[ req ]
distinguished_name = dn
[ dn ]
[ authority ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
[ signer ]
keyUsage = critical, digitalSignature, nonRepudiation
authorityInfoAccess = OCSP;URI:$url/ocsp
crlDistributionPoints = URI:$url/ca.crl
[ tsa ]
keyUsage = critical, digitalSignature
extendedKeyUsage = critical, timeStamping
authorityInfoAccess = OCSP;URI:$url/ocsp
crlDistributionPoints = URI:$url/ca.crl
CNF
issue() { # NAME CN EXTENSIONS ALGORITHM-OPTIONS…
  local name=$1 cn=$2 ext=$3
  shift 3
  openssl genpkey "$@" -out "$pki/$name.key" 2>/dev/null
  openssl req -new -config "$pki/ca.cnf" -key "$pki/$name.key" -subj "/CN=$cn" -out "$pki/$name.csr"
  if [ "$name" = ca ]; then
    openssl ca -batch -config "$pki/ca.cnf" -selfsign -keyfile "$pki/ca.key" -in "$pki/ca.csr" \
      -out "$pki/ca.pem" -notext -extensions authority -days 3650 2>/dev/null
  else
    openssl ca -batch -config "$pki/ca.cnf" -cert "$pki/ca.pem" -keyfile "$pki/ca.key" \
      -in "$pki/$name.csr" -out "$pki/$name.pem" -notext -extensions "$ext" -days 365 2>/dev/null
  fi
}
ec=(-algorithm EC -pkeyopt ec_paramgen_curve:P-256)
issue ca "Bench CA" authority "${ec[@]}"
issue signer "Bench Signer" signer "${ec[@]}"
issue tsa "Bench TSA" tsa -algorithm RSA -pkeyopt rsa_keygen_bits:2048

now() { date +%s.%N; }
median() { sort -n | awk '{v[NR]=$1} END {print v[int((NR+1)/2)]}'; }
sign=(--sign-key "$pki/signer.key" --sign-cert "$pki/signer.pem" --sign-chain "$pki/ca.pem")
render() { # OUT FLAGS…
  local out=$1
  shift
  rm -rf "$out"
  env -u SOURCE_DATE_EPOCH "$dossier" render "$root/samples/acme-retail" -o "$out" --quiet "${sign[@]}" "$@"
}
: > "$work/times"
for _ in $(seq "$runs"); do
  for kind in B-B B-T B-LT B-LTA; do
    start=$(now)
    case $kind in
      B-B) render "$work/out-bb" ;;
      B-T) render "$work/out-bt" --tsa "$url/tsa/tsa" ;;
      B-LT) render "$work/out-lt" --tsa "$url/tsa/tsa" --ltv ;;
      B-LTA) env -u SOURCE_DATE_EPOCH "$dossier" timestamp "$work/out-lt/ZP-2026-FL-001" \
          --tsa "$url/tsa/tsa" > /dev/null 2>&1 ;;
    esac
    echo "$kind $(echo "$(now) - $start" | bc -l)" >> "$work/times"
  done
done
for kind in B-B B-T B-LT B-LTA; do
  grep "^$kind " "$work/times" | cut -d' ' -f2 | median > "$work/$kind"
done
bb=$(cat "$work/B-B") bt=$(cat "$work/B-T") lt=$(cat "$work/B-LT") lta=$(cat "$work/B-LTA")
printf "render, five reports signed (B-B):          %.3f s\n" "$bb"
printf "  with --tsa (B-T):                         %.3f s  (+%.3f s per bundle)\n" "$bt" "$(echo "$bt - $bb" | bc -l)"
printf "  with --tsa --ltv (B-LT):                  %.3f s  (+%.3f s per bundle)\n" "$lt" "$(echo "$lt - $bb" | bc -l)"
printf "dossier timestamp on that bundle (B-LTA):   %.3f s\n" "$lta"
printf "(medians of %d runs; services on 127.0.0.1)\n" "$runs"
