#!/usr/bin/env bash
# Installs what the virtual smart-card tests need, once: pcscd, vsmartcard's vpcd reader driver,
# OpenSC, and the OpenPGP card emulator (PyPI jcecard) in its own virtualenv.
# Usage: tests/vcard/setup.sh DIR   (the venv goes to DIR/venv; prints its python)
set -euo pipefail
dir=${1:?usage: setup.sh DIR}
need=()
command -v pcscd >/dev/null || need+=(pcscd)
[ -e /usr/lib/pcsc/drivers/serial/libifdvpcd.so ] || need+=(vsmartcard-vpcd)
command -v pkcs11-tool >/dev/null || need+=(opensc)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" != 0 ]; then
    echo "setup.sh: missing ${need[*]}; install them: sudo apt-get install ${need[*]}" >&2
    exit 1
  fi
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
    --no-install-recommends "${need[@]}" >/dev/null
fi
if [ ! -x "$dir/venv/bin/python" ] || ! "$dir/venv/bin/python" -c 'import jcecard' 2>/dev/null; then
  rm -rf "$dir/venv"
  mkdir -p "$dir"
  # Debian's python3, not whatever python3 comes first on PATH: jcecard wants >= 3.11.
  /usr/bin/python3 -m venv "$dir/venv"
  "$dir/venv/bin/pip" install -q --disable-pip-version-check jcecard==0.1.0 johnnycanencrypt==0.18.0
fi
echo "$dir/venv/bin/python"
