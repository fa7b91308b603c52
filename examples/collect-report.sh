#!/bin/sh
# For a helpdesk ticket: runs `zca doctor` and writes its redacted report (no PIN, password or
# token; certificate names as CN only) next to the JSON checks, in one folder to attach.
#   collect-report.sh [DIR]
dir=${1:-zca-report-$(date +%Y%m%d-%H%M%S)}
mkdir -p "$dir"
zca doctor --no-input --report "$dir/report.txt" --json >"$dir/checks.json"
status=$?
echo "report in $dir (zca doctor exit code $status)"
exit $status
