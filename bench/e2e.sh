#!/usr/bin/env bash
# End to end over loopback: `otlp receive` in one process, `otlp send` (batches of 512 standard
# spans, one sender thread) in another. Prints one JSON line per figure in bench/report.mjs's
# shape, {"name","value","unit","baseline","ratio"}, where baseline is issue #4's target and
# ratio = value / target (for CPU and memory, lower is better: ratio <= 1 meets the target).
#   bench/e2e.sh [protocol...]     default: http/protobuf grpc (a protocol this build or its
#                                  receiver lacks is reported on stderr and skipped)
# E2E_SPANS (default 1000000) spans per run, E2E_RUNS (default 3) runs; the median run by
# spans/s is reported, with its CPU and memory.
set -euo pipefail
cd "$(dirname "$0")/.."
spans=${E2E_SPANS:-1000000}
runs=${E2E_RUNS:-3}
[[ -f build/native/CMakeCache.txt ]] || cmake --preset native >/dev/null
cmake --build --preset native --target otlp >&2
otlp=build/native/bin/otlp
log=$(mktemp -d)
receiver=
cleanup() {
  [[ -n $receiver ]] && kill "$receiver" 2>/dev/null || true
  rm -rf "$log"
}
trap cleanup EXIT

figure() {  # name value unit [target]; 4 significant digits, ratio 3, no exponents
  awk -v n="$1" -v v="$2" -v u="$3" -v t="${4:-}" 'BEGIN {
    printf "{\"name\":\"%s\",\"value\":%.10g,\"unit\":\"%s\",", n, sprintf("%.4g", v) + 0, u
    if (t == "") print "\"baseline\":null,\"ratio\":null}"
    else printf "\"baseline\":%.10g,\"ratio\":%.10g}\n", t, sprintf("%.3g", v / t) + 0 }'
}

protocols=("$@")
((${#protocols[@]})) || protocols=(http/protobuf grpc)
for p in "${protocols[@]}"; do
  case "$p" in
    http/protobuf) listen=(--http 127.0.0.1:0) scheme=http path=/v1/traces target=300000 ;;
    http/json) listen=(--http 127.0.0.1:0) scheme=http path=/v1/traces target= ;;
    grpc) listen=(--grpc 127.0.0.1:0 --http 127.0.0.1:0) scheme=grpc path= target=500000 ;;
    *) echo "e2e: unknown protocol '$p'" >&2; exit 2 ;;
  esac
  "$otlp" receive "${listen[@]}" 2>"$log/receive.log" &
  receiver=$!
  port=
  for _ in $(seq 200); do
    # The port on the listener line that names the scheme ("listening on http://127.0.0.1:N/...").
    port=$( (grep -i "listening.*$scheme" "$log/receive.log" || true) | grep -o '127\.0\.0\.1:[0-9]*' | head -1 | cut -d: -f2 || true)
    [[ -n $port ]] && break
    kill -0 "$receiver" 2>/dev/null || break
    sleep 0.05
  done
  if [[ -z $port ]]; then
    echo "e2e: skipping $p: otlp receive has no $scheme listener here: $(head -c 300 "$log/receive.log")" >&2
    kill "$receiver" 2>/dev/null || true
    wait "$receiver" 2>/dev/null || true
    receiver=
    continue
  fi
  : >"$log/runs"
  ok=1
  for _ in $(seq "$runs"); do
    if ! "$otlp" send --endpoint "http://127.0.0.1:$port$path" --protocol "$p" --spans "$spans" >"$log/send.out" 2>"$log/send.err"; then
      echo "e2e: $p: otlp send failed: $(cat "$log/send.err" "$log/send.out")" >&2
      ok=0
      break
    fi
    tail -1 "$log/send.out" >>"$log/runs"
    echo "e2e: $p: $(tail -1 "$log/send.out")" >&2
  done
  kill -TERM "$receiver"
  wait "$receiver" || true
  receiver=
  ((ok)) || continue
  # The median run by spans/s: its line's fields as shell variables.
  median=$(awk -F'[,:{}]' '{ for (i = 2; i < NF; i += 2) if ($i == "\"spans_per_s\"") print $(i + 1), NR }' "$log/runs" |
    sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }')
  line=$(sed -n "${median}p" "$log/runs")
  get() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$line"; }
  name=e2e_${p//[\/]/_}
  figure "${name}_spans_per_s" "$(get spans_per_s)" spans/s "$target"
  figure "${name}_sender_cpu_cores" "$(awk -v c="$(get cpu_s)" -v e="$(get elapsed_s)" 'BEGIN { print c / e }')" cores 1
  figure "${name}_sender_max_rss_mb" "$(awk -v k="$(get max_rss_kb)" 'BEGIN { print k / 1024 }')" MB 30
done
