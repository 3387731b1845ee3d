"""Reviewed findings: a baseline file of fingerprints, so later runs report only what is new.

A fingerprint identifies a finding across runs and re-reads of the same report: its code, the
agency (normalised), the year and the cells it names, never line numbers, messages or file names.
Findings that name no cell add their rule and the digits-free English message, so that (for example)
two different missing sections stay apart.

    fp = fingerprint(finding, agency="某市人民政府", year=2024)
    baseline = Baseline.load("reviewed.json")
    new = baseline.new_findings(findings, agency=..., year=...)
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import attrs

from .findings import Finding

__all__ = ["BASELINE_VERSION", "Baseline", "fingerprint", "fingerprint_fields"]

BASELINE_VERSION = 1
_DIGITS = re.compile(r"\d+(?:\.\d+)?")


def fingerprint(finding: Finding, *, agency: str | None = None, year: int | None = None) -> str:
    """A stable 16-hex-digit identifier of a finding (code, agency, year, cells).

    ``agency`` and ``year`` default to the finding's own (set on series findings); give the
    report's for findings about one report.
    """
    return fingerprint_fields(
        finding.code,
        agency if agency is not None else finding.agency,
        year if year is not None else finding.year,
        finding.cells,
        related_year=finding.related_year,
        rule=finding.rule,
        message_en=finding.message_en,
    )


def fingerprint_fields(
    code: str,
    agency: str | None,
    year: int | None,
    cells: Sequence[str],
    *,
    related_year: int | None = None,
    rule: str | None = None,
    message_en: str = "",
) -> str:
    """:func:`fingerprint` from stored fields (e.g. a row of a batch database's findings table)."""
    from .validation import normalise_agency

    parts: list[Any] = [
        code,
        normalise_agency(agency) if agency else "",
        year,
        list(cells),
        related_year,
    ]
    if not cells:
        parts += [rule or "", _DIGITS.sub("#", message_en)]
    payload = json.dumps(parts, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@attrs.frozen
class Baseline:
    """The fingerprints of findings a reviewer has seen (confirmed or dismissed)."""

    entries: dict[str, dict[str, Any]] = attrs.field(factory=dict)

    @classmethod
    def load(cls, path: str | Path) -> Baseline:
        """Read a baseline file; raises :class:`ValueError` naming the file if it is malformed."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
            entries = {entry["fingerprint"]: entry for entry in data["findings"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise ValueError(f"{path}: not a baseline file ({exc})") from exc
        return cls(entries)

    def save(self, path: str | Path) -> None:
        data = {
            "version": BASELINE_VERSION,
            "findings": sorted(self.entries.values(), key=lambda e: (e["code"], e["fingerprint"])),
        }
        Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")

    def __contains__(self, fp: object) -> bool:
        return fp in self.entries

    def record(
        self, findings: Iterable[Finding], *, agency: str | None = None, year: int | None = None
    ) -> Baseline:
        """A baseline that also holds these findings."""
        entries = dict(self.entries)
        for finding in findings:
            fp = fingerprint(finding, agency=agency, year=year)
            entries[fp] = {
                "fingerprint": fp,
                "code": finding.code,
                "agency": agency if agency is not None else finding.agency,
                "year": year if year is not None else finding.year,
                "cells": list(finding.cells),
                "message": finding.message,
            }
        return Baseline(entries)

    def new_findings(
        self, findings: Iterable[Finding], *, agency: str | None = None, year: int | None = None
    ) -> list[Finding]:
        """The findings whose fingerprints are not in the baseline."""
        return [f for f in findings if fingerprint(f, agency=agency, year=year) not in self]
