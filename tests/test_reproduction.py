"""The reproduction table: parsed from the notebooks' printed lines, kept current."""

import json

import pytest

from coursetools import reproduction


def test_record_lines_are_parsed():
    lines = [
        "Epoch 1/3",
        "dense_best_val_mae: 0.2192 (normalized)  (book: 0.3)  [profile full]",
        "best_val_accuracy: 0.7598  (book: 0.759)  [profile full]",
        "seconds_per_epoch: 165.1 s  [profile full]",
        "median_words_per_review: 105  [profile smoke]",
        "best_val_accuracy: 0.8  (book: 0.759)  [profile full]",  # printed again
        "data: PRSA_data_2010.1.1-2014.12.31.csv from the mirror (official; )",
        "data: jena_climate_2009_2016.first4000rows.csv from the mirror "
        "(NOT the official file; PARTIAL: first 4,000 rows and first 12 of 15 columns)",
        "data: nietzsche.txt from the cache (official; no checksum is published)",
    ]
    nb = reproduction.parse_lines("08_x", lines)
    rows = {r.name: r for r in nb.rows}
    assert list(rows) == [
        "dense_best_val_mae",
        "best_val_accuracy",
        "seconds_per_epoch",
        "median_words_per_review",
    ]
    mae = rows["dense_best_val_mae"]
    assert (mae.value, mae.unit, mae.book, mae.profile) == (
        "0.2192",
        "(normalized)",
        "0.3",
        "full",
    )
    assert mae.difference == "-0.0808"
    assert rows["best_val_accuracy"].value == "0.8"  # the last printed wins
    assert rows["best_val_accuracy"].unit == ""
    assert rows["seconds_per_epoch"].unit == "s"
    assert rows["seconds_per_epoch"].book is None
    assert rows["seconds_per_epoch"].difference == ""
    assert rows["median_words_per_review"].profile == "smoke"
    assert [d["label"] for d in nb.data] == ["substitute", "partial", "official"]


def test_a_notebook_without_records_gets_a_row(tmp_path):
    empty = {"cells": [{"cell_type": "code", "source": "", "outputs": []}]}
    (tmp_path / "09_empty.ipynb").write_text(json.dumps(empty))
    results = reproduction.collect(tmp_path)
    assert [r.notebook for r in results] == ["09_empty"]
    assert "nothing recorded" in reproduction.table(results)


def test_the_page_links_the_notebooks_from_docs():
    nb = reproduction.parse_lines("01_a", ["x: 1  (book: 2)  [profile full]"])
    page = reproduction.page([nb])
    assert page.startswith("# Reproduction table\n")
    assert "| [01](../notebooks/01_a.ipynb) | `x` | 1 | 2 | -1 |" in page
    assert "(reproduce.md)" in page


def test_only_docs_are_written(tmp_path, monkeypatch):
    """The generator writes docs/reproduction.md, nothing else (not the README)."""
    target = tmp_path / "docs" / "reproduction.md"
    monkeypatch.setattr(reproduction, "TABLE_FILE", target)
    nb = reproduction.parse_lines("01_a", ["x: 1  [profile full]"])
    assert reproduction.stale([nb]) == [target]
    assert reproduction.write([nb]) == [target]
    assert target.read_text("utf-8") == reproduction.page([nb])
    assert reproduction.stale([nb]) == []
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == ["reproduction.md"]


def test_committed_table_matches_the_committed_notebooks():
    """docs/reproduction.md is what the committed notebooks give.

    After re-running a notebook, run `python -m coursetools.reproduction --write`
    (or `make reproduction`) and commit the file with the notebook.
    """
    stale = reproduction.stale()
    assert not stale, (
        f"out of date: {[p.name for p in stale]}; run "
        "`python -m coursetools.reproduction --write` and commit the result"
    )


def test_committed_results_are_those_the_committed_notebooks_print():
    """notebooks/results/ holds what the committed full runs recorded, and
    `helpers.recorded` compares later lessons with it: it must not drift."""
    from helpers import reporting, runs

    files = sorted(runs.COMMITTED_RESULTS_DIR.glob("*.json"))
    assert files, f"no recorded results in {runs.COMMITTED_RESULTS_DIR}"
    committed = {p.stem: p for p in reproduction.NOTEBOOK_DIR.glob("[0-9]*.ipynb")}
    for path in files:
        assert path.stem in committed, (
            f"{path.name}: no committed notebook of that name"
        )
        printed = reproduction.parse_notebook(committed[path.stem]).rows
        printed = {row.name: row for row in printed}
        entries = json.loads(path.read_text(encoding="utf-8"))
        assert sorted(e["name"] for e in entries) == sorted(printed), path.name
        for entry in entries:
            row = printed[entry["name"]]
            assert (reporting._fmt(entry["value"]), entry["profile"]) == (
                row.value,
                "full",
            ), f"{path.name}: {entry['name']}"
            values = entry.get("values")
            if values:  # the per-seed values that the printed mean summarizes
                mean = sum(values) / len(values)
                assert float(row.value) == pytest.approx(mean, rel=1e-3), entry["name"]
