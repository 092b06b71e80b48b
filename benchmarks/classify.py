"""Verdicts per second: through `classify()` one at a time, and through the CLI.

    python benchmarks/classify.py [--n 20000] [--lang it]

Profiles are random but valid and fixed by a seed, so runs compare.
Goal on the 2-core reference machine: 20,000 verdicts/s in process, in Italian.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from classifier import FIELDS, ProfileError, classify, parse_profile


def random_profiles(n: int, seed: int = 7) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    profiles: list[dict[str, Any]] = []
    while len(profiles) < n:
        profile: dict[str, Any] = {}
        for spec in FIELDS:
            if rng.random() < 0.6:
                if spec.kind == "count":
                    profile[spec.name] = rng.randint(0, 6)
                elif spec.kind == "bool":
                    profile[spec.name] = rng.random() < 0.5
                else:
                    profile[spec.name] = rng.choice(spec.values)
        try:
            parse_profile(profile)
        except ProfileError:
            continue
        profiles.append(profile)
    return profiles


def bench_api(profiles: list[dict[str, Any]], lang: str, model: str) -> float:
    for profile in profiles[:2000]:  # warm the sentence cache as a long-running app would
        classify(profile, lang=lang, model=model)
    start = time.perf_counter()
    for profile in profiles:
        classify(profile, lang=lang, model=model).to_dict()
    return len(profiles) / (time.perf_counter() - start)


def bench_cli(profiles: list[dict[str, Any]], lang: str) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "in.jsonl"
        path.write_text("".join(json.dumps(p) + "\n" for p in profiles), encoding="utf-8")
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "classifier", "classify", str(path), "--lang", lang],
            stdout=subprocess.PIPE,
            check=True,
        )
        elapsed = time.perf_counter() - start
    assert done.stdout.count(b"\n") == len(profiles)
    return len(profiles) / elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--lang", default="it")
    args = parser.parse_args()
    profiles = random_profiles(args.n)
    for model in ("funnel", "bant"):
        rate = bench_api(profiles, args.lang, model)
        print(f"classify() {model:6} lang={args.lang}: {rate:>9,.0f} verdicts/s")
    rate = bench_cli(profiles, args.lang)
    print(f"funnel-coach classify (process, {args.n} lines): {rate:>9,.0f} verdicts/s")


if __name__ == "__main__":
    main()
