#!/usr/bin/env bash
# Instructions per standard span on the application thread (sampled and unsampled), counted by
# callgrind over bench/span_loop.cpp: the same for the same binary whatever else the machine
# does. Prints JSON lines in bench/report.mjs's shape.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake --preset native >/dev/null
cmake --build --preset native --target otlp_span_loop >&2
n=20000
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for sampled in 1 0; do
  valgrind --tool=callgrind --callgrind-out-file="$out/cg.$sampled" build/native/bin/otlp_span_loop "$n" "$sampled" >/dev/null 2>"$out/log"
  # Inclusive instructions of standard_span, whose call count is n.
  total=$(callgrind_annotate --inclusive=yes "$out/cg.$sampled" 2>/dev/null | grep -m1 "standard_span" | awk '{gsub(",", "", $1); print $1}')
  name=$([[ $sampled == 1 ]] && echo span_sampled_instructions || echo span_unsampled_instructions)
  awk -v n="$name" -v t="$total" -v c="$n" 'BEGIN { printf "{\"name\":\"%s\",\"value\":%d,\"unit\":\"instructions\",\"baseline\":null,\"ratio\":null}\n", n, t / c }'
done
