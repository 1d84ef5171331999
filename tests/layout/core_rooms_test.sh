#!/usr/bin/env bash
# core_rooms.sh passes on the core as it is, and fails on a copy with an include that crosses
# rooms (the wire formats reaching into export) or a file outside every room.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
core=$here/../../core
bash "$here/core_rooms.sh" "$core"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cp -r "$core" "$tmp/core"
echo '#include "otlp/export/pipeline.hpp"' >>"$tmp/core/src/wire/proto_writer.cpp"
if out=$(bash "$here/core_rooms.sh" "$tmp/core" 2>&1); then
  echo "FAIL: an include from wire into export passed" >&2; exit 1
fi
grep -q "room 'wire' includes 'export'" <<<"$out" || { echo "FAIL: not named: $out" >&2; exit 1; }
rm -rf "$tmp/core" && cp -r "$core" "$tmp/core"
touch "$tmp/core/src/loose.cpp"
if out=$(bash "$here/core_rooms.sh" "$tmp/core" 2>&1); then
  echo "FAIL: a file outside every room passed" >&2; exit 1
fi
grep -q "loose.cpp is outside every room" <<<"$out" || { echo "FAIL: not named: $out" >&2; exit 1; }
echo "core_rooms_test: passed"
