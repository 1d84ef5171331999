#!/usr/bin/env bash
# The core's rooms and what each may include: a room sees only the rooms listed for it, so a
# signal's code cannot reach into another signal's, and the wire formats know nothing of export.
# Fails naming each include that crosses a line this table does not draw.
#   tests/layout/core_rooms.sh [CORE_DIR]
set -euo pipefail
core=${1:-$(dirname "$0")/../../core}
declare -A may=(
  [model]=""                                  # ids, values, spans' model, signals, errors
  [wire]="model"                              # protobuf: the schema, writer, reader, google.rpc.Status
  [json]="model wire"                         # OTLP/JSON: writer, reader, protobuf-to-JSON transcoder
  [export]="model wire json"                  # pipeline, retry policy, response outcomes, transports
  [record]="model wire export"                # what every recorder shares: limits, attribute writer, hand-over
  [trace]="model wire export record"          # tracer, samplers, W3C propagation
  [logs]="model wire export record"           # logger provider and loggers
  [metrics]="model wire export record"        # meter provider, instruments, aggregations, collection
  [workload]="model wire trace logs metrics"  # the standard workload of ../shared/WORKLOAD.md
)
bad=0
for dir in "$core"/include/otlp/* "$core"/src/*; do
  room=$(basename "$dir")
  if [[ -z "${may[$room]+set}" ]]; then
    echo "core_rooms: $dir is a room this table does not know" >&2
    bad=1
    continue
  fi
  while IFS=: read -r file _ include; do
    target=$(sed -E 's|^#include "(otlp/)?([a-z_]+)/.*|\2|' <<<"$include")
    [[ "$target" == "$room" || " ${may[$room]} " == *" $target "* ]] && continue
    echo "core_rooms: $file: room '$room' includes '$target' ($include)" >&2
    bad=1
  done < <(grep -Hn '^#include "' "$dir"/* || true)
done
# Every source and header sits in a room: nothing loose at the top of src/ or include/otlp/.
for loose in "$core"/src/*.* "$core"/include/otlp/*.*; do
  [[ -e "$loose" ]] || continue
  echo "core_rooms: $loose is outside every room" >&2
  bad=1
done
((bad == 0)) && echo "core_rooms: every include stays within the table (${#may[@]} rooms)"
exit $bad
