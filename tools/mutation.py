"""A small mutation-testing runner for rnnbook (a development tool; not run in CI).

Each mutant is one small AST change to one module of the package: an arithmetic
operator swapped (``+ -``, ``* /``, ``** -> *``), a comparison flipped (``<`` to
``<=``, ``==`` to ``!=``, ``in`` to ``not in`` ...), a constant changed (``0 <-> 1``,
``n -> n + 1``, a float doubled, ``True <-> False``), the sign of an
exponential's argument flipped (``exp(x) -> exp(-x)``), a unary minus removed, a
statement replaced by ``pass`` or a returned value by ``None``, a slice bound
or the end of a ``range`` moved by one, a condition negated, ``and <-> or``.
A seeded random sample of the module's mutants is run; each is written into a
*copy* of the package in a temporary directory (the working tree is never
touched), and the module's test files are run against that copy. A mutant is
killed when the tests fail or time out.

To keep the cost of starting Python and collecting the tests out of every
mutant, the runner imports pytest, numpy, scipy and matplotlib once and forks a
child per mutant; the child puts the copy first on ``sys.path`` (so it imports
the mutated package, never the editable install) and runs ``pytest.main``. A
sanity mutant (the module raising on import) is run first to prove it.

Usage::

    nice -n 19 .venv/bin/python tools/mutation.py lsm --sample 50 --seed 0
    nice -n 19 .venv/bin/python tools/mutation.py lsm --rerun /tmp/mut/lsm.json

The result (every sampled mutant with its diff and outcome) is written as JSON
(``--out``); ``--rerun`` runs again only the survivors of an earlier result,
matching each mutant by function, kind and ordinal (robust to line shifts).
Mutants judged equivalent (no behaviour can tell them apart) are listed in
``EQUIVALENT`` with the reason and left out of the score. The JSON is rewritten
after every mutant, so an interrupted run keeps what it measured. Tests that
fail on the unmutated library (bugs reported, not yet fixed) are listed in
``KNOWN_FAILING`` and deselected, since a run needs a green baseline.

The mutated module is the ``ast.unparse`` of the parsed source (comments and
formatting are lost, behaviour is not); the baseline run checks that this
unparsed module passes the tests. Mutation sites inside annotations and
decorators are skipped; docstrings and other strings are never changed.
"""

from __future__ import annotations

import argparse
import ast
import copy
import difflib
import json
import os
import random
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "rnnbook"

