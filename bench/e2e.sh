#!/usr/bin/env bash
# End to end over loopback: `otlp receive` in one process, `otlp send` (batches of 512 standard
# spans, one sender thread) in another. Prints one JSON line per figure in bench/report.mjs's
# shape, {"name","value","unit","baseline","ratio"}, where baseline is issue #14's target and
# ratio = value / target (for CPU and memory, lower is better: ratio <= 1 meets the target).
#   bench/e2e.sh [protocol...]     default: http/protobuf grpc (a protocol this build or its
#                                  receiver lacks is reported on stderr and skipped)
# For each protocol: what a user gets with the defaults (one request in flight, the spec's
# rule), then with E2E_EXPORTS (default 2) in flight (`otlp send --exports`). Each is the median
# run by spans/s of E2E_RUNS (default 3) runs of E2E_SPANS (default 1000000) spans, with that
# run's CPU per span: the sender's from its JSON line (cpu_s), the receiver's from
# /proc/PID/stat (user + system ticks) before and after the run. The receiver runs without
# --out, as a relay's test would. About a minute for both protocols on 2 vCPUs.
set -euo pipefail
cd "$(dirname "$0")/.."
spans=${E2E_SPANS:-1000000}
runs=${E2E_RUNS:-3}
more=${E2E_EXPORTS:-2}
[[ -f build/native/CMakeCache.txt ]] || cmake --preset native >/dev/null
cmake --build --preset native --target otlp >&2
otlp=build/native/bin/otlp
tick=$(getconf CLK_TCK)
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

cpu_ticks() {  # user + system clock ticks of process $1 (fields 14 and 15 of /proc/PID/stat)
  sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'
}

protocols=("$@")
((${#protocols[@]})) || protocols=(http/protobuf grpc)
for p in "${protocols[@]}"; do
  case "$p" in
    http/protobuf) listen=(--http 127.0.0.1:0) scheme=http path=/v1/traces target=500000 ;;
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
  name=e2e_${p//[\/]/_}
  for exports in 1 "$more"; do
    : >"$log/runs"
    ok=1
    for _ in $(seq "$runs"); do
      before=$(cpu_ticks "$receiver")
      if ! "$otlp" send --endpoint "http://127.0.0.1:$port$path" --protocol "$p" --spans "$spans" --exports "$exports" >"$log/send.out" 2>"$log/send.err"; then
        echo "e2e: $p: otlp send failed: $(cat "$log/send.err" "$log/send.out")" >&2
        ok=0
        break
      fi
      receiver_s=$(awk -v a="$before" -v b="$(cpu_ticks "$receiver")" -v t="$tick" 'BEGIN { print (b - a) / t }')
      # The sender's line with the receiver's CPU seconds added.
      line=$(tail -1 "$log/send.out" | sed "s/}\$/,\"receiver_cpu_s\":$receiver_s}/")
      echo "$line" >>"$log/runs"
      echo "e2e: $p, $exports in flight: $line" >&2
    done
    ((ok)) || continue
    # The median run by spans/s: its line's fields.
    median=$(awk -F'[,:{}]' '{ for (i = 2; i < NF; i += 2) if ($i == "\"spans_per_s\"") print $(i + 1), NR }' "$log/runs" |
      sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }')
    line=$(sed -n "${median}p" "$log/runs")
    get() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$line"; }
    per_span() { awk -v c="$1" -v n="$(get exported)" 'BEGIN { print (n > 0 ? c / n * 1e6 : 0) }'; }
    # The defaults keep the plain names; more in flight says how many.
    label=$name
    ((exports == 1)) || label=${name}_${exports}_exports
    figure "${label}_spans_per_s" "$(get spans_per_s)" spans/s "$target"
    figure "${label}_sender_cpu_us_per_span" "$(per_span "$(get cpu_s)")" us 1
    figure "${label}_receiver_cpu_us_per_span" "$(per_span "$(get receiver_cpu_s)")" us 0.5
    figure "${label}_sender_max_rss_mb" "$(awk -v k="$(get max_rss_kb)" 'BEGIN { print k / 1024 }')" MB 30
  done
  kill -TERM "$receiver"
  wait "$receiver" || true
  receiver=
done
