#!/usr/bin/env bash
# Fuzzes every target for SECONDS (default 600) each, one after another, into fuzz/corpus/.
# Needs cargo-fuzz; on a stable toolchain RUSTC_BOOTSTRAP=1 lets it use the sanitizer flags.
# A crash lands in fuzz/artifacts/<target>/: add it to fuzz/corpus/<target>/ once fixed, and the
# normal test suite (tests/fuzz_corpus.rs) replays it from then on.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-600}
export RUSTC_BOOTSTRAP=1
for target in cert_facts platform_answer server_request server_verify; do
  echo "== $target: $seconds s"
  cargo fuzz run -O "$target" "corpus/$target" -- -max_total_time="$seconds" -rss_limit_mb=2048 2>&1 \
    | grep -E '^#[0-9]+ *DONE|SUMMARY|panicked|ERROR|Done [0-9]+ runs' || true
done
