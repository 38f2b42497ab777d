#!/bin/sh
# sluice wrapper for sluice-bench: records the PID, then becomes sluice
echo $$ > /tmp/cps/sluice.pid
exec "${CPS_SLUICE:?}" "$@"
