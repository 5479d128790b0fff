"""tools/execute_notebooks.py: the kernel channels are polled in short slices."""

from __future__ import annotations

import asyncio
import concurrent.futures
import importlib.util
import time
from pathlib import Path
from queue import Empty

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent


def load_tool():
    spec = importlib.util.spec_from_file_location(
        "execute_notebooks", ROOT / "tools" / "execute_notebooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


tool = load_tool()


def run(coroutine):
    """asyncio.run in a thread of its own: in a full pytest session another
    test may leave an event loop running in this thread."""
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class LostWakeUp:
    """A channel whose poll never wakes for a message: it sleeps out its timeout,
    then finds the message with a last check (zmq.asyncio's behaviour when the
    edge of its file descriptor is missed)."""

    def __init__(self, ready_after: float):
        self.ready_at = time.monotonic() + ready_after
        self.timeouts = []

    async def get_msg(self, timeout=None):
        self.timeouts.append(timeout)
        await asyncio.sleep(timeout)
        if time.monotonic() >= self.ready_at:
            return {"msg": "reply"}
        raise Empty


def test_a_lost_wake_up_costs_one_slice_not_the_whole_timeout():
    channel = LostWakeUp(ready_after=0.05)
    get_msg = tool._in_slices(channel.get_msg, slice_seconds=0.02)
    start = time.monotonic()
    assert run(get_msg(timeout=30.0)) == {"msg": "reply"}
    assert time.monotonic() - start < 1.0
    assert len(channel.timeouts) >= 2
    assert max(channel.timeouts) <= 0.02
    # unsliced, the same channel sleeps out the caller's whole timeout
    channel = LostWakeUp(ready_after=0.05)
    start = time.monotonic()
    assert run(channel.get_msg(timeout=0.3)) == {"msg": "reply"}
    assert time.monotonic() - start >= 0.3


def test_empty_is_raised_once_the_whole_timeout_has_passed():
    channel = LostWakeUp(ready_after=1e9)
    get_msg = tool._in_slices(channel.get_msg, slice_seconds=0.02)
    start = time.monotonic()
    with pytest.raises(Empty):
        run(get_msg(timeout=0.1))
    elapsed = time.monotonic() - start
    assert 0.1 <= elapsed < 1.0
    assert len(channel.timeouts) >= 4
    assert min(channel.timeouts) >= 0.0


def test_no_timeout_keeps_waiting_in_slices():
    channel = LostWakeUp(ready_after=0.1)
    get_msg = tool._in_slices(channel.get_msg, slice_seconds=0.03)
    assert run(get_msg(timeout=None)) == {"msg": "reply"}
    assert len(channel.timeouts) >= 3
    assert set(channel.timeouts) == {0.03}


def test_the_tool_executes_a_notebook_with_the_sliced_client(tmp_path):
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("import time\nx = 6 * 7"),
                nbformat.v4.new_code_cell("time.sleep(1.5)\nprint(x)")]
    path = tmp_path / "probe.ipynb"
    nbformat.write(nb, path)
    tool.execute(path, timeout=60)
    done = nbformat.read(path, as_version=4)
    assert done.cells[1].outputs[0]["text"] == "42\n"
    assert [c.execution_count for c in done.cells] == [1, 2]
