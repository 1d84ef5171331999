#!/usr/bin/env bash
# Builds examples/spdlog against the installed package, runs it against the installed
# `otlp receive` and checks that each spdlog message arrived as the log record it should be.
#   spdlog_example_test.sh <build dir> <source dir>
source "$(dirname "$0")/example_rig.sh"
build_example spdlog

start_receiver
env -u OTEL_SDK_DISABLED OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$port" "$tmp/spdlog/spdlog_example"
stop_receiver

fail() { echo "spdlog example: $1"; cat "$received"; exit 1; }
# The one log record whose body is $1.
record() {
  local lines
  lines=$(grep '"signal":"logs"' "$received" | grep -F "\"body\":{\"stringValue\":\"$1\"}" || true)
  [[ $(grep -c . <<<"$lines") == 1 ]] || fail "expected one record '$1'"
  echo "$lines"
}
has() { grep -qF -- "$2" <<<"$1" || fail "no $2 in: $1"; }
lacks() { ! grep -qF -- "$2" <<<"$1" || fail "unexpected $2 in: $1"; }

(($(grep -c '"signal":"logs"' "$received") == 4)) || fail "expected 4 log records"
charge=$(grep '"signal":"traces"' "$received" | grep '"name":"charge"' || true)
trace_id=$(sed -n 's/.*"traceId":"\([0-9a-f]*\)".*/\1/p' <<<"$charge")
span_id=$(sed -n 's/.*"spanId":"\([0-9a-f]*\)".*/\1/p' <<<"$charge")
[[ ${#trace_id} == 32 && ${#span_id} == 16 ]] || fail "no span 'charge'"

info=$(record "service starting on port 8080")
has "$info" '"severityNumber":9,"severityText":"info"'
has "$info" '"scope":{"name":"checkout"'
has "$info" '"spdlog-example"'
has "$info" '"key":"thread.id"'
lacks "$info" '"traceId"'       # logged outside any span
lacks "$info" 'code.line.number' # not through an SPDLOG_* macro

warning=$(record "card ****1234 declined, retrying")
has "$warning" '"severityNumber":13,"severityText":"warning"'
has "$warning" "\"traceId\":\"$trace_id\",\"spanId\":\"$span_id\""
has "$warning" '"key":"code.line.number"'
has "$warning" '"key":"code.function.name","value":{"stringValue":"main"}'
has "$warning" 'main.cpp"}}'

error=$(record "payment failed after 2 attempts")
has "$error" '"severityNumber":17,"severityText":"error"'
has "$error" "\"traceId\":\"$trace_id\""

debug=$(record "shutting down")
has "$debug" '"severityNumber":5,"severityText":"debug"'
lacks "$debug" '"traceId"'
echo "spdlog example: built against the installed package, 4 spdlog messages received as log records"
