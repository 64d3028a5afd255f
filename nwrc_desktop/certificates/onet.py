"""Job Zone figures computed from the shipped O*NET 30.0 extract.

The files are O*NET's tab-separated text format with one header row and CRLF line ends. Shares use
the occupations that have a Job Zone as the denominator (923 in O*NET 30.0), not all occupations,
because an occupation without a zone has no preparation level to compare a credential level with.
"""

from __future__ import annotations

import dataclasses
import functools
import re

from nwrc_desktop.resources import resource_path

JOB_ZONES_FILE = "onet/Job Zones.txt"
JOB_ZONE_REFERENCE_FILE = "onet/Job Zone Reference.txt"
CREDIT_FILE = "onet/CREDIT.txt"
ZONES = range(1, 6)

# The short credit printed on each certificate. It keeps every point of the full credit in
# resources/onet/CREDIT.txt: source and release, producer, licence, modification, no endorsement, trademark.
SHORT_CREDIT = (
    "Job Zone figures are computed from the O*NET 30.0 Database, produced for the U.S. Department of "
    "Labor, Employment and Training Administration (USDOL/ETA), used under CC BY 4.0 "
    "(creativecommons.org/licenses/by/4.0). The information has been selected and summarised here. "
    "USDOL/ETA has not reviewed or approved this use. O*NET is a trademark of USDOL/ETA."
)


@dataclasses.dataclass(frozen=True)
class JobZoneShare:
    """How many O*NET occupations are in Job Zones 1 to `zone`, out of those with any Job Zone."""

    zone: int
    occupations: int
    occupations_with_zone: int

    @property
    def percent(self) -> float:
        return 100.0 * self.occupations / self.occupations_with_zone

    @property
    def percent_text(self) -> str:
        """The share with one decimal, as printed: '58.9%'."""
        return f"{self.percent:.1f}%"


def _read_table(name: str) -> list[dict[str, str]]:
    # Read bytes, because text mode would turn the CRLF line ends into LF before the split.
    text = resource_path(name).read_bytes().decode("utf-8")
    lines = text.split("\r\n")
    if lines and lines[-1] == "":
        lines.pop()
    header = lines[0].split("\t")
    rows = []
    for number, line in enumerate(lines[1:], start=2):
        fields = line.split("\t")
        if len(fields) != len(header):
            raise ValueError(f"{name} line {number} has {len(fields)} fields, expected {len(header)}")
        rows.append(dict(zip(header, fields, strict=True)))
    return rows


@functools.cache
def job_zone_counts() -> dict[int, int]:
    """Return the number of O*NET occupations in each Job Zone 1-5, read once from the extract."""
    counts = dict.fromkeys(ZONES, 0)
    seen: set[str] = set()
    for row in _read_table(JOB_ZONES_FILE):
        code, zone = row["O*NET-SOC Code"], int(row["Job Zone"])
        if zone not in counts:
            raise ValueError(f"{JOB_ZONES_FILE}: occupation {code} has invalid Job Zone {zone}")
        if code in seen:
            raise ValueError(f"{JOB_ZONES_FILE}: occupation {code} appears twice")
        seen.add(code)
        counts[zone] += 1
    return counts


def cumulative_share(zone: int) -> JobZoneShare:
    """Return the share of O*NET occupations with a Job Zone that are in Job Zones 1 to `zone`."""
    counts = job_zone_counts()
    if zone not in counts:
        raise ValueError(f"invalid Job Zone {zone!r}; expected 1 to 5")
    return JobZoneShare(
        zone=zone,
        occupations=sum(counts[z] for z in ZONES if z <= zone),
        occupations_with_zone=sum(counts.values()),
    )


@functools.cache
def job_zone_names() -> dict[int, str]:
    """Return each Job Zone's short name, such as 'Medium Preparation Needed' for zone 3."""
    names = {}
    for row in _read_table(JOB_ZONE_REFERENCE_FILE):
        # O*NET writes the name as 'Job Zone Three: Medium Preparation Needed'.
        names[int(row["Job Zone"])] = re.sub(r"^Job Zone \w+:\s*", "", row["Name"])
    return names


def credit_text() -> str:
    """Return the full O*NET credit shipped with the program."""
    return resource_path(CREDIT_FILE).read_text(encoding="utf-8")
