#!/usr/bin/env bash
# Installs the native build into a temporary prefix, builds examples/find-package against it
# with find_package(otlp_portable), runs the core example, and sends the native example's spans
# to the installed `otlp receive` on 127.0.0.1 (a port the OS picks).
#   find_package_test.sh <build dir> <source dir>
set -euo pipefail
build=$1 source=$2
tmp=$(mktemp -d)
receiver=
cleanup() {
  [[ -n $receiver ]] && kill "$receiver" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
cmake -S "$source/examples/find-package" -B "$tmp/build" -DCMAKE_PREFIX_PATH="$tmp/prefix" \
  -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$tmp/build" -j2 >/dev/null

"$tmp/build/encode_example" | grep -q "decoded back: identical"

"$tmp/prefix/bin/otlp" receive --http 127.0.0.1:0 --out "$tmp/spans.jsonl" 2>"$tmp/receive.log" &
receiver=$!
port=
for _ in $(seq 200); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/receive.log")
  [[ -n $port ]] && break
  sleep 0.05
done
[[ -n $port ]] || { echo "otlp receive did not start"; cat "$tmp/receive.log"; exit 1; }

env -u OTEL_SDK_DISABLED "$tmp/build/send_example" "http://127.0.0.1:$port/v1/traces"
kill -TERM "$receiver"
wait "$receiver"
receiver=
spans=$(grep -c "find-package-example" "$tmp/spans.jsonl" || true)
[[ $spans == 3 ]] || { echo "expected 3 spans, got $spans"; cat "$tmp/spans.jsonl"; exit 1; }
echo "find_package example: built against the installed package, 3 spans received"
