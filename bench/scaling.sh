#!/usr/bin/env bash
# Scaling benchmark: what one long text field costs.
#
#   bench/scaling.sh [FIELD...]     e.g. bench/scaling.sh findings.title survey.analysis
#
# For every text field the zh-Hant sample fills (or the FIELDs named, as
# dotted keys), the sample is rendered with the field's first value made
# 1×, 10× and 100× as long as the sample's own: its text repeated (a
# Markdown text paragraph by paragraph, any other with nothing between, the
# worst case for Chinese: no space to break at). A length past the field's
# limit is cut to the limit (shown as `N=limit`), and one character more is
# rendered too, to time the refusal. Each run is a fresh process rendering
# the five reports (--jobs 1); the figures are its wall time and peak RSS.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
dossier=$root/target/release/dossier
sample=$root/samples/acme-retail
cargo build --release --quiet --manifest-path "$root/Cargo.toml"
[ -x /usr/bin/time ] || { echo "needs GNU time (Debian package: time)" >&2; exit 2; }
python3 -c "import yaml" 2>/dev/null || { echo "needs PyYAML (Debian package: python3-yaml)" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "$sample" "$work/e"
rm -rf "$work/e/v1.0"

# Writes one variant per field and size, and lists them:
# name, field, limit, characters.
python3 - "$work" "$root/src/pipeline/validate/lengths.rs" "$@" > "$work/variants.tsv" <<'PY'
import re, sys, yaml
work, table, wanted = sys.argv[1], sys.argv[2], sys.argv[3:]
# The limits as the check has them: each kind's number, each field's kind.
rust = open(table, encoding='utf-8').read()
numbers = {k: int(v.replace('_', '')) for k, v in re.findall(r'Length::(\w+) => ([\d_]+),', rust)}
limits = {f: (k.lower(), numbers[k]) for f, k in re.findall(r'\("([a-z_.*]+)", Length::(\w+)\)', rust)}

def matches(pattern, path):
    parts = pattern.split('.')
    return len(parts) == len(path) and all(p in ('*', k) for p, k in zip(parts, path))

def first_values(node, path, out):
    """The first string of every field, by its keys (list positions left out)."""
    if isinstance(node, dict):
        for key, value in node.items():
            first_values(value, path + [str(key)], out)
    elif isinstance(node, list):
        for item in node:
            first_values(item, path, out)
    elif isinstance(node, str):
        out.setdefault('.'.join(path), node)

def replace_first(node, path, value):
    if isinstance(node, dict):
        if len(path) == 1 and isinstance(node.get(path[0]), str):
            node[path[0]] = value
            return True
        if len(path) == 1 and isinstance(node.get(path[0]), list) and node[path[0]] \
                and isinstance(node[path[0]][0], str):
            node[path[0]][0] = value
            return True
        child = node.get(path[0])
        return child is not None and replace_first(child, path[1:], value)
    if isinstance(node, list):
        return any(replace_first(item, path, value) for item in node)
    return False

class Loader(yaml.SafeLoader):
    """YAML 1.2's booleans: `on:` is a key, not `true`."""
Loader.yaml_implicit_resolvers = {
    c: [r for r in rs if r[0] != 'tag:yaml.org,2002:bool']
    for c, rs in yaml.SafeLoader.yaml_implicit_resolvers.items()}
Loader.add_implicit_resolver('tag:yaml.org,2002:bool', re.compile(r'^(?:true|false)$'), list('tf'))

def load():
    return yaml.load(open(f'{work}/e/engagement.yaml', encoding='utf-8'), Loader)

source = load()
firsts = {}
first_values(source, [], firsts)
n = 0
for field, text in firsts.items():
    pattern = next((p for p in limits if matches(p, field.split('.'))), None)
    if pattern is None or (wanted and field not in wanted) or not text.strip():
        continue
    kind, limit = limits[pattern]
    joiner = '\n\n' if kind == 'prose' else ''
    for size in (1, 10, 100, 'over'):
        if size == 'over':
            value = (text * (limit // len(text) + 2))[:limit + 1]
        else:
            value = joiner.join([text] * size)[:limit]
        doc = load()
        replace_first(doc, field.split('.'), value)
        name = f'v{n}'
        n += 1
        with open(f'{work}/e/{name}.yaml', 'w', encoding='utf-8') as f:
            yaml.safe_dump(doc, f, allow_unicode=True, sort_keys=False, width=10**9)
        print(f'{name}\t{field}\t{kind}\t{limit}\t{len(value)}\t{size}')
PY

run() {
  local name=$1
  rm -rf "$work/out"
  local ok=1
  /usr/bin/time -f '%e %M' -o "$work/time.txt" \
    "$dossier" render "$work/e/$name.yaml" -o "$work/out" --jobs 1 --quiet >/dev/null 2>&1 || ok=0
  read -r secs kib < <(tail -n 1 "$work/time.txt")
  echo "$secs $((kib / 1024)) $ok"
}

printf '%-44s %-9s %6s  %-22s %-22s %-22s %s\n' field kind limit "1× (chars: s, MiB)" "10×" "100×" "past the limit"
row=()
while IFS=$'\t' read -r name field kind limit chars size; do
  read -r secs mib ok < <(run "$name")
  if [ "$size" = over ]; then
    cell="refused in ${secs} s"
    [ "$ok" = 1 ] && cell="NOT REFUSED (${secs} s)"
  elif [ "$ok" = 0 ]; then
    # A value from a fixed list (a status, a method): not free text.
    cell="refused: not free text"
  else
    shown=$chars
    [ "$chars" = "$limit" ] && shown="$chars=limit"
    cell="$shown: $secs s, $mib MiB"
  fi
  row+=("$cell")
  if [ "$size" = over ]; then
    printf '%-44s %-9s %6s  %-22s %-22s %-22s %s\n' "$field" "$kind" "$limit" "${row[@]}"
    row=()
  fi
done < "$work/variants.tsv"
