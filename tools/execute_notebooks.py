"""Execute notebooks top to bottom in a fresh kernel and store their outputs.

    python tools/execute_notebooks.py chapters/01_state_space.ipynb [...]
    python tools/execute_notebooks.py            # every notebook in chapters/

This is how the stored outputs are made (``make execute``). Each notebook runs
in its own directory with a fresh ``python3`` kernel; widget state is not
stored (the static book never loads widget JavaScript), and the run stops at
the first error unless the cell is tagged ``raises-exception``. Prints each
notebook's wall time.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from queue import Empty

import nbformat
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent

# as in the Makefile: one BLAS thread for the book's small matrices; the
# kernels started below inherit it
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


# The longest single wait on a kernel socket (seconds); see _in_slices.
POLL_SLICE = 1.0


def _in_slices(get_msg, slice_seconds: float = POLL_SLICE):
    """``get_msg`` of an asyncio kernel channel, waiting at most ``slice_seconds`` at a time.

    nbclient waits for a cell's reply with one poll of up to its whole timeout.
    zmq.asyncio learns of a message from an edge-triggered file descriptor,
    and on rare occasions the wake-up is lost: the reply sits in the socket
    while the poll sleeps, until its timeout ends it with a last non-blocking
    check, which finds the message (so no error, only a run about 600 s
    longer than it should be; seen a few times in several hundred runs, with
    the kernel and client both idle). Waiting in short slices ends each with
    that check, so a lost wake-up costs at most one slice. ``Empty`` is raised
    as before, once the caller's whole timeout has passed (``None``: never).
    nbval's blocking client polls level-triggered and is not affected.
    """
    async def sliced(timeout=None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = slice_seconds if deadline is None else deadline - time.monotonic()
            try:
                return await get_msg(timeout=max(0.0, min(slice_seconds, left)))
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise
    return sliced


class SlicedClient(NotebookClient):
    """nbclient's executor, with its kernel channels polled in slices (:func:`_in_slices`)."""

    async def async_start_new_kernel_client(self):
        client = await super().async_start_new_kernel_client()
        for channel in (client.shell_channel, client.iopub_channel):
            channel.get_msg = _in_slices(channel.get_msg)
        return client


def execute(path: Path, timeout: int = 600) -> float:
    nb = nbformat.read(path, as_version=4)
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3",
                                 "language": "python"}
    client = SlicedClient(nb, timeout=timeout, kernel_name="python3",
                          resources={"metadata": {"path": str(path.parent)}},
                          record_timing=False)
    start = time.perf_counter()
    client.execute()
    elapsed = time.perf_counter() - start
    nb.metadata.pop("widgets", None)
    nbformat.validate(nb)
    nbformat.write(nb, path)
    return elapsed


def main(argv: list[str]) -> int:
    paths = [Path(p) for p in argv] or sorted((ROOT / "chapters").glob("*.ipynb"))
    for path in paths:
        elapsed = execute(path.resolve())
        print(f"{path}: executed in {elapsed:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