# the test files run against each module's mutants (the new behaviour tests first:
# they are fast, and with -x a mutant they kill stops there)
TESTS = {
    "lsm": ["tests/test_behaviour_lsm.py", "tests/test_lsm.py"],
    "esn": ["tests/test_behaviour_esn.py", "tests/test_esn.py", "tests/test_bad_input.py"],
    "readout": ["tests/test_behaviour_readout.py", "tests/test_esn.py"],
    "markov": ["tests/test_behaviour_markov.py", "tests/test_markov.py"],
    "contractive": ["tests/test_behaviour_contractive.py", "tests/test_contractive.py"],
    "fpm": ["tests/test_behaviour_fpm.py", "tests/test_fpm.py"],
    "lstm": ["tests/test_behaviour_lstm.py", "tests/test_lstm.py"],
    "core": ["tests/test_behaviour_core.py", "tests/test_core.py"],
    "rnn": ["tests/test_core.py", "tests/test_training.py", "tests/test_behaviour_rnn.py"],
    "gru": ["tests/test_behaviour_gru.py", "tests/test_gru.py"],
    "gated": ["tests/test_behaviour_lstm.py", "tests/test_lstm.py", "tests/test_behaviour_gru.py",
              "tests/test_gru.py", "tests/test_bad_input.py"],
    "deep": ["tests/test_behaviour_deep.py", "tests/test_deep.py"],
    "automata": ["tests/test_behaviour_rnn.py", "tests/test_automata.py"],
    "clustering": ["tests/test_clustering.py", "tests/test_fpm.py", "tests/test_bad_input.py"],
    "dynamics": ["tests/test_behaviour_rnn.py", "tests/test_lstm.py", "tests/test_training.py",
                 "tests/test_deep.py", "tests/test_gru.py"],
    "optim": ["tests/test_behaviour_rnn.py", "tests/test_training.py", "tests/test_additions.py"],
    "losses": ["tests/test_behaviour_rnn.py", "tests/test_training.py", "tests/test_gru.py",
               "tests/test_lstm.py"],
    "activations": ["tests/test_behaviour_rnn.py", "tests/test_activations_validation.py",
                    "tests/test_additions.py", "tests/test_training.py"],
    "sequences": ["tests/test_behaviour_esn.py", "tests/test_training.py",
                  "tests/test_activations_validation.py", "tests/test_lstm.py",
                  "tests/test_contractive.py", "tests/test_esn.py"],
    "datasets": ["tests/test_behaviour_datasets.py", "tests/test_datasets.py",
                 "tests/test_bad_input.py", "tests/test_markov.py"],
    "validation": ["tests/test_behaviour_validation.py", "tests/test_bad_input.py",
                   "tests/test_activations_validation.py"],
    "report": ["tests/test_behaviour_report.py", "tests/test_report.py",
               "tests/test_bad_input.py"],
    "gradcheck": ["tests/test_behaviour_experiments.py", "tests/test_bad_input.py",
                  "tests/test_training.py", "tests/test_gru.py", "tests/test_lstm.py"],
    "experiments": ["tests/test_behaviour_experiments.py", "tests/test_bad_input.py",
                    "tests/test_additions.py", "tests/test_training.py",
                    "tests/test_lstm.py", "tests/test_gru.py"],
    "ensemble": ["tests/test_behaviour_experiments.py", "tests/test_bad_input.py",
                 "tests/test_additions.py", "tests/test_lstm.py", "tests/test_gru.py",
                 "tests/test_esn.py"],
    "plotting": ["tests/test_behaviour_plotting.py", "tests/test_behaviour_widgets.py",
                 "tests/test_bad_input.py", "tests/test_additions.py"],
    "widgets": ["tests/test_behaviour_widgets.py", "tests/test_bad_input.py"],
    "diagrams": ["tests/test_behaviour_diagrams.py", "tests/test_diagrams.py",
                 "tests/test_bad_input.py"],
}

# tests that fail on the unmutated library (library bugs reported to the lead):
# left out of the mutation runs, which need a green baseline
KNOWN_FAILING: list[str] = [
]

