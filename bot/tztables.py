"""The tz database's own text tables, read once for the whole bot.

`bot.zones` (matching a place to a zone) and `bot.dateorder` (which number comes first
in "3/12") both need to know which country a zone is in. They read it here, from the
files that ship with the zone data itself, so the two never disagree and a new tzdata
release brings new zones and countries without a code change:

- zone.tab: one line per country region, "GB<tab>+513030-0000731<tab>Europe/London";
- iso3166.tab: country names, "GB<tab>Britain (UK)";
- tzdata.zi: the compact source, whose "L TARGET ALIAS" lines name the old spellings
  ("US/Eastern", "Asia/Calcutta", "Europe/Kiev") that many systems still report.

The files come from the `tzdata` package when it is installed (the data `zoneinfo`
falls back to), then from each directory on `zoneinfo.TZPATH`.
"""

from __future__ import annotations

import contextlib
import re
import zoneinfo
from functools import cache
from importlib import resources
from pathlib import Path

__all__ = ["country_names", "links", "read_first", "tz_files", "zone_country", "zone_tab"]


def tz_files(filename: str) -> list[Path]:
    """Where a tz text file may live: the tzdata package, then the system's TZPATH."""
    paths: list[Path] = []
    with contextlib.suppress(ModuleNotFoundError, TypeError):
        paths.append(Path(str(resources.files("tzdata").joinpath("zoneinfo", filename))))
    paths.extend(Path(directory) / filename for directory in zoneinfo.TZPATH)
    return paths


def read_first(filename: str) -> str:
    """The first readable copy of a tz text file; empty when there is none."""
    for path in tz_files(filename):
        try:
            return path.read_text(encoding="utf-8")
        except OSError:
            continue
    return ""


@cache
def zone_tab() -> tuple[tuple[str, str], ...]:
    """(country code, zone) for each line of zone.tab, in its order."""
    rows = []
    for line in read_first("zone.tab").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and not line.startswith("#"):
            rows.append((parts[0].strip(), parts[2].strip()))
    return tuple(rows)


@cache
def links() -> dict[str, str]:
    """Old or alternative zone name -> the zone it stands for ("Asia/Calcutta" ->
    "Asia/Kolkata"), followed to the end when one link points at another."""
    found: dict[str, str] = {}
    for line in read_first("tzdata.zi").splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[0] == "L":
            found[parts[2]] = parts[1]
    for alias, target in found.items():
        seen = {alias}
        while target in found and target not in seen:
            seen.add(target)
            target = found[target]
        found[alias] = target
    return found


@cache
def zone_country() -> dict[str, str]:
    """Zone name, current or old spelling -> ISO country code.

    zone.tab's own names first (Europe/Stockholm is Sweden, though it now links to
    Europe/Berlin); a link takes the country of its target ("US/Eastern" is the US).
    Names without a country ("UTC", "Etc/GMT+5") are absent.
    """
    countries = {zone: code for code, zone in zone_tab()}
    for alias, target in links().items():
        if alias not in countries and target in countries:
            countries[alias] = countries[target]
    return countries


@cache
def country_names() -> dict[str, str]:
    """ISO code -> country name from iso3166.tab, without notes ('Britain (UK)' -> 'Britain')."""
    names: dict[str, str] = {}
    for line in read_first("iso3166.tab").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and not line.startswith("#"):
            names[parts[0]] = re.sub(r"\(.*?\)", "", parts[1]).replace("&", "and").strip()
    return names
