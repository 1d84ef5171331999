#!/usr/bin/env bash
# Installs the native build into a temporary prefix, builds examples/find-package against it
# with find_package(otlp_portable), runs the core example, and sends the native example's spans
# and log record to the installed `otlp receive` on 127.0.0.1.
#   find_package_test.sh <build dir> <source dir>
source "$(dirname "$0")/example_rig.sh"
build_example find-package

"$tmp/find-package/encode_example" | grep -q "decoded back: identical"

start_receiver
env -u OTEL_SDK_DISABLED "$tmp/find-package/send_example" "http://127.0.0.1:$port"
stop_receiver
spans=$(grep '"signal":"traces"' "$received" | grep -c "find-package-example" || true)
records=$(grep '"signal":"logs"' "$received" | grep "find-package-example" | grep -c '"order 1234 paid"' || true)
[[ $spans == 3 && $records == 1 ]] || { echo "expected 3 spans and 1 log record, got $spans and $records"; cat "$received"; exit 1; }
echo "find_package example: built against the installed package, 3 spans and 1 log record received"