# mutants judged equivalent, keyed "module:function:kind:ordinal" -> reason
EQUIVALENT: dict[str, str] = {
    "gru:backward_step:usub:-x -> x:0":
        "h_prev.shape[-1] -> h_prev.shape[1]: backward_step takes h_prev of shape (B, H) "
        "and slices gates[:, ...], so a 2-D array is the only input it can run on",
    "markov:split_sequence:cmp0:> -> >=:0":
        "the fractions' sum is allowed to miss 1 by 1e-9 (a convenience bound for "
        "decimal fractions); the two differ only for a float sum off by exactly 1e-9",
    "lsm:Liquid._integrate:cmp0:> -> >=:0":
        "a neuron whose release step equals the current step joins the held list and "
        "is dropped from it in the first step, before any potential is reset",
    "rnn:train_elman_online:const:0 -> 1:4":
        "a repeated check (rnn.py, the second `u.shape[0] == 0` after the epochs check): "
        "an empty u was refused above, and u.shape[1] = n_inputs >= 1 for every RNN the "
        "constructor accepts, so neither condition can be true; the line is dead code",
    "dynamics:limit_contraction:cmp0:> -> >=:0":
        "at current == bound the mutant multiplies W_rc by bound / current, exactly 1.0 "
        "in IEEE arithmetic: every entry stays bit-identical",
    "dynamics:_check_model:return:return x -> return None:0":
        "every caller discards the return value (check_instance raises or returns the "
        "model itself, which the callers already hold)",
    "sequences:adding_problem:binop:// -> /:0":
        "half = length / 2 instead of length // 2 is used only as a bound of "
        "Generator.integers, which truncates float bounds: the same draws for every "
        "length and seed (checked with numpy 2.4, also under -W error)",
    "sequences:markov_chain:const:0 -> 1:7":
        "the placeholders of out after the first symbols: the loop overwrites every one "
        "of them before out is returned",
    "sequences:markov_chain:stmt:statement -> pass:15":
        "the cumulative table stays a numpy array instead of lists of floats: bisect_right "
        "makes the same float64 comparisons on its rows and returns the same index (the "
        "conversion only makes the per-step lookups faster)",
    "lsm:Liquid._start_refractory:cmp0:> -> >=:0":
        "a neuron with no refractory steps (release step = spike step n) joins the held "
        "list and is dropped from it at step n + 1 before any potential is reset (the "
        "list keeps only release steps > n + 1), so it is never held",
    "lsm:_draw_positive:cmp0:<= -> <:1":
        "differs only for a Gaussian draw of exactly 0.0 (probability zero)",
    "esn:EchoStateNetwork.teacher_forced_states:const:2 -> 3:3":
        "the harvest's block size (steps per chunk of the input drive) changes memory "
        "use only: the same states for any block of at least one step",
    "contractive:box_counts:const:24 -> 25:0":
        "the size up to which occupied boxes are counted with a table instead of by "
        "sorting: the same count either way (speed and memory only)",
    "fpm:GridMachine._cell_keys:binop:+ -> -:0":
        "cells numbered with digits of the other sign: still one key per cell, used "
        "alike in fitting and lookup; only the (undocumented) order of the rows of "
        "context_counts changes",
    "fpm:PredictionMachine.__init__:const:0 -> 1:0":
        "n_train when no context is used: unreachable, every fit counts at least one "
        "symbol (the fitting functions refuse sequences too short for that)",
    "markov:ContextTree.sample:binop:- -> +:2":
        "a guard that cannot act: u * cdf[-1] < cdf[-1] for u in [0, 1), so the "
        "right-sided search never returns an index beyond A - 1",
    "lstm:LSTM.loss_and_gradients:stmt:statement -> pass:0":
        "the loss name is checked again by losses.loss_and_delta after the (pure) "
        "forward pass, with the same error; the early check only saves that pass",
    "readout:_solve_refined:range:range end -> end - 1:0":
        "one refinement step fewer: a problem that has not converged then falls back "
        "to the QR solver, which solves the same minimisation (same result to rounding)",
    "readout:_solve_centred:cmp0:== -> !=:3":
        "the Cholesky solver's batched branch (numpy cholesky + two solves) on one "
        "problem gives the same solution as scipy's solve (to rounding)",
    "gradcheck:check_gradients:stmt:statement -> pass:1":
        "numerical_gradients, called next with the same epsilon, runs the same "
        "check_positive_float('epsilon', ...) (same errors, same float) before it moves any "
        "weight; the loss_and_gradients call in between has no side effect",
    "ensemble:stack:const:1 -> 0:0":
        "the loop over models[0:] also compares the first network with itself: the same "
        "class, shapes and activations, so the extra iteration never raises",
    "experiments:parity_memory_accuracy:const:0.5 -> 1.0:1":
        "the test targets of parity_prefix_data are exactly 0.0 or 1.0, so d >= 0.5 and "
        "d >= 1.0 select the same entries",
    "fpm:_encoder_states:const:0 -> 1:0":
        "for one symbol both branches give the initial state alone (after[:-1] is empty), "
        "and an empty sequence never reaches _encoder_states: predict_proba/losses, the "
        "fitting functions and check_valid_test all refuse empty symbols first",
}

SWAP_BIN = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult,
            ast.Pow: ast.Mult, ast.FloorDiv: ast.Div, ast.Mod: ast.FloorDiv}
SWAP_CMP = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
            ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
            ast.In: ast.NotIn, ast.NotIn: ast.In}
EXP_NAMES = {"exp", "expm1"}


def _sym(op) -> str:
    return {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.Pow: "**",
            ast.FloorDiv: "//", ast.Mod: "%", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">",
            ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=", ast.Is: "is",
            ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in",
            ast.And: "and", ast.Or: "or"}.get(type(op), type(op).__name__)


