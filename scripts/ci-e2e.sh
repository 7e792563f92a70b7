#!/usr/bin/env bash
# End-to-end tests in CI: the built package inside real n8n releases, both ends of the supported
# range (devkit/n8n/compat.ts), with the Okta sandbox as Okta and Debian's Chromium for the editor.
# Newest: every suite. Oldest: the event-hook trigger's suites (the polling suite, the longest, and
# the editor run once, on the newest). Expects `npm ci` to have run (node_modules present).
# Cold (no .cache/n8n-<version>): installs Node 24 + that n8n first (a few minutes, ~2.8 GB each).
# Logs: test-results/n8n-*.log. Screenshots: docs/screenshots/.
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

stamp "n8n $newest: every suite"
N8N_TEST_VERSION=$newest npm run test:e2e -- "$@"

if [ $# -eq 0 ]; then
	stamp "n8n $oldest: the event-hook trigger's suites"
	N8N_TEST_VERSION=$oldest npm run test:e2e -- test/e2e/trigger.test.ts test/e2e/recovery.test.ts \
		test/e2e/recoveryState.test.ts test/e2e/legacy-activation.test.ts test/e2e/oauth.test.ts \
		test/e2e/preview.test.ts
fi
stamp "done"
