"""Run every benchmark and print one table of ratios to a raw baseline measured in the same run.

Usage: .venv/bin/python -m benchmarks.run [NAME ...]   (names: import, certificates, sync, gui)
"""

from __future__ import annotations

import importlib
import sys
import traceback

BENCHMARKS = ("import", "certificates", "sync", "gui")


def print_table(rows: list[tuple[str, float, float, float]]) -> None:
    width = max((len(row[0]) for row in rows), default=10)
    print(f"{'benchmark':<{width}}  {'ours (s)':>10}  {'baseline (s)':>12}  {'ratio':>7}")
    for name, ours, baseline, ratio in rows:
        print(f"{name:<{width}}  {ours:>10.3f}  {baseline:>12.3f}  {ratio:>7.2f}")


def main(names: list[str]) -> int:
    rows: list[tuple[str, float, float, float]] = []
    failed = []
    for name in names or BENCHMARKS:
        try:
            module = importlib.import_module(f"benchmarks.bench_{name}")
        except ModuleNotFoundError as error:
            print(f"benchmark {name}: not available ({error})", file=sys.stderr)
            failed.append(name)
            continue
        try:
            rows.extend(module.run())
        except Exception:  # noqa: BLE001 - one broken benchmark must not hide the others' numbers
            traceback.print_exc()
            failed.append(name)
    print_table(rows)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
