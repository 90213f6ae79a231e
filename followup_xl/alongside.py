"""Run a check on a second core while the caller goes on with its own work.

zlib and lxml's parser work outside Python's lock, so a check that mostly decompresses or
parses (a package's members, a sheet's well-formedness) runs beside Python code at nearly no
cost to it. The outcome is the one the check would have had run first: its failure is the one
reported, even when the caller's own work failed meanwhile.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor


@contextlib.contextmanager
def alongside(check: Callable[[], None]) -> Iterator[None]:
    """Run `check` on a worker thread while the block runs; raise its failure first."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        done = pool.submit(check)
        try:
            yield
        except Exception:
            done.result()  # the check's failure, if any, comes first
            raise
        done.result()
