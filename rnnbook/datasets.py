"""Loaders for the real data sets bundled with :mod:`rnnbook`.

The files live in ``rnnbook/data/`` (see its ``PROVENANCE.md`` for sources and
licences) and are read with :mod:`importlib.resources`, so the loaders work
from an installed package, offline, on Binder and in CI alike.

* :func:`load_laser`: laser intensities, ``(10093,)`` int64;
* :func:`load_sunspots`: :class:`Sunspots` with ``year``, ``month`` (int64)
  and ``sunspots`` (float64), each ``(3126,)``;
* :func:`load_lambda_phage`: :class:`SymbolicSequence` over ``"ACGT"``,
  ``(48502,)`` int64;
* :func:`load_shakespeare`: :class:`SymbolicSequence` over 65 characters,
  ``(1115394,)`` int64.

Introduced in chapter 1, *State-space models*; used from chapter 6 on.
"""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import NamedTuple

import numpy as np


class SymbolicSequence(NamedTuple):
    """A symbolic sequence: integer symbol indices and the alphabet they index.

    Attributes
    ----------
    symbols : numpy.ndarray, shape ``(T,)``, int64
        ``alphabet[symbols[t]]`` is the ``t``-th symbol.
    alphabet : str
        The symbols, in index order.
    """

    symbols: np.ndarray
    alphabet: str

    def decode(self, start: int = 0, stop: int | None = None) -> str:
        """The symbols ``start:stop`` as a string (``0 <= start <= stop <= len``)."""
        from rnnbook.validation import check_nonnegative_int

        n = len(self.symbols)
        start = check_nonnegative_int("start", start, maximum=n)
        stop = n if stop is None else check_nonnegative_int("stop", stop, maximum=n)
        if stop < start:
            raise ValueError(f"stop must not be before start ({start}); got {stop}")
        return "".join(self.alphabet[i] for i in self.symbols[start:stop])


class Sunspots(NamedTuple):
    """Monthly mean sunspot numbers.

    Attributes
    ----------
    year, month : numpy.ndarray, shape ``(3126,)``, int64
    sunspots : numpy.ndarray, shape ``(3126,)``, float64
    """

    year: np.ndarray
    month: np.ndarray
    sunspots: np.ndarray


def _text(name: str) -> str:
    return resources.files("rnnbook").joinpath("data", name).read_text(encoding="utf-8")


def _readonly(*arrays: np.ndarray) -> None:
    for arr in arrays:
        arr.flags.writeable = False


@lru_cache(maxsize=None)
def _laser() -> np.ndarray:
    values = np.array(_text("santafe_laser.txt").split(), dtype=np.int64)
    _readonly(values)
    return values


def load_laser() -> np.ndarray:
    """The Santa Fe competition's data set A: a chaotic far-infrared laser.

    Returns
    -------
    numpy.ndarray, shape ``(10093,)``, int64
        Intensities in ``0 .. 255``; the first 1000 are the competition's
        original training set. A fresh, writable copy on every call.
    """
    return _laser().copy()


@lru_cache(maxsize=None)
def _sunspots() -> Sunspots:
    lines = _text("sunspots_monthly.csv").strip().splitlines()
    if lines[0].strip() != "year,month,sunspots":
        raise RuntimeError("sunspots_monthly.csv has an unexpected header: " + lines[0])
    rows = np.array([line.split(",") for line in lines[1:]], dtype=np.float64)
    result = Sunspots(rows[:, 0].astype(np.int64), rows[:, 1].astype(np.int64), rows[:, 2])
    _readonly(*result)
    return result


def load_sunspots() -> Sunspots:
    """Monthly mean sunspot numbers, January 1749 to June 2009 (NOAA NGDC).

    Returns
    -------
    Sunspots
        ``year``, ``month`` (int64) and ``sunspots`` (float64), each of shape
        ``(3126,)``, in time order with no gaps. Fresh, writable copies.
    """
    return Sunspots(*(arr.copy() for arr in _sunspots()))


@lru_cache(maxsize=None)
def _lambda_phage() -> np.ndarray:
    lines = _text("lambda_phage.fa").splitlines()
    if not lines or not lines[0].startswith(">"):
        raise RuntimeError("lambda_phage.fa is not a FASTA file")
    bases = "".join(line.strip() for line in lines[1:]).upper()
    codes = np.frombuffer(bases.encode("ascii"), dtype=np.uint8)
    lookup = np.full(256, -1, dtype=np.int64)
    for index, base in enumerate("ACGT"):
        lookup[ord(base)] = index
    symbols = lookup[codes]
    if np.any(symbols < 0):
        raise RuntimeError("lambda_phage.fa holds a character other than A, C, G, T")
    _readonly(symbols)
    return symbols


def load_lambda_phage() -> SymbolicSequence:
    """The complete genome of bacteriophage lambda (NCBI RefSeq NC_001416.1).

    Returns
    -------
    SymbolicSequence
        ``symbols`` of shape ``(48502,)``, int64, indexing ``alphabet == "ACGT"``.
    """
    return SymbolicSequence(_lambda_phage().copy(), "ACGT")


@lru_cache(maxsize=None)
def _shakespeare() -> SymbolicSequence:
    text = _text("tinyshakespeare.txt")
    alphabet = "".join(sorted(set(text)))
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    lookup = np.zeros(int(codes.max()) + 1, dtype=np.int64)
    lookup[[ord(ch) for ch in alphabet]] = np.arange(len(alphabet))
    symbols = lookup[codes]
    _readonly(symbols)
    return SymbolicSequence(symbols, alphabet)


def load_shakespeare() -> SymbolicSequence:
    """Shakespeare's plays as one character sequence (the "tiny Shakespeare" corpus).

    Returns
    -------
    SymbolicSequence
        ``symbols`` of shape ``(1115394,)``, int64, indexing ``alphabet``: the
        65 distinct characters of the text in code-point order (newline,
        space, punctuation, digits, capitals, small letters).
    """
    seq = _shakespeare()
    return SymbolicSequence(seq.symbols.copy(), seq.alphabet)