class _Sites(ast.NodeVisitor):
    """Collect mutation sites: (qualname, kind, node path) in a fixed walk order."""

    def __init__(self):
        self.sites = []          # dicts: qual, kind, path (list of field steps)
        self.stack = []          # qualname parts
        self.path = []           # steps from the module node

    # --- generic traversal that records the path to each node
    def walk(self, node):
        self.visit_node(node)
        for field, value in ast.iter_fields(node):
            if field in ("annotation", "returns", "type_comment", "decorator_list"):
                continue
            if isinstance(value, list):
                for i, item in enumerate(value):
                    if isinstance(item, ast.AST):
                        self._descend(item, (field, i))
            elif isinstance(value, ast.AST):
                self._descend(value, (field, None))

    def _descend(self, node, step):
        named = isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        if named:
            self.stack.append(node.name)
        self.path.append(step)
        self.walk(node)
        self.path.pop()
        if named:
            self.stack.pop()

    def add(self, kind, desc, lineno):
        self.sites.append({"qual": ".".join(self.stack) or "<module>", "kind": kind,
                           "desc": desc, "path": list(self.path), "line": lineno})

    def visit_node(self, node):
        line = getattr(node, "lineno", 0)
        if isinstance(node, (ast.BinOp, ast.AugAssign)) and type(node.op) in SWAP_BIN:
            self.add("binop", f"{_sym(node.op)} -> {_sym(SWAP_BIN[type(node.op)]())}", line)
        elif isinstance(node, ast.Compare):
            for i, op in enumerate(node.ops):
                if type(op) in SWAP_CMP:
                    self.add(f"cmp{i}", f"{_sym(op)} -> {_sym(SWAP_CMP[type(op)]())}", line)
        elif isinstance(node, ast.BoolOp):
            self.add("boolop", "and <-> or", line)
        elif isinstance(node, ast.UnaryOp):
            if isinstance(node.op, ast.Not):
                self.add("not", "not x -> x", line)
            elif isinstance(node.op, ast.USub):
                self.add("usub", "-x -> x", line)
        elif isinstance(node, ast.Constant):
            v = node.value
            if isinstance(v, bool):
                self.add("const", f"{v} -> {not v}", line)
            elif isinstance(v, int):
                self.add("const", f"{v} -> {1 if v == 0 else (0 if v == 1 else v + 1)}", line)
            elif isinstance(v, float):
                self.add("const", f"{v} -> {1.0 if v == 0 else v * 2}", line)
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", None))
            if name in EXP_NAMES and node.args:
                self.add("exp", f"{name}(x) -> {name}(-x)", line)
            if name == "range" and node.args:
                self.add("range", "range end -> end - 1", line)
        elif isinstance(node, ast.Slice):
            if node.lower is not None:
                self.add("slice_lo", "slice lower + 1", line)
            if node.upper is not None:
                self.add("slice_hi", "slice upper - 1", line)
        elif isinstance(node, ast.If):
            self.add("ifnot", "if c -> if not c", line)
        elif isinstance(node, ast.While):
            self.add("ifnot", "while c -> while not c", line)
        if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Raise)):
            if not (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)):
                if self.stack:   # statements inside functions and classes only
                    self.add("stmt", "statement -> pass", line)
        if isinstance(node, ast.Return) and node.value is not None:
            if not (isinstance(node.value, ast.Constant) and node.value.value is None):
                self.add("return", "return x -> return None", line)


def find_sites(tree):
    s = _Sites()
    s.walk(tree)
    counts = {}
    for site in s.sites:
        key = (site["qual"], site["kind"], site["desc"])
        site["ordinal"] = counts.get(key, 0)
        counts[key] = site["ordinal"] + 1
        site["key"] = f"{site['qual']}:{site['kind']}:{site['desc']}:{site['ordinal']}"
    return s.sites


def _resolve(tree, path):
    parent, field, index, node = None, None, None, tree
    for f, i in path:
        parent, field, index = node, f, i
        node = getattr(node, f) if i is None else getattr(node, f)[i]
    return parent, field, index, node


