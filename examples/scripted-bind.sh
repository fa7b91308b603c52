#!/bin/sh
# Binds the certificate of the key with CA锁ID SERIAL to an account, without a terminal.
# The password and the PIN come from files readable by you alone (chmod 600), never from argv.
#   scripted-bind.sh SERIAL ACCOUNT PASSWORD_FILE PIN_FILE
set -eu
serial=$1 account=$2 password_file=$3 pin_file=$4
zca account login --no-input --account "$account" --password-file "$password_file"
zca bind --no-input --yes --token "$serial" --pin-file "$pin_file" --json
zca logout --no-input
