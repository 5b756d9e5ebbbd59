#!/usr/bin/env bash
# `npm run test:api`: Schemathesis checks the API against its own OpenAPI document.
#
# Installs Schemathesis (pinned) into a virtualenv under .cache/ (gitignored), starts the whole
# directory (`npm start`) on a free port with a fresh temporary DATA_DIR seeded with 200
# fictional demo programs, issues a provider and a reviewer token (`npm run token`), and runs
# `schemathesis run` with the options in schemathesis.toml: all checks, phases examples,
# coverage, fuzzing and stateful, bounded by max-time. Any failure fails the script. The stack
# is stopped however the script ends.
#
# Environment: SCHEMATHESIS_VENV (default .cache/schemathesis-venv), SCHEMATHESIS_MAX_TIME
# (seconds, default: schemathesis.toml's), SCHEMATHESIS_SEED (a seed to replay a run),
# SCHEMATHESIS_REPORT (formats, default junit), SCHEMATHESIS_REPORT_DIR (default
# .cache/schemathesis-report). Needs python3 (3.10+) with venv.
set -euo pipefail
cd "$(dirname "$0")/.."

SCHEMATHESIS_VERSION=4.32.5
venv="${SCHEMATHESIS_VENV:-.cache/schemathesis-venv}"
report_dir="${SCHEMATHESIS_REPORT_DIR:-.cache/schemathesis-report}"

if [[ "$("$venv/bin/schemathesis" --version 2>/dev/null || true)" != *"version $SCHEMATHESIS_VERSION"* ]]; then
  echo "Installing schemathesis==$SCHEMATHESIS_VERSION into $venv"
  rm -rf "$venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
"$venv/bin/schemathesis" --version

work="$(mktemp -d "${TMPDIR:-/tmp}/iop-api-test.XXXXXX")"
stack_pid=""
stop_stack() {
  local status=$?
  if [[ -n "$stack_pid" ]] && kill -0 "$stack_pid" 2>/dev/null; then
    # The stack's own process group (setsid below): npm, tsx and node; OpenSearch stops with it.
    kill -TERM -- "-$stack_pid" 2>/dev/null || true
    for _ in $(seq 1 60); do
      kill -0 "$stack_pid" 2>/dev/null || break
      sleep 0.5
    done
    kill -KILL -- "-$stack_pid" 2>/dev/null || true
  fi
  if [[ $status -ne 0 && -f "$work/stack.log" ]]; then
    echo "--- last lines of the stack's log ($work/stack.log)"
    tail -n 40 "$work/stack.log" || true
  fi
  if [[ $status -eq 0 ]]; then rm -rf "$work"; fi
  exit $status
}
trap stop_stack EXIT
trap 'exit 130' INT TERM

port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export DATA_DIR="$work/data" PORT="$port" SEED=demo DEMO_SIZE=200
# The cap on one provider's listings waiting for review (429; every create is validated before
# the cap is checked): a little above the default 5, so that stateful sequences (create, then edit,
# approve, reject...) still find room after the coverage phase filled some. Far more makes each
# refused create slow: it reads every listing the provider has waiting (review-capacity.ts).
export MAX_PENDING_LISTINGS=10

echo "Starting the stack on port $port (DATA_DIR $DATA_DIR)"
setsid npm start >"$work/stack.log" 2>&1 &
stack_pid=$!
for _ in $(seq 1 360); do
  grep -q ' ready on ' "$work/stack.log" && break
  kill -0 "$stack_pid" 2>/dev/null || { echo "The stack exited before it was ready"; exit 1; }
  sleep 0.5
done
grep -q ' ready on ' "$work/stack.log" || { echo "The stack was not ready within 180 s"; exit 1; }
sed -n '/ ready on /p' "$work/stack.log"

PROVIDER_TOKEN="$(npm run -s token -- --provider api-test-provider --expires-in 1h)"
REVIEWER_TOKEN="$(npm run -s token -- --provider api-test-reviewer --reviewer --expires-in 1h)"
export PROVIDER_TOKEN REVIEWER_TOKEN

options=(--report "${SCHEMATHESIS_REPORT:-junit}" --report-dir "$report_dir")
[[ -n "${SCHEMATHESIS_MAX_TIME:-}" ]] && options+=(--max-time "$SCHEMATHESIS_MAX_TIME")
[[ -n "${SCHEMATHESIS_SEED:-}" ]] && options+=(--seed "$SCHEMATHESIS_SEED")
started=$(date +%s)
"$venv/bin/schemathesis" --config-file schemathesis.toml run "http://127.0.0.1:$port/v1/openapi.json" "${options[@]}" \
  | tee "$work/schemathesis.out"
# Schemathesis closes with a pytest-style "N warnings in Ts" line that names no test; end on the
# plain count of test cases instead ("N passed, N failed"), which CI reads as the run's result.
counts="$(sed -n 's/^ *\([0-9]*\) generated, \([0-9]*\) passed.*$/\2/p' "$work/schemathesis.out" | tail -n 1)"
skipped="$(sed -n 's/^ *[0-9]* generated, .* \([0-9]*\) skipped.*$/\1/p' "$work/schemathesis.out" | tail -n 1)"
echo "schemathesis ran for $(($(date +%s) - started)) s"
echo "schemathesis: ${counts:-0} passed, 0 failed, ${skipped:-0} skipped"
