#!/usr/bin/env bash
# End to end over loopback: `otlp receive` in one process, `otlp send` (batches of 512 standard
# spans or standard log records, one sender thread) in another. Prints one JSON line per figure
# in bench/report.mjs's shape, {"name","value","unit","baseline","ratio"}, where baseline is
# issue #14's target and ratio = value / target (for CPU and memory, lower is better: ratio <= 1
# meets the target). The logs figures (e2e_logs_<protocol>_*) are measured at the defaults after
# the spans' and their baseline is issue #13's target: the spans/s of that same run.
#   bench/e2e.sh [protocol...]     default: http/protobuf grpc (a protocol this build or its
#                                  receiver lacks is reported on stderr and skipped)
# For each protocol: what a user gets with the defaults (one request in flight, the spec's
# rule), then with E2E_EXPORTS (default 2) in flight (`otlp send --exports`). Each is the median
# run by items/s of E2E_RUNS (default 3) runs of E2E_SPANS (default 1000000) items, with that
# run's CPU per item: the sender's from its JSON line (cpu_s), the receiver's from
# /proc/PID/stat (user + system ticks) before and after the run. The receiver runs without
# --out, as a relay's test would. About a minute and a half for both protocols on 2 vCPUs.
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

# E2E_RUNS runs of `otlp send` with the flags given after the rate's key, E2E_SPANS items each,
# to the receiver on $port; $line is the median run by that rate, with the receiver's CPU
# seconds added. False when a run fails.
measure() {
  local key=$1 before receiver_s median
  shift
  : >"$log/runs"
  for _ in $(seq "$runs"); do
    before=$(cpu_ticks "$receiver")
    if ! "$otlp" send --endpoint "http://127.0.0.1:$port" --protocol "$p" --count "$spans" "$@" >"$log/send.out" 2>"$log/send.err"; then
      echo "e2e: $p $*: otlp send failed: $(cat "$log/send.err" "$log/send.out")" >&2
      return 1
    fi
    receiver_s=$(awk -v a="$before" -v b="$(cpu_ticks "$receiver")" -v t="$tick" 'BEGIN { print (b - a) / t }')
    line=$(tail -1 "$log/send.out" | sed "s/}\$/,\"receiver_cpu_s\":$receiver_s}/")
    echo "$line" >>"$log/runs"
    echo "e2e: $p $*: $line" >&2
  done
  median=$(awk -F'[,:{}]' -v k="\"$key\"" '{ for (i = 2; i < NF; i += 2) if ($i == k) print $(i + 1), NR }' "$log/runs" |
    sort -n | awk '{ a[NR] = $2 } END { print a[int((NR + 1) / 2)] }')
  line=$(sed -n "${median}p" "$log/runs")
}
get() { sed -n "s/.*\"$1\":\([0-9.]*\).*/\1/p" <<<"$line"; }

# The figures of $line: label unit rate rate_target [sender_cpu_target receiver_cpu_target rss_target].
report() {
  local label=$1 unit=$2
  per_item() { awk -v c="$1" -v n="$(get exported)" 'BEGIN { print (n > 0 ? c / n * 1e6 : 0) }'; }
  figure "${label}_${unit}s_per_s" "$3" "$unit"s/s "$4"
  figure "${label}_sender_cpu_us_per_$unit" "$(per_item "$(get cpu_s)")" us "${5:-}"
  figure "${label}_receiver_cpu_us_per_$unit" "$(per_item "$(get receiver_cpu_s)")" us "${6:-}"
  figure "${label}_sender_max_rss_mb" "$(awk -v k="$(get max_rss_kb)" 'BEGIN { print k / 1024 }')" MB "${7:-}"
}

protocols=("$@")
((${#protocols[@]})) || protocols=(http/protobuf grpc)
for p in "${protocols[@]}"; do
  case "$p" in
    http/protobuf) listen=(--http 127.0.0.1:0) scheme=http target=500000 ;;
    http/json) listen=(--http 127.0.0.1:0) scheme=http target= ;;
    grpc) listen=(--grpc 127.0.0.1:0 --http 127.0.0.1:0) scheme=grpc target=500000 ;;
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
  name=${p//[\/]/_}
  for exports in 1 "$more"; do
    # The defaults keep the plain names; more in flight says how many.
    label=e2e_$name
    ((exports == 1)) || label=${label}_${exports}_exports
    measure spans_per_s --signal traces --exports "$exports" || continue
    spans_per_s=$(get spans_per_s)
    report "$label" span "$(get spans_per_s)" "$target" 1 0.5 30
    # Issue #13's target for logs: the spans/s of the same command, same run (at the defaults).
    ((exports == 1)) || continue
    measure log_records_per_s --signal logs || continue
    report "e2e_logs_$name" record "$(get log_records_per_s)" "$spans_per_s"
  done
  kill -TERM "$receiver"
  wait "$receiver" || true
  receiver=
done
