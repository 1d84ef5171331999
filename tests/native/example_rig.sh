# Sourced by the tests that build an example against the installed package, with
# <build dir> <source dir> as arguments. Installs the build into $prefix (under $tmp, removed
# on exit) and gives build_example NAME (examples/NAME built into $tmp/NAME) and
# start_receiver / stop_receiver: the installed `otlp receive` on 127.0.0.1:$port (a port the
# OS picks), writing every item it gets to $received.
set -euo pipefail
build=$1 source=$2
tmp=$(mktemp -d)
prefix=$tmp/prefix
received=$tmp/received.jsonl
receiver=
cleanup() {
  [[ -n $receiver ]] && kill "$receiver" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT

cmake --install "$build" --prefix "$prefix" >/dev/null

build_example() {
  cmake -S "$source/examples/$1" -B "$tmp/$1" -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build "$tmp/$1" -j2 >/dev/null
}

start_receiver() {
  "$prefix/bin/otlp" receive --http 127.0.0.1:0 --out "$received" 2>"$tmp/receive.log" &
  receiver=$!
  port=
  for _ in $(seq 200); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/receive.log")
    [[ -n $port ]] && return
    sleep 0.05
  done
  echo "otlp receive did not start"
  cat "$tmp/receive.log"
  exit 1
}

stop_receiver() {
  kill -TERM "$receiver"
  wait "$receiver"
  receiver=
}
