#!/usr/bin/env bash
# End-to-end tests in CI: the built package inside real n8n releases, both ends of the supported
# range (devkit/n8n/compat.ts), with the Okta sandbox as Okta and Debian's Chromium for the editor.
# Every suite runs on both ends, in three lanes side by side, each lane its own jest, n8n, sandbox
# and ports: the newest release's polling suite (mostly waiting for n8n's minute polls), the
# newest's other suites, and every suite on the oldest. Most of a suite's time is waiting (Okta's
# retry, recovery's settle time, polls), so the lanes share two cores well.
# Expects `npm ci` to have run (node_modules present). Cold (no .cache/n8n-<version>): installs
# Node 24 + that n8n first (a few minutes, ~2.8 GB each).
# Logs: test-results/e2e-<lane>.log, test-results/n8n-*.log. Screenshots: test-results/screenshots/.
# Arguments (jest's) restrict every lane to those files, e.g. `scripts/ci-e2e.sh test/e2e/trigger.test.ts`.
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
POLLING=test/e2e/pollTrigger.test.ts
# lane name | n8n release | jest arguments
if [ $# -gt 0 ]; then
	lanes=("newest|$newest|$*" "oldest|$oldest|$*")
else
	lanes=(
		"newest-polling|$newest|$POLLING"
		"newest|$newest|--testPathIgnorePatterns $POLLING"
		"oldest|$oldest|"
	)
fi
pids=()
for lane in "${lanes[@]}"; do
	IFS='|' read -r name version jestArgs <<<"$lane"
	stamp "lane $name: n8n $version ${jestArgs:-every suite} (log test-results/e2e-$name.log)"
	# shellcheck disable=SC2086 # jestArgs is a word list
	N8N_TEST_VERSION=$version npm run test:e2e -- $jestArgs >"test-results/e2e-$name.log" 2>&1 &
	pids+=($!)
done
failed=0
for i in "${!lanes[@]}"; do
	IFS='|' read -r name version _ <<<"${lanes[$i]}"
	if wait "${pids[$i]}"; then
		stamp "lane $name (n8n $version): passed"
		grep -E "^(PASS|FAIL)|^Tests:" "test-results/e2e-$name.log" || true
	else
		stamp "lane $name (n8n $version): FAILED"
		tail -n 200 "test-results/e2e-$name.log"
		failed=1
	fi
done
stamp "done"
exit $failed
