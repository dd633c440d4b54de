"""A writer process for the concurrency and crash tests (run with ``sys.executable``, not collected).

Usage::

    python pdsa_writer.py FILE add N GO_FILE     # wait for GO_FILE, then add N cycles, one transaction each
    python pdsa_writer.py FILE crash N           # add whole projects and cycles until killed

Before each change it prints ``writing ...``, after it is committed ``committed <kind> <id>``
(flushed), so the test knows what was committed before the process was killed, and whether the
kill came in the middle of a change.
"""

from __future__ import annotations

import os
import sys
import time
import warnings


def main() -> int:
    path, mode, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
    warnings.simplefilter("ignore")
    import qitools as qi

    store = qi.pdsa.open(path, timeout=30)
    if mode == "add":
        go = sys.argv[4]
        print("ready", flush=True)
        deadline = time.monotonic() + 20
        while not os.path.exists(go) and time.monotonic() < deadline:
            time.sleep(0.002)
        for i in range(n):
            c = store.put(
                qi.pdsa.PDSACycle(
                    change_idea="CI1", objective=f"writer {os.getpid()} cycle {i}", predictions=["it works"], scale_n=1
                ),
                project="ward-falls",
            )
            print(f"committed cycle {c.id}", flush=True)
        return 0
    if mode == "crash":
        base = qi.pdsa.example_project()
        print("ready", flush=True)
        for i in range(n):
            base.id = f"copy-{os.getpid()}-{i}"
            print(f"writing project {base.id}", flush=True)
            store.add_project(base)  # about 30 rows in one transaction
            print(f"committed project {base.id}", flush=True)
            print("writing cycle", flush=True)
            c = store.put(
                qi.pdsa.PDSACycle(
                    change_idea="CI2",
                    objective=f"crash writer {i}",
                    predictions=["x" * 2000],
                    scale_n=1,
                    results="r" * 20000,
                    end_date="2024-12-01",
                ),
                project="ward-falls",
            )
            print(f"committed cycle {c.id}", flush=True)
        return 0
    return 2


if __name__ == "__main__":
    sys.exit(main())
