"""Phase laps for the benchmark: off unless FOLLOWUP_XL_TIMINGS names a JSON file to write.

`lap("read")` gives the time since the previous lap to the phase "read" (a phase lapped many
times, say once per letter, adds up). With the variable unset, `lap` only tests one global.
At exit the phases are written as {"phases": [{"phase", "seconds", "peak_mib"}...]}, where
peak_mib is the process's peak resident memory when the phase last ended.
"""

from __future__ import annotations

import os
import time

ENV = "FOLLOWUP_XL_TIMINGS"

_target = os.environ.get(ENV) or None
_last = time.perf_counter()
_phases: dict[str, list[float]] = {}  # name -> [seconds, peak MiB]


def lap(name: str) -> None:
    """Add the time since the previous lap to phase `name` (nothing when timings are off)."""
    if _target is None:
        return
    global _last
    now = time.perf_counter()
    got = _phases.setdefault(name, [0.0, 0.0])
    got[0] += now - _last
    got[1] = _peak_mib()
    _last = time.perf_counter()


def _peak_mib() -> float:
    try:
        import resource
    except ImportError:  # Windows: no peak figure
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write() -> None:
    import json

    if _target is None or not _phases:
        return
    rows = [{"phase": k, "seconds": v[0], "peak_mib": v[1]} for k, v in _phases.items()]
    with open(_target, "w", encoding="utf-8") as fh:
        json.dump({"phases": rows}, fh, indent=1)


if _target is not None:
    import atexit

    atexit.register(_write)
