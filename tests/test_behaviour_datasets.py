"""Behaviour of rnnbook.datasets beyond the bundled files: corrupt files are refused
with a clear error, the cache cannot be changed through anything, empty decodes."""

import numpy as np
import pytest

from rnnbook import datasets

CACHED = (datasets._laser, datasets._sunspots, datasets._lambda_phage, datasets._shakespeare)


@pytest.fixture
def fake_files(monkeypatch):
    """Serve the loaders made-up file contents; the caches are emptied before and after."""
    files = {}
    for f in CACHED:
        f.cache_clear()
    monkeypatch.setattr(datasets, "_text", lambda name: files[name])
    yield files
    for f in CACHED:
        f.cache_clear()


def test_decode_of_an_empty_range():
    seq = datasets.SymbolicSequence(np.array([2, 0, 1]), "abc")
    assert seq.decode(1, 1) == ""
    assert seq.decode(3, 3) == ""
    assert seq.decode(0, 3) == "cab"
    with pytest.raises(ValueError, match=r"^stop must not be before start \(2\); got 1$"):
        seq.decode(2, 1)


def test_cached_arrays_are_read_only(fake_files):
    fake_files.update({
        "santafe_laser.txt": "3 1\n4\n",
        "sunspots_monthly.csv": "year,month,sunspots\n1749,1,58.0\n1749,2,62.6\n",
        "lambda_phage.fa": ">x\nACg\nT\n",
        "tinyshakespeare.txt": "ba a\n",
    })
    assert datasets.load_laser().tolist() == [3, 1, 4]
    spots = datasets.load_sunspots()
    assert spots.month.tolist() == [1, 2] and spots.sunspots.tolist() == [58.0, 62.6]
    phage = datasets.load_lambda_phage()
    assert phage.symbols.tolist() == [0, 1, 2, 3] and phage.decode() == "ACGT"
    text = datasets.load_shakespeare()
    assert text.alphabet == "\n ab" and text.symbols.tolist() == [3, 2, 1, 2, 0]
    arrays = [datasets._laser(), *datasets._sunspots(), datasets._lambda_phage(),
              datasets._shakespeare().symbols]
    for arr in arrays:
        assert not arr.flags.writeable
        with pytest.raises(ValueError, match=r"read-only"):
            arr[0] = 0


@pytest.mark.parametrize("name, content, loader, match", [
    ("sunspots_monthly.csv", "year;month;sunspots\n1749;1;58.0\n", "load_sunspots",
     r"^sunspots_monthly.csv has an unexpected header: year;month;sunspots$"),
    ("lambda_phage.fa", "ACGT\n", "load_lambda_phage", r"^lambda_phage.fa is not a FASTA file$"),
    ("lambda_phage.fa", "", "load_lambda_phage", r"^lambda_phage.fa is not a FASTA file$"),
    ("lambda_phage.fa", ">x\nACGN\n", "load_lambda_phage",
     r"^lambda_phage.fa holds a character other than A, C, G, T$"),
    ("lambda_phage.fa", ">x\nAC-T\n", "load_lambda_phage",
     r"^lambda_phage.fa holds a character other than A, C, G, T$"),
])
def test_corrupt_files_are_refused(fake_files, name, content, loader, match):
    fake_files[name] = content
    with pytest.raises(RuntimeError, match=match):
        getattr(datasets, loader)()
