#!/usr/bin/env python3
"""Plots the scaling series of `cargo bench --bench compare` as PNGs.

The bench writes its points to target/bench-scaling.csv (series,size,implementation,
ns_per_item); this draws one log-log chart per series into benches/compare/plots/, the
files BENCHMARKS.md shows. Needs matplotlib (`pip install matplotlib`); not part of CI.

    python3 scripts/plot-bench.py [target/bench-scaling.csv] [benches/compare/plots]
"""

import csv
import sys
from collections import defaultdict
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402

UNITS = {"fanout": "ns per poll", "timers": "ns per sleep", "semaphore": "ns per waiter",
         "deadline": "ns per expiry"}
TITLES = {
    "fanout": "Fan-out: N tasks ready at once",
    "timers": "Timers: N tasks asleep at once",
    "semaphore": "Semaphore(10) waiters cancelled by timeouts",
    "deadline": "N timeouts expiring at one deadline",
}


def main() -> None:
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "target/bench-scaling.csv")
    out = Path(sys.argv[2] if len(sys.argv) > 2 else "benches/compare/plots")
    out.mkdir(parents=True, exist_ok=True)
    series: dict[str, dict[str, list[tuple[int, float]]]] = defaultdict(lambda: defaultdict(list))
    with src.open() as f:
        for row in csv.DictReader(f):
            series[row["series"]][row["implementation"]].append(
                (int(row["size"]), float(row["ns_per_item"]))
            )
    for name, impls in series.items():
        fig, ax = plt.subplots(figsize=(6.4, 4.0), dpi=100)
        for imp, points in sorted(impls.items()):
            points.sort()
            ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", label=imp)
        ax.set_xscale("log")
        ax.set_yscale("log")
        ax.set_xlabel("N")
        ax.set_ylabel(UNITS.get(name, "ns per item") + " (median, lower is better)")
        ax.set_title(TITLES.get(name, name))
        ax.grid(True, which="both", alpha=0.3)
        ax.legend()
        fig.tight_layout()
        path = out / f"{name}.png"
        fig.savefig(path)
        plt.close(fig)
        print(path)


if __name__ == "__main__":
    main()
