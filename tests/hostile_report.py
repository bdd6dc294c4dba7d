#!/usr/bin/python3
"""`vpcsim report` on hostile files: truncated, bit-flipped, wrong types, huge counts, foreign
files (made here with h5py from a real run's file). Each must end in exit 1 or 2 with a message,
within seconds: never a signal, a sanitizer report or a hang (CI runs this under ASan + UBSan).
The crafted counts of issue 10: /sweep with 4 rows and sweep_points = 2^62 + 1 (the product
wrapped and report read past the end), sweep_points = 2^62 with no rows (looped forever)."""
import os
import random
import shutil
import subprocess
import sys
import tempfile

import h5py
import numpy as np

BIN = os.environ["VPCSIM_BIN"]
SRC = os.environ["VPCSIM_SOURCE_DIR"]
failures = []


def report(path, want_ok=False):
    """Runs report on path; returns (exit code, stderr). Records a failure when it is not clean."""
    try:
        p = subprocess.run([BIN, "report", path], capture_output=True, text=True, timeout=20,
                           errors="replace")
    except subprocess.TimeoutExpired:
        failures.append(f"{os.path.basename(path)}: hung (20 s)")
        return None, ""
    bad = []
    if p.returncode < 0 or p.returncode > 2:
        bad.append(f"exit {p.returncode}")
    if "Sanitizer" in p.stderr or "runtime error:" in p.stderr:
        bad.append("sanitizer report")
    if want_ok and p.returncode != 0:
        bad.append(f"exit {p.returncode} on a good file: {p.stderr.strip()}")
    if not want_ok and p.returncode == 0 and p.stdout == "":
        bad.append("exit 0 and nothing printed")
    if p.returncode in (1, 2) and "vpcsim report:" not in p.stderr:
        bad.append("no message")
    if bad:
        failures.append(f"{os.path.basename(path)}: {', '.join(bad)}: {p.stderr[-300:]}")
    return p.returncode, p.stderr


def run_to(path, scenario, *extra):
    subprocess.run([BIN, "run", os.path.join(SRC, scenario), "-o", path, "--quiet",
                    "--replications", "1", "--duration", "200ms", "--warmup", "50ms", *extra],
                   check=True, capture_output=True)


def variant(base, name, edit):
    path = os.path.join(work, name + ".h5")
    shutil.copy(base, path)
    with h5py.File(path, "r+") as f:
        edit(f)
    return path


def expect_error(path, *words):
    rc, err = report(path)
    if rc not in (1, 2):
        failures.append(f"{os.path.basename(path)}: exit {rc}, wanted an error")
    for w in words:
        if w not in err:
            failures.append(f"{os.path.basename(path)}: no '{w}' in: {err.strip()}")


def set_attr(name, value):
    def edit(f):
        del f.attrs[name]
        f.attrs[name] = value
    return edit


def replace(path_in_file, data):
    def edit(f):
        del f[path_in_file]
        if data is None:
            f.create_group(path_in_file)
        else:
            f[path_in_file] = data
    return edit


