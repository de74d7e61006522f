#!/usr/bin/env bash
# npm run bench: every benchmark at sizes that finish in a few minutes; each prints its own figures and
# ratios. Run the individual bench:* scripts for the full sizes named in the issues.
set -euo pipefail
cd "$(dirname "$0")/.."
echo "== recommendations (compute) ==";  npm run --silent bench:recs -- --sizes retail,10k,200k
echo "== segments ==";                   npm run --silent bench:segments
echo "== webhooks ==";                   npm run --silent bench:webhooks -- --n 1000 --concurrency 16
echo "== storefront ==";                 npm run --silent bench:storefront -- --duration 10
echo "== fairness between shops =="; npm run --silent bench:fairness -- --orders 50000 --products 5000
echo "== theme assets ==";               npm run --silent assets:size