def apply(tree, site):
    """Return a mutated deep copy of ``tree`` for ``site``."""
    tree = copy.deepcopy(tree)
    parent, field, index, node = _resolve(tree, site["path"])
    kind = site["kind"]

    def replace(new):
        if index is None:
            setattr(parent, field, new)
        else:
            getattr(parent, field)[index] = new

    if kind == "binop":
        node.op = SWAP_BIN[type(node.op)]()
    elif kind.startswith("cmp"):
        i = int(kind[3:])
        node.ops[i] = SWAP_CMP[type(node.ops[i])]()
    elif kind == "boolop":
        node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
    elif kind == "not":
        replace(node.operand)
    elif kind == "usub":
        replace(node.operand)
    elif kind == "const":
        v = node.value
        if isinstance(v, bool):
            node.value = not v
        elif isinstance(v, int):
            node.value = 1 if v == 0 else (0 if v == 1 else v + 1)
        else:
            node.value = 1.0 if v == 0 else v * 2
    elif kind == "exp":
        node.args[0] = ast.UnaryOp(op=ast.USub(), operand=node.args[0])
    elif kind == "range":
        end = 0 if len(node.args) == 1 else 1
        node.args[end] = ast.BinOp(left=node.args[end], op=ast.Sub(), right=ast.Constant(1))
    elif kind == "slice_lo":
        node.lower = ast.BinOp(left=node.lower, op=ast.Add(), right=ast.Constant(1))
    elif kind == "slice_hi":
        node.upper = ast.BinOp(left=node.upper, op=ast.Sub(), right=ast.Constant(1))
    elif kind == "ifnot":
        node.test = ast.UnaryOp(op=ast.Not(), operand=node.test)
    elif kind == "stmt":
        replace(ast.Pass())
    elif kind == "return":
        node.value = ast.Constant(None)
    else:  # pragma: no cover
        raise ValueError(kind)
    return ast.fix_missing_locations(tree)


def diff(original_src, mutant_src):
    lines = difflib.unified_diff(original_src.splitlines(), mutant_src.splitlines(),
                                 lineterm="", n=1)
    return "\n".join(list(lines)[2:])


