#!/usr/bin/env bash
# Language server benchmark: from a change in the editor to its diagnostics.
#
#   bench/lsp.sh [ROUNDS]   changes per sample (default 20), median and worst reported
#
# A scripted client (Python, standard library only) starts `dossier lsp`,
# opens each bundled sample and sends changes as an editor does (the whole
# text, alternately with and without a lead-time breach), each after the
# diagnostics of the one before arrived. The time is from the end of the
# didChange write to the publishDiagnostics read; it includes the server's
# pause after a change (40 ms), which lets a burst of keystrokes end.
set -euo pipefail

rounds=${1:-20}
root=$(cd "$(dirname "$0")/.." && pwd)
dossier=${DOSSIER:-$root/target/release/dossier}

[ -n "${DOSSIER:-}" ] || cargo build --release --quiet --manifest-path "$root/Cargo.toml"

python3 - "$dossier" "$rounds" "$root/samples/acme-retail/engagement.yaml" \
  "$root/samples/northwind-logistics.yaml" "$root/samples/youxianhui-retail.yaml" <<'PY'
import json, re, statistics, subprocess, sys, time, pathlib

dossier, rounds, files = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
server = subprocess.Popen([dossier, "lsp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE)

def send(message):
    body = json.dumps(message).encode()
    server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
    server.stdin.flush()

def read():
    length = 0
    while True:
        line = server.stdout.readline().strip()
        if not line:
            break
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])
    return json.loads(server.stdout.read(length))

def diagnostics(uri):
    while True:
        m = read()
        if m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri:
            return m["params"]["diagnostics"]

send({"jsonrpc": "2.0", "id": 1, "method": "initialize",
      "params": {"processId": None, "rootUri": None, "capabilities": {}}})
while read().get("id") != 1:
    pass
send({"jsonrpc": "2.0", "method": "initialized", "params": {}})

print(f"{'sample':<28} {'lines':>6} {'median ms':>10} {'worst ms':>9}  (change → diagnostics, {rounds} changes)")
for path in files:
    uri = pathlib.Path(path).resolve().as_uri()
    text = open(path, encoding="utf-8").read()
    applied = re.search(r"applied_on: (\d{4}-\d\d-\d\d)", text).group(1)
    breach = re.sub(r"starts_on: \d{4}-\d\d-\d\d", "starts_on: " + applied, text, count=1)
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen",
          "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
    diagnostics(uri)
    times = []
    for i in range(rounds):
        changed = breach if i % 2 == 0 else text
        send({"jsonrpc": "2.0", "method": "textDocument/didChange",
              "params": {"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [{"text": changed}]}})
        start = time.perf_counter()
        found = diagnostics(uri)
        times.append((time.perf_counter() - start) * 1000)
        assert any(d.get("code") == "lead-time" for d in found) == (i % 2 == 0), found
    name = pathlib.Path(path).parent.name if path.endswith("engagement.yaml") else pathlib.Path(path).name
    print(f"{name:<28} {text.count(chr(10)):>6} {statistics.median(times):>10.1f} {max(times):>9.1f}")

send({"jsonrpc": "2.0", "id": 2, "method": "shutdown", "params": None})
while read().get("id") != 2:
    pass
send({"jsonrpc": "2.0", "method": "exit", "params": None})
server.wait(timeout=10)
PY
