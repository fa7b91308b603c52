#!/usr/bin/env bash
# Cron job: warn before a CA certificate on an inserted key expires. Needs jq.
#   0 8 * * *  /usr/share/doc/zca/examples/expiry-check.sh 30 || mail -s "CA 证书即将到期" me@example.org
# Exit 0: nothing expires within DAYS; 7: something does (listed on stdout); 3: no key or driver.
days=${1:-30}
zca certs --no-input --fail-if-expiring "$days" --json |
  jq -r --argjson days "$days" \
    '.certificates[]? | select(.days_left != null and .days_left <= $days)
     | "\(.ca_lock_id)\t\(.common_name)\t\(.days_left) days left"'
exit "${PIPESTATUS[0]}"
