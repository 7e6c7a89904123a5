#!/usr/bin/env bash
# Runs the spawn benchmark of agentos-kernel: spawn+wait of /bin/true bare, through the kernel
# with every sandbox layer, and under `bwrap --unshare-all`. Installs Debian's bubblewrap
# first when it is missing, then prints the p50 (median) of each case from criterion's output.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v bwrap >/dev/null 2>&1; then
    apt-get update
    apt-get install -y bubblewrap
fi

echo "load before: $(uptime)"
cargo bench -p agentos-kernel --bench spawn -- --warm-up-time 1 --measurement-time 3 "$@" 2> >(tee target/bench-spawn-stderr.txt >&2)
echo "load after: $(uptime)"
grep '^interleaved' target/bench-spawn-stderr.txt || true

python3 - <<'PY'
import json, pathlib
def cases(group):
    root = pathlib.Path("target/criterion") / group
    rows = []
    for case in sorted(root.iterdir()) if root.exists() else []:
        estimates = case / "new" / "estimates.json"
        if estimates.exists():
            data = json.loads(estimates.read_text())
            rows.append((case.name, data["median"]["point_estimate"] / 1e6, data["mean"]["point_estimate"] / 1e6))
    return rows
main = cases("spawn_wait_bin_true")
bare = next((median for name, median, _ in main if name == "bare_command"), None)
bwrap = next((median for name, median, _ in main if name == "bwrap_unshare_all"), None)
print(f"{'case':<32} {'p50 ms':>8} {'mean ms':>8} {'x bare':>7} {'x bwrap':>8}")
for name, median, mean in main + [("layer/" + n, m, a) for n, m, a in cases("spawn_layer_cost")]:
    ratio = f"{median / bare:.2f}" if bare else "-"
    vs_bwrap = f"{median / bwrap:.2f}" if bwrap else "-"
    print(f"{name:<32} {median:8.3f} {mean:8.3f} {ratio:>7} {vs_bwrap:>8}")
PY
