"""Tests of the bundled data sets (rnnbook.datasets), against rnnbook/data/PROVENANCE.md."""

from __future__ import annotations

import inspect
from collections import Counter
from importlib import resources

import numpy as np
import pytest

from rnnbook import datasets
from rnnbook.datasets import (
    Sunspots,
    SymbolicSequence,
    load_lambda_phage,
    load_laser,
    load_shakespeare,
    load_sunspots,
)


# -------------------------------------------------------------------- laser
def test_laser_shape_dtype_range():
    x = load_laser()
    assert x.shape == (10093,) and x.dtype == np.int64
    assert x.min() >= 0 and x.max() <= 255
    assert x[:3].tolist() == [86, 141, 95]


def test_laser_matches_file():
    text = resources.files("rnnbook").joinpath("data", "santafe_laser.txt").read_text()
    values = [int(line) for line in text.split()]
    assert load_laser().tolist() == values


# ----------------------------------------------------------------- sunspots
def test_sunspots_shape_dtype():
    s = load_sunspots()
    assert isinstance(s, Sunspots)
    for arr in s:
        assert arr.shape == (3126,)
    assert s.year.dtype == np.int64 and s.month.dtype == np.int64
    assert s.sunspots.dtype == np.float64
    assert np.all(np.isfinite(s.sunspots)) and np.all(s.sunspots >= 0)


def test_sunspots_first_and_last_rows():
    s = load_sunspots()
    assert (int(s.year[0]), int(s.month[0]), float(s.sunspots[0])) == (1749, 1, 58.0)
    assert (int(s.year[-1]), int(s.month[-1])) == (2009, 6)


def test_sunspots_months_cycle_without_gaps():
    s = load_sunspots()
    assert set(s.month.tolist()) == set(range(1, 13))
    year, month = 1749, 1
    for y, m in zip(s.year.tolist(), s.month.tolist()):
        assert (y, m) == (year, month)
        month += 1
        if month == 13:
            year, month = year + 1, 1


# ------------------------------------------------------------- lambda phage
def test_lambda_phage():
    seq = load_lambda_phage()
    assert isinstance(seq, SymbolicSequence)
    assert seq.alphabet == "ACGT"
    assert seq.symbols.shape == (48502,) and seq.symbols.dtype == np.int64
    counts = Counter(seq.alphabet[i] for i in seq.symbols.tolist())
    assert counts == {"A": 12334, "C": 11362, "G": 12820, "T": 11986}
    assert seq.decode(0, 10) == "GGGCGGCGAC"
    assert seq.decode().startswith("GGGCGGCGAC") and len(seq.decode()) == 48502


def test_lambda_phage_matches_fasta_file():
    text = resources.files("rnnbook").joinpath("data", "lambda_phage.fa").read_text()
    lines = text.splitlines()
    assert lines[0].startswith(">")
    bases = "".join(line.strip() for line in lines[1:])
    assert load_lambda_phage().decode() == bases


# --------------------------------------------------------------- Shakespeare
def test_shakespeare():
    seq = load_shakespeare()
    assert isinstance(seq, SymbolicSequence)
    assert seq.symbols.shape == (1115394,) and seq.symbols.dtype == np.int64
    assert len(seq.alphabet) == 65 and len(set(seq.alphabet)) == 65
    assert list(seq.alphabet) == sorted(seq.alphabet)           # code-point order
    assert seq.alphabet[:2] == "\n "
    assert seq.symbols.min() == 0 and seq.symbols.max() == 64
    assert len(np.unique(seq.symbols)) == 65                     # every character used
    assert seq.decode(0, 14) == "First Citizen:"


def test_shakespeare_matches_file_bytes():
    raw = resources.files("rnnbook").joinpath("data", "tinyshakespeare.txt").read_bytes()
    text = raw.decode("utf-8")
    seq = load_shakespeare()
    assert seq.alphabet == "".join(sorted(set(text)))
    assert seq.decode() == text


# -------------------------------------------------------------- fresh copies
def test_laser_fresh_copy():
    a = load_laser()
    assert a.flags.writeable
    a[:] = -1
    b = load_laser()
    assert b[:3].tolist() == [86, 141, 95] and b.min() >= 0
    assert not np.shares_memory(a, b)


def test_sunspots_fresh_copy():
    a = load_sunspots()
    for arr in a:
        assert arr.flags.writeable
        arr[:] = 0
    b = load_sunspots()
    assert (b.year[0], b.month[0], b.sunspots[0]) == (1749, 1, 58.0)
    assert b.month[-1] == 6


def test_lambda_phage_fresh_copy():
    a = load_lambda_phage()
    assert a.symbols.flags.writeable
    a.symbols[:10] = 3
    assert load_lambda_phage().decode(0, 10) == "GGGCGGCGAC"


def test_shakespeare_fresh_copy():
    a = load_shakespeare()
    assert a.symbols.flags.writeable
    a.symbols[:14] = 0
    assert load_shakespeare().decode(0, 14) == "First Citizen:"


# ------------------------------------------------- read from the package
def test_loaders_do_not_reach_outside_the_package():
    source = inspect.getsource(datasets)
    assert "../shared" not in source
    assert "shared" not in source
    assert "__file__" not in source and "os.getcwd" not in source


@pytest.mark.parametrize("name", ["santafe_laser.txt", "sunspots_monthly.csv",
                                  "lambda_phage.fa", "tinyshakespeare.txt", "PROVENANCE.md"])
def test_data_files_are_package_resources(name):
    assert resources.files("rnnbook").joinpath("data", name).is_file()


def test_loaders_work_from_another_directory(tmp_path, monkeypatch):
    """Clear the loaders' caches and load again from an unrelated working directory."""
    monkeypatch.chdir(tmp_path)
    cached = [datasets._laser, datasets._sunspots, datasets._lambda_phage]
    for fn in cached:
        fn.cache_clear()
    assert load_laser()[:3].tolist() == [86, 141, 95]
    assert load_sunspots().year[0] == 1749
    assert load_lambda_phage().decode(0, 10) == "GGGCGGCGAC"
