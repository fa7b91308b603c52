#!/usr/bin/env bash
# An independent client of the platform API contract, with curl, openssl and jq only:
# password login, bind (signing the contract's bytes with openssl), CA login, /me, logout.
# Usage: independent-client.sh ORIGIN CA_FILE ACCOUNT KEY.pem CERT.pem ALGORITHM CA_LOCK_ID
# The password comes on stdin, never in argv.
set -euo pipefail
origin=$1 cafile=$2 account=$3 key=$4 cert=$5 alg=$6 lock=$7
IFS= read -r password
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

api() { curl -sS --fail-with-body --proto =https --cacert "$cafile" -H 'Content-Type: application/json' "$@"; }

# The signed bytes: lines joined by \n, no final newline (the last line, ca_lock_id, is empty
# for a login).
sign() { # purpose challenge_json ca_lock_id
  local cid nonce corigin
  cid=$(jq -r .challenge_id <<<"$2"); nonce=$(jq -r .nonce <<<"$2"); corigin=$(jq -r .origin <<<"$2")
  [ "$corigin" = "$origin" ] || { echo "refusing a challenge for origin $corigin" >&2; exit 1; }
  printf 'zca/1\n%s\n%s\n%s\n%s\n%s\n%s' "$1" "$origin" "$cid" "$nonce" "$sha" "$3" > "$work/msg"
  openssl dgst -sha256 -sign "$key" -out "$work/sig" "$work/msg"
  jq -n --arg c "$cid" --arg l "$3" --arg cert "$(base64 -w0 "$work/cert.der")" --arg alg "$alg" \
    --arg s "$(base64 -w0 "$work/sig")" \
    '{challenge_id:$c, certificate:$cert, algorithm:$alg, signature:$s} + (if $l == "" then {} else {ca_lock_id:$l} end)'
}

openssl x509 -in "$cert" -outform DER -out "$work/cert.der"
sha=$(openssl dgst -sha256 -r "$work/cert.der" | cut -d' ' -f1)

token=$(jq -n --arg a "$account" --arg p "$password" '{account:$a, password:$p}' \
  | api -X POST --data-binary @- "$origin/api/v1/sessions/password" | jq -r .token)
auth=(-H "Authorization: Bearer $token")

challenge=$(api -X POST "${auth[@]}" -d '{"purpose":"bind"}' "$origin/api/v1/ca/challenges")
binding=$(sign bind "$challenge" "$lock" | api -X POST "${auth[@]}" --data-binary @- "$origin/api/v1/ca/bindings")
jq -e --arg l "$lock" --arg s "$sha" '.ca_lock_id == $l and .certificate.sha256 == $s and .status == "active"' \
  <<<"$binding" >/dev/null

challenge=$(api -X POST -d '{"purpose":"login"}' "$origin/api/v1/ca/challenges")
session=$(sign login "$challenge" "" | api -X POST --data-binary @- "$origin/api/v1/sessions/ca")
ca_token=$(jq -r .token <<<"$session")
api -H "Authorization: Bearer $ca_token" "$origin/api/v1/me" | jq -e --arg a "$account" '.account == $a' >/dev/null
api -X DELETE -H "Authorization: Bearer $ca_token" "$origin/api/v1/sessions/current"
if api -H "Authorization: Bearer $ca_token" "$origin/api/v1/me" >/dev/null 2>&1; then
  echo "the session outlived its logout" >&2; exit 1
fi
echo "ok: $account bound $lock and logged in with $alg"
