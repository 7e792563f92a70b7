#!/usr/bin/env bash
# End-to-end tests in CI: the built package inside real n8n releases, both ends of the supported
# range (devkit/n8n/compat.ts), with the Okta sandbox as Okta and Debian's Chromium for the editor.
# Every suite runs on both ends, the two ends side by side (each its own n8n, sandbox and ports;
# most of a suite's time is waiting for Okta's retry, recovery's settle time or n8n's minute
# polls). Expects `npm ci` to have run (node_modules present). Cold (no .cache/n8n-<version>):
# installs Node 24 + that n8n first (a few minutes, ~2.8 GB each).
# Logs: test-results/e2e-<version>.log, test-results/n8n-*.log. Screenshots: docs/screenshots/.
# Counts: docs/compat.json is not touched (npm run test:compat writes it).
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
stamp() { echo "[ci-e2e] $(( $(date +%s) - start )) s: $*"; }

if ! command -v chromium >/dev/null; then
	stamp "installing Debian chromium"
	export DEBIAN_FRONTEND=noninteractive
	SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
	$SUDO apt-get update -qq
	$SUDO apt-get install -y -qq chromium >/dev/null
fi

oldest=$(npx tsx scripts/compat-end.ts oldest)
newest=$(npx tsx scripts/compat-end.ts newest)

stamp "npm run build"
npm run build

for version in "$newest" "$oldest"; do
	stamp "n8n $version runtime (.cache/n8n-$version)"
	N8N_TEST_VERSION=$version npx tsx scripts/n8n-install.ts
done

mkdir -p test-results
pids=()
for version in "$newest" "$oldest"; do
	stamp "n8n $version: every suite (log test-results/e2e-$version.log)"
	N8N_TEST_VERSION=$version npm run test:e2e -- "$@" >"test-results/e2e-$version.log" 2>&1 &
	pids+=($!)
done
failed=0
for i in 0 1; do
	version=$([ "$i" -eq 0 ] && echo "$newest" || echo "$oldest")
	if wait "${pids[$i]}"; then
		stamp "n8n $version: passed"
		grep -E "^(PASS|FAIL)|^Tests:" "test-results/e2e-$version.log" || true
	else
		stamp "n8n $version: FAILED"
		tail -n 200 "test-results/e2e-$version.log"
		failed=1
	fi
done
stamp "done"
exit $failed
