#!/bin/sh
# Probe shim for scripts/bogo.mjs: records each test's command line (fields \037, records \036) in
# $BOGO_PROBE_OUT and reports the test unimplemented (89), so the runner lists every test it has.
if [ "$1" = "-is-handshaker-supported" ]; then echo No; exit 0; fi
for a in "$@"; do printf '%s\037' "$a"; done >> "$BOGO_PROBE_OUT"
printf '\036' >> "$BOGO_PROBE_OUT"
exit 89
