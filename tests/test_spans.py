#!/usr/bin/python3
"""tests/test_spans.py: the per-hop spans of `vpcsim run -o` (docs/output.md, "spans") on a real
run of tests/scenarios/plots/plots.yaml (two architectures, two workloads, an AZ fault) at the
default span rate (0.01) with every call recorded. Checks, against the definition in
docs/output.md and not against vpcsim's own output:
- the traced calls are those whose hash of (workload, call) is below the rate, computed here
  from its documented definition: the same calls in every architecture, and in every
  architecture their number lies within binomial bounds of rate x calls;
- every span joins to a row of `requests` by (workload, call); the table is in trace order
  (workload, call, attempt, arrival); a call's hops follow one another in time, lie within the
  call, and for calls that succeeded at their first attempt the time at the hops is at most the
  call's latency.

Run by CTest with /usr/bin/python3 (env VPCSIM_BIN, VPCSIM_SOURCE_DIR)."""

import math
import os
import shutil
import subprocess
import tempfile
import unittest

import h5py
import numpy as np

SRC = os.environ.get("VPCSIM_SOURCE_DIR") or os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BIN = os.environ.get("VPCSIM_BIN", "")
SCENARIO = os.path.join(SRC, "tests", "scenarios", "plots", "plots.yaml")
RATE = 0.01  # the default of output.spans
M64 = (1 << 64) - 1


def fnv1a(s):
    h = 0xCBF29CE484222325
    for b in s.encode():
        h = ((h ^ b) * 0x100000001B3) & M64
    return h


def mix64(z):
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & M64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & M64
    return z ^ (z >> 31)


def call_hash(workload, call):
    """docs/output.md: u = (mix64(fnv1a(workload) + 0x9E3779B97F4A7C15 (call + 1)) >> 11) / 2^53."""
    return (mix64((fnv1a(workload) + 0x9E3779B97F4A7C15 * (call + 1)) & M64) >> 11) * 2.0**-53


def s(v):
    return v.decode() if isinstance(v, bytes) else v


class Spans(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        if not BIN:
            raise unittest.SkipTest("VPCSIM_BIN is not set")
        cls.tmp = tempfile.mkdtemp(prefix="vpcsim-spans-")
        cls.h5 = os.path.join(cls.tmp, "run.h5")
        r = subprocess.run([BIN, "run", SCENARIO, "-o", cls.h5, "--records", "1", "--quiet"],
                           capture_output=True, text=True, cwd=SRC, timeout=240)
        assert r.returncode == 0, r.stderr
        cls.f = h5py.File(cls.h5, "r")
        cls.runs = []  # (arch, point, rep, requests, spans)
        for arch, ag in cls.f["architectures"].items():
            for point, pg in ag.items():
                for rep, rg in pg.items():
                    cls.runs.append((arch, point, rep, rg["requests"][()], rg["spans"][()]))

    @classmethod
    def tearDownClass(cls):
        cls.f.close()
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def test_the_file_says_the_rate(self):
        self.assertEqual(float(self.f.attrs["span_fraction"]), RATE)

    def test_traced_calls_are_the_hashed_ones_within_binomial_bounds(self):
        per_arch = {}
        for arch, point, rep, req, sp in self.runs:
            with self.subTest(arch=arch, point=point, rep=rep):
                self.assertGreater(len(sp), 0, "a run without spans")
                traced = {(s(w), int(c)) for w, c in zip(sp["workload"], sp["call"])}
                hashed = {(s(w), int(c)) for w, c in zip(req["workload"], req["call"])
                          if call_hash(s(w), int(c)) < RATE}
                ok = {(s(w), int(c)) for w, c, st in zip(req["workload"], req["call"], req["status"])
                      if s(st) == "ok"}
                self.assertLessEqual(traced, hashed)  # only calls below the rate
                self.assertEqual(hashed & ok, traced & ok)  # every successful one of them
                n, k = per_arch.get(arch, (0, 0))
                per_arch[arch] = (n + len(req), k + len(hashed))
        self.assertEqual(sorted(per_arch), ["endpoints", "nat"])
        for arch, (n, k) in per_arch.items():
            with self.subTest(arch=arch):
                half = 3.29 * math.sqrt(n * RATE * (1 - RATE))  # 99.9%
                self.assertLess(abs(k - n * RATE), half, f"{arch}: {k} of {n} calls traced")

    def test_same_calls_in_every_architecture(self):
        ok = {}
        for arch, point, rep, req, sp in self.runs:
            okc = {(s(w), int(c)) for w, c, st in zip(req["workload"], req["call"], req["status"])
                   if s(st) == "ok"}
            traced = {(s(w), int(c)) for w, c in zip(sp["workload"], sp["call"])}
            ok.setdefault((point, rep), {})[arch] = (okc, traced)
        for key, archs in ok.items():
            (ok_a, tr_a), (ok_b, tr_b) = archs["nat"], archs["endpoints"]
            both = ok_a & ok_b
            self.assertGreater(len(tr_a & both), 0)
            self.assertEqual(tr_a & both, tr_b & both, key)

    def test_spans_join_to_requests_and_follow_one_another(self):
        for arch, point, rep, req, sp in self.runs:
            with self.subTest(arch=arch, point=point, rep=rep):
                calls = {(s(w), int(c)): i for i, (w, c) in enumerate(zip(req["workload"], req["call"]))}
                keys = [(s(r["workload"]), int(r["call"]), int(r["attempt"]), int(r["arrive_ns"]))
                        for r in sp]
                self.assertEqual(keys, sorted(keys), "not in trace order")
                by_call = {}
                for r in sp:
                    key = (s(r["workload"]), int(r["call"]))
                    self.assertIn(key, calls)  # joins to requests
                    self.assertIn(s(r["message"]), ("request", "handshake"))
                    self.assertGreaterEqual(int(r["attempt"]), 1)
                    self.assertLessEqual(r["arrive_ns"], r["start_ns"])
                    self.assertLessEqual(r["start_ns"], r["depart_ns"])
                    self.assertEqual(r["wait_ns"] + r["service_ns"], r["depart_ns"] - r["arrive_ns"])
                    by_call.setdefault(key, []).append(r)
                for key, rows in by_call.items():
                    q = req[calls[key]]
                    self.assertGreaterEqual(rows[0]["arrive_ns"], q["start_ns"])
                    for a, b in zip(rows, rows[1:]):
                        if a["attempt"] == b["attempt"]:  # one attempt's hops follow one another
                            self.assertGreaterEqual(b["arrive_ns"], a["depart_ns"])
                    if s(q["status"]) == "ok" and q["attempts"] == 1:
                        self.assertLessEqual(rows[-1]["depart_ns"], q["end_ns"])
                        hop_time = sum(int(r["depart_ns"] - r["arrive_ns"]) for r in rows)
                        self.assertLessEqual(hop_time, int(q["latency_ns"]))


if __name__ == "__main__":
    unittest.main(verbosity=2)