# ------------------------------------------------------------------ running
def run_one(copy_dir, module, source, tests, timeout):
    """Write ``source`` as the module in the copy, run the tests in a child."""
    target = copy_dir / "rnnbook" / f"{module}.py"
    target.write_text(source)
    shutil.rmtree(copy_dir / "rnnbook" / "__pycache__", ignore_errors=True)
    start = time.monotonic()
    pid = os.fork()
    if pid == 0:  # child
        try:
            sys.dont_write_bytecode = True
            sys.path.insert(0, str(copy_dir))
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            os.chdir(ROOT)
            import pytest
            deselect = [a for t in KNOWN_FAILING if t.split("::")[0] in tests
                        for a in ("--deselect", t)]
            rc = pytest.main([*tests, "-x", "-q", "-p", "no:cacheprovider",
                              "-p", "no:randomly", *deselect])
            os._exit(int(rc))
        except BaseException:
            os._exit(99)
    while True:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            rc = os.waitstatus_to_exitcode(status)
            return ("survived" if rc == 0 else "killed"), rc, time.monotonic() - start
        if time.monotonic() - start > timeout:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            return "timeout", None, time.monotonic() - start
        time.sleep(0.05)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("module")
    ap.add_argument("--sample", type=int, default=50)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--tests", nargs="*", help="test files (default: TESTS[module])")
    ap.add_argument("--out", help="JSON result file (default /tmp/mutation/<module>.json)")
    ap.add_argument("--rerun", help="rerun the survivors of this JSON result")
    ap.add_argument("--list", action="store_true", help="list the sites and stop")
    args = ap.parse_args(argv)

    module = args.module
    tests = args.tests or [t for t in TESTS[module] if (ROOT / t).exists()]
    out = Path(args.out or f"/tmp/mutation/{module}.json")
    out.parent.mkdir(parents=True, exist_ok=True)

    original = (PACKAGE / f"{module}.py").read_text()
    tree = ast.parse(original)
    base_src = ast.unparse(tree)
    sites = find_sites(tree)
    if args.list:
        for s in sites:
            print(s["line"], s["key"])
        print(len(sites), "sites")
        return 0

    if args.rerun:
        previous = json.loads(Path(args.rerun).read_text())
        by_key = {s["key"]: s for s in sites}
        wanted = [m["key"] for m in previous["mutants"] if m["outcome"] == "survived"]
        missing = [k for k in wanted if k not in by_key]
        if missing:
            print("not found in the current module (code changed):", missing)
        chosen = [by_key[k] for k in wanted if k in by_key]
    else:
        rng = random.Random(args.seed)
        chosen = rng.sample(sites, min(args.sample, len(sites)))

    import matplotlib  # noqa: F401  (imported once in the parent, shared by the forks)
    matplotlib.use("Agg")
    import hypothesis  # noqa: F401
    import numpy  # noqa: F401
    import pytest  # noqa: F401
    import scipy  # noqa: F401
    import scipy.linalg  # noqa: F401

    with tempfile.TemporaryDirectory(prefix="rnnbook-mut-") as tmp:
        copy_dir = Path(tmp)
        shutil.copytree(PACKAGE, copy_dir / "rnnbook",
                        ignore=shutil.ignore_patterns("__pycache__"))
        # the baseline: the unmutated (unparsed) module must pass
        status, rc, base_t = run_one(copy_dir, module, base_src, tests, 1e9)
        print(f"baseline: {status} in {base_t:.1f} s ({' '.join(tests)})", flush=True)
        if status != "survived":
            print("the unmutated module fails its tests; stop")
            return 1
        # the sanity mutant: the copy, not the working tree, is imported
        status, rc, _ = run_one(copy_dir, module,
                                "raise ImportError('mutation sanity')\n" + base_src,
                                tests, 1e9)
        print(f"sanity mutant (module raises on import): {status}", flush=True)
        if status != "killed":
            print("the copy is not what the tests import; stop")
            return 1
        timeout = 3 * base_t + 20
        results = []
        for n, site in enumerate(chosen, 1):
            key = f"{module}:{site['key']}"
            mutant_src = ast.unparse(apply(tree, site))
            record = {"key": site["key"], "line": site["line"], "desc": site["desc"],
                      "diff": diff(base_src, mutant_src)}
            if mutant_src == base_src:
                record["outcome"] = "equivalent"
                record["reason"] = "unparses to the same source"
            elif key in EQUIVALENT:
                record["outcome"] = "equivalent"
                record["reason"] = EQUIVALENT[key]
            else:
                try:
                    compile(mutant_src, module, "exec")
                except SyntaxError:
                    record["outcome"] = "invalid"
                else:
                    status, rc, t = run_one(copy_dir, module, mutant_src, tests, timeout)
                    record.update(outcome=status, rc=rc, seconds=round(t, 1))
            results.append(record)
            out.write_text(json.dumps({"module": module, "partial": True,
                                       "mutants": results}, indent=1))
            print(f"[{n}/{len(chosen)}] {record['outcome']:9s} line {site['line']}: "
                  f"{site['key']}", flush=True)

    counted = [r for r in results if r["outcome"] in ("killed", "timeout", "survived")]
    killed = sum(r["outcome"] in ("killed", "timeout") for r in counted)
    equivalent = sum(r["outcome"] == "equivalent" for r in results)
    score = killed / len(counted) if counted else float("nan")
    summary = {"module": module, "tests": tests, "seed": args.seed,
               "sites": len(sites), "sampled": len(results), "killed": killed,
               "equivalent": equivalent, "survived": len(counted) - killed,
               "score": score, "rerun_of": args.rerun, "mutants": results}
    out.write_text(json.dumps(summary, indent=1))
    print(f"\n{module}: {killed}/{len(counted)} killed ({100 * score:.0f} %), "
          f"{equivalent} judged equivalent, of {len(results)} sampled "
          f"from {len(sites)} sites -> {out}")
    for r in results:
        if r["outcome"] == "survived":
            print(f"\n--- survived: line {r['line']} {r['key']}\n{r['diff']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
