# Shared by the benchmarks: memory measured over a process tree.
# Sourced; expects $work to be a scratch directory. Bash builtins only in
# the sampling loop, so that measuring takes no core from what it measures.

# The memory a process and the processes it started hold together: the sum
# of their proportional set sizes (pages two of them share counted half in
# each), in KiB.
tree_pss() {
  local queue=("$1") all=() p f key value rest total=0
  local -a kids
  while ((${#queue[@]})); do
    p=${queue[0]}
    queue=("${queue[@]:1}")
    all+=("$p")
    for f in /proc/"$p"/task/*/children; do
      kids=()
      read -r -a kids 2>/dev/null < "$f" || true
      queue+=("${kids[@]}")
    done
  done
  for p in "${all[@]}"; do
    while read -r key value rest; do
      [ "$key" = "Pss:" ] && total=$((total + value))
    done 2>/dev/null < "/proc/$p/smaps_rollup" || true
  done
  echo "$total"
}

# Runs a command, writing the peak of `tree_pss` over its run (sampled
# every 200 ms) to $work/pss.txt.
with_peak_pss() {
  "$@" &
  local pid=$! peak=0 pss
  while kill -0 "$pid" 2>/dev/null; do
    pss=$(tree_pss "$pid")
    [ "$pss" -gt "$peak" ] && peak=$pss
    sleep 0.2
  done
  wait "$pid"
  echo "$peak" > "$work/pss.txt"
}
