# Shared by the benchmarks: memory measured over a process tree.
# Sourced; expects $work to be a scratch directory.

# The memory a process and the processes it started hold together: the sum
# of their proportional set sizes (pages two of them share counted half in
# each), in KiB.
tree_pss() {
  local pids=$1 all=$1
  while [ -n "$pids" ]; do
    pids=$(for p in $pids; do pgrep -P "$p" || true; done | tr '\n' ' ')
    all="$all $pids"
  done
  for p in $all; do awk '/^Pss:/ {print $2}' "/proc/$p/smaps_rollup" 2>/dev/null || true; done |
    awk '{s += $1} END {print s + 0}'
}

# Runs a command, writing the peak of `tree_pss` over its run (sampled
# every 50 ms) to $work/pss.txt.
with_peak_pss() {
  "$@" &
  local pid=$! peak=0 pss
  while kill -0 "$pid" 2>/dev/null; do
    pss=$(tree_pss "$pid")
    [ "$pss" -gt "$peak" ] && peak=$pss
    sleep 0.05
  done
  wait "$pid"
  echo "$peak" > "$work/pss.txt"
}
