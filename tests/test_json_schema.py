"""The JSON documents of vpcsim validate against the schemas shipped in docs/ (JSON Schema draft
2020-12, Debian's python3-jsonschema): run --json and report --json (docs/results.schema.json) on
a sweep with two architectures (and report --csv: swept columns, --per-replication rows), compare --json (docs/compare.schema.json), check --json with and
without --fail-on on every shipped scenario (docs/check.schema.json); and the documents say
what the HDF5 file says (run --json and report --json agree, the summary rows are /summary's)."""
import csv
import glob
import io
import json
import os
import subprocess
import sys
import tempfile

import h5py
import jsonschema

BIN = os.environ["VPCSIM_BIN"]
SRC = os.environ["VPCSIM_SOURCE_DIR"]


def vpcsim(*args, code=0):
    r = subprocess.run([BIN, *args], capture_output=True, text=True)
    if r.returncode != code and not (code is None and r.returncode in (0, 1)):
        sys.exit(f"vpcsim {' '.join(args)}: exit {r.returncode}, wanted {code}: {r.stderr}")
    return r.stdout


def validator(name):
    with open(os.path.join(SRC, "docs", name)) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def main():
    results, compare = validator("results.schema.json"), validator("compare.schema.json")
    sweep = os.path.join(SRC, "tests/scenarios/sweep/rate.yaml")
    with tempfile.TemporaryDirectory() as d:
        h5, h5b = os.path.join(d, "a.h5"), os.path.join(d, "b.h5")
        run_doc = json.loads(vpcsim("run", sweep, "--quiet", "-o", h5, "--json", "-"))
        results.validate(run_doc)
        report_doc = json.loads(vpcsim("report", h5, "--json"))
        results.validate(report_doc)
        assert run_doc == report_doc, "run --json and report --json differ"
        assert len(run_doc["sweep"]["points"]) == 3 and run_doc["sweep"]["keys"] == [
            "workloads.analytics-get.traffic.rate"]
        with h5py.File(h5) as f:
            s = f["summary"][()]
            assert len(s) == len(run_doc["summary"])
            for row, doc in zip(s, run_doc["summary"]):
                assert row["metric"].decode() == doc["metric"] and row["unit"].decode() == doc["unit"]
            # a run's p99 in the document is its table's p99_ns in ms
            t = f["architectures/nat/point0/rep1/summary"][()]
            p99 = [r for r in run_doc["runs"] if r["architecture"] == "nat" and r["point"] == 0
                   and r["replication"] == 1 and r["metric"] == "p99"][0]
            assert abs(p99["value"] - t["p99_ns"][0] / 1e6) < 1e-9
        # report --csv: the swept values as a column; --per-replication: the document's runs
        rows = list(csv.reader(io.StringIO(vpcsim("report", h5, "--csv"))))
        assert rows[0][:3] == ["point", "workloads.analytics-get.traffic.rate", "architecture"]
        assert {(r[0], r[1]) for r in rows[1:]} == {("0", "1000/s"), ("1", "2000/s"), ("2", "4000/s")}
        rows = list(csv.reader(io.StringIO(vpcsim("report", h5, "--csv", "--per-replication"))))
        assert rows[0] == ["point", "workloads.analytics-get.traffic.rate", "architecture",
                           "replication", "seed", "subject", "metric", "unit", "value"]
        assert len(rows) - 1 == len(run_doc["runs"])
        for r, d in zip(rows[1:], run_doc["runs"]):
            assert (int(r[0]), r[2], int(r[3]), int(r[4]), r[5], r[6]) == (
                d["point"], d["architecture"], d["replication"], d["seed"], d["subject"], d["metric"])
            assert (r[8] == "" and d["value"] is None) or float(r[8]) == d["value"]
        vpcsim("run", sweep, "--quiet", "-o", h5b, "--seed", "8")
        compare.validate(json.loads(vpcsim("compare", h5, h5b, "--json", code=None)))
        compare.validate(json.loads(vpcsim("compare", h5, h5, "--json", "--threshold", "p99=10%")))
    expect = os.path.join(SRC, "tests/scenarios/compare/expect.yaml")
    doc = json.loads(vpcsim("run", expect, "--quiet", "--json", "-", "--set", "expect.1.below=2ms",
                            code=1))
    results.validate(doc)
    assert [e["verdict"] for e in doc["expectations"]] == ["pass", "fail"] + ["pass"] * 4
    assert doc["expectations"][1]["where"].endswith("expect.yaml:34:5")
    check = validator("check.schema.json")
    files = sorted(glob.glob(os.path.join(SRC, "experiments", "*.yaml")) +
                   glob.glob(os.path.join(SRC, "experiments", "examples", "*.yaml")))
    assert files
    for f in files:
        check.validate(json.loads(vpcsim("check", f, "--json")))
        doc = json.loads(vpcsim("check", f, "--json", "--fail-on", "denied,unreachable", code=None))
        check.validate(doc)
        bad = [w for a in doc["architectures"] for w in a["workloads"] if w["verdict"] != "reachable"]
        assert doc["fail_on"]["failed"] == bool(bad) and len(doc["fail_on"]["paths"]) == len(bad), f
    print("ok")


if __name__ == "__main__":
    main()
