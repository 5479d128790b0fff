# Two commands do everything on a fresh machine with Python 3.11:
#   make book   - install into .venv and build the book into _build/html
#   make test   - install into .venv and run every test (unit, nbval, build, browser)
# The browser test needs Debian's Chromium: apt-get install chromium (see README).

PYTHON ?= python3
# One BLAS thread: the book's matrices are small, a second thread paid off for
# chapter 5 alone and cost time in chapter 9 (the README's "Threads" gives the
# measured times), and the stored outputs were made this way. `make execute`
# and the Binder kernels (`start`) use it; the nbval kernels of `make test`
# deliberately run with other numerics (tests/conftest.py).
export OPENBLAS_NUM_THREADS := 1
export OMP_NUM_THREADS := 1
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: book test execute clean

$(STAMP): requirements.txt pyproject.toml
	$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), "rnnbook needs Python 3.11; run make PYTHON=python3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(STAMP)

book: $(STAMP)
	$(BIN)/jupyter-book build . --all --warningiserror --keep-going

# Two pytest workers (pytest-xdist), one file each at a time: a notebook's cells
# share one kernel, so they must stay together (--dist loadfile).
test: $(STAMP)
	$(BIN)/python -m pytest tests chapters --nbval --nbval-current-env \
		--nbval-sanitize-with tests/sanitize.cfg --nbval-cell-timeout 300 -p no:cacheprovider \
		-n 2 --dist loadfile --no-loadscope-reorder

# Re-execute the notebooks and store their outputs (after editing a chapter).
execute: $(STAMP)
	$(BIN)/python tools/execute_notebooks.py

clean:
	rm -rf _build