work = tempfile.mkdtemp(prefix="vpcsim-hostile-")
try:
    plain = os.path.join(work, "plain.h5")
    sweep = os.path.join(work, "sweep.h5")
    run_to(plain, "tests/scenarios/run/nat-cost.yaml")
    run_to(sweep, "tests/scenarios/sweep/latency.yaml")
    report(plain, want_ok=True)
    report(sweep, want_ok=True)
    with h5py.File(sweep, "r") as f:
        assert len(f["sweep"]) == 8, len(f["sweep"])  # 4 points x 2 keys

    # issue 10, item 2: counts that wrap or loop
    expect_error(variant(sweep, "wrap", set_attr("sweep_points", np.int64(2**62 + 1))), "/sweep")
    expect_error(variant(plain, "loop", set_attr("sweep_points", np.int64(2**62))), "/sweep")
    expect_error(variant(sweep, "wrap4", set_attr("sweep_points", np.int64(2**61 + 4))))
    expect_error(variant(plain, "negpoints", set_attr("sweep_points", np.int64(-5))))
    expect_error(variant(plain, "hugereps", set_attr("replications", np.int64(2**40))))
    def bad_point(f):
        rows = f["summary"][...]
        rows["point"][-1] = 7
        del f["summary"]
        f["summary"] = rows
    expect_error(variant(plain, "rowpoint", bad_point), "/summary row")
    def shuffled_sweep(f):
        rows = f["sweep"][...]
        rows["point"][3] = 0
        del f["sweep"]
        f["sweep"] = rows
    expect_error(variant(sweep, "sweeporder", shuffled_sweep))
    def no_point0(f):  # rows but none of point 0: once a division by zero (fuzz_report)
        rows = f["sweep"][...]
        rows["point"] += 1
        del f["sweep"]
        f["sweep"] = rows
    expect_error(variant(sweep, "nopoint0", no_point0), "/sweep")

    # wrong types
    expect_error(variant(plain, "tool_int", set_attr("tool", np.int64(3))), "not a vpcsim file")
    expect_error(variant(plain, "points_text", set_attr("sweep_points", "many")), "not a number")
    expect_error(variant(plain, "archs_int", set_attr("architecture_names", np.arange(3))),
                 "not text")
    expect_error(variant(plain, "summary_group", replace("summary", None)))
    expect_error(variant(plain, "summary_ints", replace("summary", np.arange(10))))
    expect_error(variant(plain, "sweep_floats", replace("sweep", np.zeros((3, 3)))))
    def long_names(f):  # text fields longer than the reader's: cut, still terminated
        rows = f["summary"][...]
        dt = [(n, "S400") if rows.dtype[n].kind == "S" else (n, rows.dtype[n])
              for n in rows.dtype.names]
        new = np.zeros(len(rows), dtype=dt)
        for n in rows.dtype.names:
            new[n] = rows[n]
        new["subject"] = b"x" * 400
        del f["summary"]
        f["summary"] = new
    report(variant(plain, "long_names", long_names))
    # issue 10, item 9: escape sequences in a crafted file's names never reach the terminal
    def escapes(f):
        rows = f["summary"][...]
        rows["architecture"] = b"\x1b[2J\x1b]0;pwned\x07nat"
        del f["summary"]
        f["summary"] = rows
        del f.attrs["scenario_name"]
        f.attrs["scenario_name"] = "x\x1b[31my"
    esc = variant(plain, "escapes", escapes)
    p = subprocess.run([BIN, "report", esc], capture_output=True, timeout=20)
    if b"\x1b" in p.stdout or b"\x07" in p.stdout or b"\x1b" in p.stderr:
        failures.append("escapes: control characters of the file reached the terminal")

    # foreign and broken files
    foreign = os.path.join(work, "foreign.h5")
    with h5py.File(foreign, "w") as f:
        f["summary"] = np.arange(100)
        f.attrs["tool"] = "h5py"
    expect_error(foreign, "not a vpcsim file")
    for name, data in (("empty", b""), ("text", b"name: x\n"), ("junk", os.urandom(4096))):
        path = os.path.join(work, name + ".h5")
        with open(path, "wb") as out:
            out.write(data)
        expect_error(path)
    raw = open(sweep, "rb").read()
    for frac in (0.1, 0.5, 0.9, 0.99):
        path = os.path.join(work, f"trunc{frac}.h5")
        with open(path, "wb") as out:
            out.write(raw[:int(len(raw) * frac)])
        report(path)
    rng = random.Random(10)
    for k in range(int(os.environ.get("VPCSIM_FLIPS", "40"))):
        path = os.path.join(work, f"flip{k}.h5")
        data = bytearray(raw)
        for _ in range(1 + k % 4):
            i = rng.randrange(len(data))
            data[i] ^= 1 << rng.randrange(8)
        with open(path, "wb") as out:
            out.write(data)
        report(path)
finally:
    shutil.rmtree(work)

for f in failures:
    print("FAIL", f)
print(f"hostile files: {len(failures)} failures")
sys.exit(1 if failures else 0)
