"""The series layer: preparation and validation on load, on small files made here."""

import hashlib
import zipfile
from dataclasses import replace
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from helpers import data, sequences, series

CSV = "PRSA_data_2010.1.1-2014.12.31.csv"
HEADER = "No,year,month,day,hour,pm2.5,DEWP,TEMP,PRES,cbwd,Iws,Is,Ir"


def beijing_csv(hours=1_200, edit=None) -> str:
    """A Beijing-format CSV of ``hours`` hours from 2010-01-01 (CRLF, as the original)."""
    times = pd.date_range("2010-01-01", periods=hours, freq="h")
    winds = ["NW", "NE", "SE", "cv"]
    rows = []
    for i, t in enumerate(times):
        pm = "NA" if i < 3 or 100 <= i < 105 else str(50 + i % 7)
        row = [i + 1, t.year, t.month, t.day, t.hour, pm, -20 + i % 5, -10 + i % 9]
        rows.append([*row, 1020 - i % 3, winds[i % 4], 1.79, 0, i % 2])
    if edit:
        rows = edit(rows)
    lines = [HEADER] + [",".join(map(str, r)) for r in rows]
    return "\r\n".join(lines) + "\r\n"


def sha256(text: str) -> str:
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


@pytest.fixture
def beijing_mirror(isolated_data, monkeypatch):
    """Writes a Beijing CSV into the mirror and registers it; returns its path."""
    _, mirror = isolated_data

    def make(text: str, official: bool = False):
        (mirror / CSV).write_text(text, newline="")
        ds = data.REGISTRY["beijing_pm25"]
        form = replace(ds.forms[0], known_hash=sha256(text), size=None)
        form = replace(form, official=official)
        monkeypatch.setitem(
            data.REGISTRY, ds.name, replace(ds, forms=(form, *ds.forms[1:]))
        )
        return mirror / CSV

    return make


# -- preparation --------------------------------------------------------------
def test_beijing_frame_indexes_by_the_hour_and_encodes_wind(beijing_mirror):
    beijing_mirror(beijing_csv())
    df = series.beijing_frame(data.load_beijing_pm25())
    assert df.index[0] == pd.Timestamp("2010-01-01 00:00")
    assert df.index[1] - df.index[0] == pd.Timedelta(hours=1)
    wind = df[[f"wind {d}" for d in series.BEIJING_WIND]]
    assert (wind.sum(axis=1) == 1).all()  # exactly one direction per hour
    assert df["wind NW"].iloc[0] == 1 and df["wind NE"].iloc[1] == 1
    assert df.dtypes.eq("float32").all()


def test_beijing_pm25_is_carried_forward_and_flagged(beijing_mirror):
    beijing_mirror(beijing_csv())
    df = series.beijing_frame(data.load_beijing_pm25())
    pm, flag = df["pm2.5"].to_numpy(), df["pm2.5 missing"].to_numpy()
    assert not np.isnan(pm).any()
    assert flag[:3].tolist() == [1, 1, 1] and flag[3] == 0
    assert pm[:3].tolist() == [pm[3]] * 3  # before any reading: the first reading
    assert (pm[100:105] == pm[99]).all()  # a gap: the last reading, never the next
    assert flag[100:105].all() and flag.sum() == 8


def test_load_series_beijing_end_to_end(beijing_mirror):
    beijing_mirror(beijing_csv())
    df = series.load_series("beijing")
    assert df.attrs["series"] == "beijing" and df.attrs["official"] is False
    assert "8 missing hourly readings carried forward" in df.attrs["notes"][0]
    assert "TEMP" in df.columns and not df.isna().any().any()


def test_beijing_from_the_official_zip_is_verified(isolated_data, monkeypatch):
    _, mirror = isolated_data
    text = beijing_csv()
    with zipfile.ZipFile(mirror / "beijing+pm2+5+data.zip", "w") as zf:
        zf.writestr(CSV, text.replace("10,", "11,", 1))  # not the pinned CSV
    ds = data.REGISTRY["beijing_pm25"]
    form = replace(ds.forms[0], known_hash=sha256(text), size=None)
    monkeypatch.setitem(data.REGISTRY, ds.name, replace(ds, forms=(form, ds.forms[1])))
    with pytest.raises(data.ChecksumError, match="failed its checksum"):
        data.load_beijing_pm25()


# -- validation on load -------------------------------------------------------
def test_a_truncated_file_under_the_official_name_is_refused(beijing_mirror):
    path = beijing_mirror(beijing_csv(), official=True)
    with pytest.raises(data.MalformedDataError) as err:
        series.load_series("beijing")
    message = str(err.value)
    assert (
        str(path) in message and "1,200 rows under the official file's name" in message
    )
    assert "truncated or edited" in message and "43,824" in message


def test_a_nan_left_after_preparation_is_refused(beijing_mirror):
    def blank_temperature(rows):
        rows[500][7] = "NA"
        return rows

    path = beijing_mirror(beijing_csv(edit=blank_temperature))
    with pytest.raises(data.MalformedDataError, match="missing values") as err:
        series.load_series("beijing")
    assert "'TEMP' (1)" in str(err.value) and str(path) in str(err.value)
    assert "2010-01-21 20:00" in str(err.value)  # the hour of row 500


