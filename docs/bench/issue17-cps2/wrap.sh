#!/bin/sh
echo $$ > /tmp/cps2/sluice.pid
exec "${CPS_SLUICE:?}" "$@"
