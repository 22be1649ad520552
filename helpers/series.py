"""The time series that the forecasting lessons (09-14) run on.

Introduced in notebook 09, where the Beijing record's preparation is written out
(`beijing_frame` is that code) and the validation below is shown refusing a bad
file. A lesson names its series in its profile (``series = "beijing"`` or
``"jena"``, ``helpers/profiles.toml``); `load_series` returns it as a validated,
time-indexed, all-numeric ``DataFrame``, and its `SeriesSpec` says what the
lessons need to know: rows per hour, the column to forecast, the split in time.

``beijing``
    The UCI "Beijing PM2.5 Data" (Liang et al., 2015): hourly weather and PM2.5
    at the US Embassy in Beijing, 2010-2014, 43,824 rows with no missing hour.
    Split: train 2010-2012, validation 2013, test 2014. The default of the
    ``full`` profile.
``jena``
    The book's Jena climate record (Max Planck Institute for Biogeochemistry),
    2009-2016, a row every 10 minutes; the book's split at rows 200,000 and
    300,000. Its official CSV holds ``-9999`` wind speeds (the TensorFlow
    time-series tutorial sets them to 0, and so does `jena_frame`).

Validation on load refuses, with a message naming the file and what is wrong: a
missing column, a NaN left after preparation, duplicated or missing time steps
beyond the series' tolerance, too few rows, and a file under the official name
whose row count is not the official one.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import MalformedDataError

#: The combined wind directions of the Beijing record, in a fixed order so that
#: any slice of the file gets the same one-hot columns.
BEIJING_WIND = ("NE", "NW", "SE", "cv")
BEIJING_NUMERIC = ("pm2.5", "DEWP", "TEMP", "PRES", "Iws", "Is", "Ir")
JENA_BAD_WIND = ("wv (m/s)", "max. wv (m/s)")


@dataclass(frozen=True)
class SeriesSpec:
    """What the lessons need to know about one series.

    ``train_end`` and ``val_end`` are the first validation and the first test
    row of the complete official record (``full_rows`` rows); a shorter series
    (the first rows, in a smoke run, or the offline Jena slice) is split in the
    same proportions (`split`). ``max_irregular`` is the share of time steps
    that may be duplicated or missing before the file is refused.
    """

    name: str
    title: str
    dataset: str  # the key of helpers.data.REGISTRY
    rows_per_hour: int
    target: str
    target_label: str
    full_rows: int
    train_end: int
    val_end: int
    split_note: str
    book_settings: str
    max_irregular: float = 0.0
    min_rows: int = 1_000

    @property
    def rows_per_day(self) -> int:
        return 24 * self.rows_per_hour

    @property
    def step(self):
        """The time between two rows, as a pandas ``Timedelta``."""
        import pandas as pd

        return pd.Timedelta(hours=1) / self.rows_per_hour

    def rows(self, hours: float, what: str = "a duration") -> int:
        """``hours`` as a whole number of rows; refuses a fraction of a row."""
        rows = hours * self.rows_per_hour
        if rows != int(rows) or rows < 0:
            raise ValueError(
                f"{what} of {hours:g} hours is {rows:g} rows of the {self.name} "
                f"series ({self.rows_per_hour} per hour): it must be a whole "
                f"number of rows. Change it in helpers/profiles.toml."
            )
        return int(rows)

    def split(self, n_rows: int) -> tuple[int, int]:
        """``(train_end, val_end)`` for a series of ``n_rows`` rows.

        Exactly the spec's boundaries on the complete record; the same
        proportions on a shorter one.
        """
        if n_rows < 3:
            raise ValueError(f"a series of {n_rows} rows cannot be split in three")
        if n_rows == self.full_rows:
            return self.train_end, self.val_end
        return (
            round(n_rows * self.train_end / self.full_rows),
            round(n_rows * self.val_end / self.full_rows),
        )


SERIES: dict[str, SeriesSpec] = {
    s.name: s
    for s in [
        SeriesSpec(
            name="beijing",
            title="Beijing weather and PM2.5, hourly, 2010-2014 (UCI)",
            dataset="beijing_pm25",
            rows_per_hour=1,
            target="TEMP",
            target_label="temperature (°C)",
            full_rows=43_824,
            train_end=26_304,  # 2013-01-01 00:00
            val_end=35_064,  # 2014-01-01 00:00
            split_note="train 2010-2012, validation 2013, test 2014",
            book_settings="10 days of lookback, one step per hour, 24 hours ahead",
        ),
        SeriesSpec(
            name="jena",
            title="Jena climate, every 10 minutes, 2009-2016 (the book's)",
            dataset="jena_climate",
            rows_per_hour=6,
            target="T (degC)",
            target_label="temperature (°C)",
            full_rows=420_551,
            train_end=200_000,
            val_end=300_000,
            split_note="the book's rows: train [0, 200,000), validation "
            "[200,000, 300,000), test the rest",
            book_settings="lookback 1440, step 6, delay 144 rows",
            # The book treats the rows as equally spaced; the official file is
            # reported to hold a few irregular time stamps. Far more is damage.
            max_irregular=0.01,
        ),
    ]
}


def spec(name: str) -> SeriesSpec:
    """The `SeriesSpec` of ``name``, with a clear error for an unknown one."""
    try:
        return SERIES[name]
    except KeyError:
        raise ValueError(
            f"no series {name!r}: choose one of {sorted(SERIES)} "
            f"(the `series` setting in helpers/profiles.toml)"
        ) from None


# --------------------------------------------------------------------------
# Preparation
# --------------------------------------------------------------------------
def beijing_frame(raw):
    """The Beijing CSV as the lessons use it: numeric, indexed by the hour.

    Written out in notebook 09, which explains each step:

    - the four columns ``year, month, day, hour`` become the time index;
    - the text wind direction ``cbwd`` becomes four one-hot columns
      ``wind NE``, ``wind NW``, ``wind SE``, ``wind cv`` (calm and variable);
    - the ``NA`` readings of ``pm2.5`` are carried forward from the last
      reading (a forecaster may use only the past; interpolating would look
      ahead to the next reading) and flagged in a ``pm2.5 missing`` column;
      the first day, before any reading, takes the first reading.
    """
    import pandas as pd

    unknown = set(raw["cbwd"].unique()) - set(BEIJING_WIND)
    if unknown:
        raise MalformedDataError(
            f"unknown wind directions {sorted(unknown)} in column 'cbwd' "
            f"(expected {BEIJING_WIND})"
        )
    df = raw[list(BEIJING_NUMERIC)].astype("float32")
    df.index = pd.DatetimeIndex(
        pd.to_datetime(raw[["year", "month", "day", "hour"]]), name="time"
    )
    missing = df["pm2.5"].isna()
    df["pm2.5"] = df["pm2.5"].ffill().bfill()
    df["pm2.5 missing"] = missing.astype("float32").to_numpy()
    wind = pd.Categorical(raw["cbwd"], categories=BEIJING_WIND)
    for direction in BEIJING_WIND:
        df[f"wind {direction}"] = (wind == direction).astype("float32")
    return df


def jena_frame(df):
    """The Jena CSV with its ``-9999`` wind speeds set to 0 (a copy).

    The official file records some wind speeds as -9999 (a sensor's "no
    value"); the TensorFlow time-series tutorial sets them to 0, as here. The
    book did not clean them. Returns ``(frame, count of values replaced)``.
    """
    df = df.copy()
    replaced = 0
    for column in JENA_BAD_WIND:
        if column in df:
            bad = df[column] == -9999.0
            replaced += int(bad.sum())
            df.loc[bad, column] = 0.0
    return df, replaced


# --------------------------------------------------------------------------
# Validation
# --------------------------------------------------------------------------
def irregular_steps(index, step) -> dict[str, int]:
    """Counts of duplicated, missing and out-of-order time steps of ``index``."""
    diffs = np.diff(index.to_numpy()).astype("timedelta64[ns]")
    step = np.timedelta64(int(step.value), "ns")
    gaps = diffs[diffs > step]
    return {
        "duplicated": int((diffs == np.timedelta64(0, "ns")).sum()),
        "missing": int(sum(int(g // step) - 1 for g in gaps)),
        "out of order": int((diffs < np.timedelta64(0, "ns")).sum()),
    }


def validate(df, spec: SeriesSpec, source: str, official_name: bool) -> list[str]:
    """Refuse a series the lessons cannot trust; return notes on what was found.

    ``source`` names the file in messages; ``official_name`` says whether it is
    the official file's name (its row count must then be the official one).
    Raises `helpers.data.MalformedDataError`.
    """

    def refuse(what: str, advice: str):
        raise MalformedDataError(f"{source}: {what}. {advice}")

    replace = (
        "Delete it (if it is in the cache) or fix the mirror, then run again to "
        "download the official file."
    )
    if spec.target not in df.columns:
        refuse(
            f"no column {spec.target!r} (the {spec.name} series' target); "
            f"columns: {list(df.columns)}",
            replace,
        )
    if len(df) < spec.min_rows:
        refuse(f"{len(df):,} rows, at least {spec.min_rows:,} needed", replace)
    if official_name and len(df) != spec.full_rows:
        refuse(
            f"{len(df):,} rows under the official file's name, which has "
            f"{spec.full_rows:,}: it is truncated or edited",
            replace,
        )
    nans = df.isna().sum()
    if nans.any():
        bad = nans[nans > 0]
        first = df.index[df.isna().any(axis=1)][0]
        refuse(
            "missing values (NaN) in "
            + ", ".join(f"{c!r} ({n:,})" for c, n in bad.items())
            + f", the first at {first}",
            replace,
        )
    counts = irregular_steps(df.index, spec.step)
    irregular = sum(counts.values())
    if counts["out of order"] or irregular > spec.max_irregular * len(df):
        refuse(
            "irregular time steps: "
            + ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
            + f" (at most {spec.max_irregular:.0%} of {len(df):,} rows allowed, "
            + "none out of order)",
            replace,
        )
    notes = []
    if irregular:
        notes.append(
            f"{irregular:,} irregular time steps ("
            + ", ".join(f"{n:,} {kind}" for kind, n in counts.items())
            + "): like the book, the rows are used as equally spaced"
        )
    return notes


# --------------------------------------------------------------------------
# Loading
# --------------------------------------------------------------------------
def load_series(name: str):
    """The series ``name``, prepared and validated, as a time-indexed DataFrame.

    ``df.attrs`` holds ``series`` (the name), ``official`` (the complete
    official record?), ``source`` (file and where it came from) and ``notes``
    (what the preparation did, to print).
    """
    from . import data

    s = spec(name)
    if name == "beijing":
        raw = data.load_beijing_pm25()
        try:
            df = beijing_frame(raw)
        except (KeyError, ValueError) as err:
            raise MalformedDataError(
                f"{raw.attrs['path']}: not the Beijing PM2.5 CSV ({err})"
            ) from err
        filled = int(df["pm2.5 missing"].sum())
        notes = [
            f"pm2.5: {filled:,} missing hourly readings carried forward from the "
            f"last reading, flagged in 'pm2.5 missing'; wind direction one-hot "
            f"encoded"
        ]
        attrs = raw.attrs
    else:
        df, replaced = jena_frame(data.load_jena_climate())
        notes = [f"{replaced:,} wind speeds of -9999 set to 0"] if replaced else []
        attrs = df.attrs
    info = data.provenance_of(s.dataset)
    notes += validate(
        df, s, source=attrs["path"], official_name=bool(info.get("official"))
    )
    df.attrs = {
        "series": name,
        "official": bool(info.get("official")) and len(df) == s.full_rows,
        "source": info["file"],
        "notes": notes,
    }
    return df
