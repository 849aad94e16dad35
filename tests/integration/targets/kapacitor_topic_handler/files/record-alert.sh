#!/bin/sh
# Program of the integration test's exec handler: Kapacitor writes the alert as JSON to
# standard input; keep it in the file named by the first argument (written whole, then moved,
# so that the test never reads half of it).
set -eu
cat > "$1.part"
mv "$1.part" "$1"