@pytest.mark.parametrize(
    ("edit", "found"),
    [
        (lambda rows: rows[:600] + rows[601:], "0 duplicated, 1 missing"),
        (lambda rows: rows[:600] + [rows[599]] + rows[600:], "1 duplicated, 0 missing"),
    ],
    ids=["missing-hour", "duplicated-hour"],
)
def test_irregular_time_steps_are_refused(beijing_mirror, edit, found):
    beijing_mirror(beijing_csv(edit=edit))
    with pytest.raises(data.MalformedDataError, match="irregular time steps") as err:
        series.load_series("beijing")
    assert found in str(err.value)


def test_too_few_rows_are_refused(beijing_mirror):
    beijing_mirror(beijing_csv(hours=300))
    with pytest.raises(data.MalformedDataError, match="300 rows, at least 1,000"):
        series.load_series("beijing")


def test_a_missing_column_is_refused(beijing_mirror):
    text = beijing_csv().replace("TEMP", "TEMPERATURE", 1)
    beijing_mirror(text)
    with pytest.raises(data.MalformedDataError, match="TEMP"):
        series.load_series("beijing")


def test_an_unknown_wind_direction_is_refused(beijing_mirror):
    beijing_mirror(beijing_csv().replace(",cv,", ",XX,", 1))
    with pytest.raises(data.MalformedDataError, match="unknown wind directions"):
        series.load_series("beijing")


def jena_csv(rows: int, bad_wind_at=()) -> str:
    header = '"Date Time","p (mbar)","T (degC)","wv (m/s)","max. wv (m/s)","wd (deg)"\n'
    times = pd.date_range("2009-01-01 00:10", periods=rows, freq="10min")
    lines = []
    for i, t in enumerate(times):
        wind = -9999.0 if i in bad_wind_at else 1.5
        lines.append(f"{t:%d.%m.%Y %H:%M:%S},996.5,{-8 + i % 5},{wind},2.0,152.3")
    return header + "\n".join(lines) + "\n"


def test_jena_wind_speeds_of_minus_9999_are_set_to_zero(isolated_data):
    _, mirror = isolated_data
    (mirror / "jena_climate_2009_2016.first4000rows.csv").write_text(
        jena_csv(1_500, bad_wind_at=(3, 7))
    )
    ds = data.REGISTRY["jena_climate"]
    slice_form = replace(ds.forms[2], known_hash=None)
    with pytest.MonkeyPatch.context() as mp:
        mp.setitem(data.REGISTRY, ds.name, replace(ds, forms=(slice_form,)))
        df = series.load_series("jena")
    assert df["wv (m/s)"].min() == 0 and (df["wv (m/s)"] == 0).sum() == 2
    assert "2 wind speeds of -9999 set to 0" in df.attrs["notes"]


def test_a_half_size_official_jena_file_is_refused(isolated_data):
    _, mirror = isolated_data
    (mirror / "jena_climate_2009_2016.csv").write_text(jena_csv(2_000))
    with pytest.raises(data.MalformedDataError, match="truncated or edited"):
        series.load_series("jena")


# -- the spec: time in rows, splits -------------------------------------------
def test_the_books_settings_in_rows_of_each_series():
    settings = SimpleNamespace(lookback_hours=240, step_hours=1, delay_hours=24)
    jena, beijing = series.SERIES["jena"], series.SERIES["beijing"]
    assert sequences.settings_in_rows(settings, jena) == (1440, 6, 144)
    assert sequences.settings_in_rows(settings, beijing) == (240, 1, 24)
    with pytest.raises(ValueError, match="whole number of rows"):
        beijing.rows(0.5, "the step")


def test_splits_are_exact_on_the_full_records_and_proportional_on_a_cut():
    assert series.SERIES["jena"].split(420_551) == (200_000, 300_000)
    assert series.SERIES["beijing"].split(43_824) == (26_304, 35_064)
    assert series.SERIES["beijing"].split(4_000) == (2_401, 3_200)
    with pytest.raises(ValueError, match="no series 'paris'"):
        series.spec("paris")


def test_prepare_series_on_a_small_beijing_file(beijing_mirror):
    beijing_mirror(beijing_csv(hours=2_000))
    settings = SimpleNamespace(
        series="beijing",
        rows=0,
        columns=0,
        lookback_hours=48,
        step_hours=1,
        delay_hours=24,
        batch_size=16,
        steps_per_epoch=500,
    )
    s = sequences.prepare_series(settings)
    assert (s.lookback, s.step, s.delay) == (48, 1, 24)
    assert s.input_shape == (48, 12) and s.columns[s.target] == "TEMP"
    assert s.steps_per_epoch == -(-s.windows("train") // 16)  # one pass
    text = str(s)
    assert "one pass over the" in text and "NOT the complete official record" in text
    np.testing.assert_allclose(s.data[: s.train_end].mean(0), 0, atol=1e-4)
