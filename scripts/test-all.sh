#!/usr/bin/env bash
# npm test: unit, then integration on SQLite and PostgreSQL, then the browser tests, then the chaos suite.
set -euo pipefail
cd "$(dirname "$0")/.."
npx vitest run --project unit --project integration-sqlite --project integration-postgres "$@"
if [ "${SKIP_E2E:-}" != "1" ]; then
  npm run --silent test:e2e
  # test:e2e has just built the app, which is all test:chaos would build first.
  [ "${SKIP_CHAOS:-}" = "1" ] || npx vitest run -c vitest.chaos.config.ts
else
  [ "${SKIP_CHAOS:-}" = "1" ] || npm run --silent test:chaos
fi
