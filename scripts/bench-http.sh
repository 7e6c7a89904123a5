#!/usr/bin/env bash
# Compares `GET /health` throughput of the agentos server with a bare axum hello server, in one run,
# with wrk on loopback. Installs Debian's wrk when it is missing (as root).
# Usage: scripts/bench-http.sh [seconds per round]   (default 10; three rounds each)
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${1:-10}"

if ! command -v wrk >/dev/null 2>&1; then
  apt-get update -qq && apt-get install -y -qq wrk >/dev/null
fi
cargo build --release -q -p agentos-server --bin agentos --example bare_axum

data_dir=$(mktemp -d)
target/release/agentos --port 18000 --rate-limit 0 --data-dir "$data_dir" 2>/dev/null &
agentos_pid=$!
target/release/examples/bare_axum 18001 &
bare_pid=$!
trap 'kill $agentos_pid $bare_pid 2>/dev/null; rm -rf "$data_dir"' EXIT
for port in 18000 18001; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.05; done
done

rps() { wrk -t1 -c32 -d"${duration}s" "http://127.0.0.1:$1/health" | awk '/Requests\/sec/ {print $2}'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# Alternate the two servers over three rounds so background load hits both alike; report medians.
agentos_runs=(); bare_runs=()
for _ in 1 2 3; do
  agentos_runs+=("$(rps 18000)")
  bare_runs+=("$(rps 18001)")
done
agentos_rps=$(printf '%s\n' "${agentos_runs[@]}" | median)
bare_rps=$(printf '%s\n' "${bare_runs[@]}" | median)
ratio=$(awk -v a="$agentos_rps" -v b="$bare_rps" 'BEGIN { printf "%.2f", a / b }')
echo "agentos /health: ${agentos_rps} req/s"
echo "bare axum /health: ${bare_rps} req/s"
echo "ratio: ${ratio} (target >= 0.7)"
