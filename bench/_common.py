"""What every bench script shares: the environment before django.setup() and small helpers."""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import tempfile
import time
from pathlib import Path


def configure(name: str) -> tuple[str, Path | None]:
    """Settings module, production-like debug off, and a throwaway SQLite file unless
    DATABASE_URL points at PostgreSQL. Returns the backend name and the temp folder (or None)."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings"
    os.environ.setdefault("DJANGO_DEBUG", "0")
    os.environ.setdefault("DJANGO_SECRET_KEY", f"bench-{name}-not-a-secret")
    os.environ.setdefault("LOG_LEVEL", "WARNING")
    # Plain HTTP in-process: no HTTPS redirect (debug off turns it on behind the proxy).
    os.environ.setdefault("SECURE_SSL_REDIRECT", "0")
    # Debug off requires a certificate signing key (config/settings.py): a fixed one per bench,
    # any 32 bytes being a valid Ed25519 private key.
    os.environ.setdefault(
        "CERTIFICATE_SIGNING_KEY",
        base64.b64encode(hashlib.sha256(f"bench-{name}".encode()).digest()).decode(),
    )
    if os.environ.get("DATABASE_URL"):
        return "postgresql", None
    folder = Path(tempfile.mkdtemp(prefix=f"saiwu-bench-{name}-"))
    os.environ["SQLITE_PATH"] = str(folder / "bench.sqlite3")
    return "sqlite", folder


def split(total: int, weights: list[float]) -> list[int]:
    """Largest-remainder split of `total` in proportion to `weights`."""
    raw = [w / sum(weights) * total for w in weights]
    out = [math.floor(x) for x in raw]
    for i in sorted(range(len(raw)), key=lambda i: out[i] - raw[i])[: total - sum(out)]:
        out[i] += 1
    return out


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def cpu_calibration_ms(rounds: int = 5) -> float:
    """Milliseconds one core takes for a fixed pure-Python workload (JSON round trips, sorting,
    building strings and dicts, as a request does), the best of `rounds`. The same code runs
    slower on a slower or busier machine: next to a figure, this says which machine it came
    from (two machines of the same kind here have differed by half)."""
    rows = [{"id": i, "name": f"团队{i}", "scores": [i % 7, i % 11, i % 13]} for i in range(2000)]
    best = math.inf
    for _ in range(rounds):
        started = time.perf_counter()
        for _ in range(5):
            json.loads(json.dumps(rows, ensure_ascii=False))
            ordered = sorted(rows, key=lambda r: (r["scores"][1], r["name"]))
            index = {f"{r['id']}:{r['name']}": sum(r["scores"]) for r in ordered}
            assert len(index) == len(rows)
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)
