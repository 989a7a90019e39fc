"""The rule registry: every check registers itself here under its code.

A check is a plain function ``check(sub, ctx)`` that returns the failing records as one of:

* a boolean Series over a level frame (True = fails); the rule's ``column`` gives the value;
* a :class:`pandas.Index` of record ids (``rid``);
* a DataFrame indexed by ``rid`` (or with a ``rid`` column; ``rid`` -1 means "the file") with
  any of these optional columns: ``column`` (layout column in error, which also names the
  data element), ``data_element``, ``value`` (value in error), ``detail`` (appended to the
  message), ``on_record`` (False when the error belongs to the incident rather than one
  record: the FBI writes record number 0 for those).

Severity, title and clerk-facing description come from the edit catalog
(``schemas/edits.csv`` / ``schemas/own_codes.csv``): the catalog is the single list of codes,
and a test checks that every registered code is catalogued.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field
from typing import Callable

import pandas as pd

from .. import spec

Check = Callable[..., object]

# Input formats. NIBRS rules read the segment-level model the flat-file and XML readers
# build; summary (SBR) returns have their own rules.
NIBRS_FORMATS = frozenset({"flat", "xml"})
ALL_FORMATS = frozenset({"flat", "xml", "sbr"})

# When a rule runs. Record-level checks read the submission; finding-level checks run once
# every record-level check has run and read its findings too (see :func:`findings_rule`).
RECORDS_PHASE, FINDINGS_PHASE = "records", "findings"

NEED_LABELS = {
    "agency": "an agency master file (--agencies)",
    "history": "earlier submissions (a history store, --history)",
    "fbi": "the FBI's national database",
}


@dataclass
class Rule:
    code: str
    level: int | None = None
    column: str | None = None
    data_element: str | None = None
    needs: frozenset[str] = frozenset()
    checks: list[Check] = field(default_factory=list)
    formats: frozenset[str] = NIBRS_FORMATS
    phase: str = RECORDS_PHASE

    def applies_to(self, fmt: str) -> bool:
        return fmt in self.formats

    @property
    def catalog(self) -> pd.Series:
        return spec.edit_catalog().loc[self.code]

    @property
    def severity(self) -> str:
        return self.catalog["severity"]

    @property
    def title(self) -> str:
        return self.catalog["title"]

    @property
    def element(self) -> str:
        if self.data_element is not None:
            return self.data_element
        if self.level is not None and self.column is not None:
            return spec.data_element_of(self.level, self.column)
        return self.catalog["data_element"]

    @property
    def implemented(self) -> bool:
        return bool(self.checks)

    def needs_of(self, check: Check) -> frozenset[str]:
        """What one check of this code needs (each check declares its own ``needs``)."""
        return getattr(check, "rule_needs", self.needs)

    @property
    def partial_needs(self) -> frozenset[str]:
        """Needs of some checks beyond ``needs``: without them the code is only partly checked
        (056 is checked within the file without history, and against earlier files with it)."""
        extra = frozenset().union(*(self.needs_of(c) for c in self.checks)) if self.checks else frozenset()
        return extra - self.needs

    def documentation(self) -> str:
        parts = [inspect.cleandoc(check.__doc__ or "") for check in self.checks]
        return "\n\n".join(p for p in parts if p) or self.catalog["description"]


REGISTRY: dict[str, Rule] = {}


def rule(
    code: str,
    *,
    level: int | None = None,
    column: str | None = None,
    data_element: str | None = None,
    needs: tuple[str, ...] = (),
    formats: frozenset[str] | tuple[str, ...] = NIBRS_FORMATS,
) -> Callable[[Check], Check]:
    """Register ``func`` as (one of) the checks for ``code``.

    ``formats`` names the input formats the check applies to; on any other format the rule
    is simply not applicable (not "not checked"). ``needs`` belongs to this check: a code may
    have a check that reads the file alone and another that needs earlier submissions. The
    rule's ``needs`` is what every one of its checks needs (the code is not checked at all
    without it); ``partial_needs`` is what only some of them need.
    """

    def register(func: Check) -> Check:
        entry = REGISTRY.get(code)
        if entry is None:
            entry = REGISTRY[code] = Rule(code, level, column, data_element, frozenset(needs), formats=frozenset(formats))
        func.rule_needs = frozenset(needs)  # type: ignore[attr-defined]
        entry.checks.append(func)
        entry.needs = frozenset.intersection(*(entry.needs_of(c) for c in entry.checks))
        func.rule_code = code  # type: ignore[attr-defined]
        func.rule_level = level if level is not None else entry.level  # type: ignore[attr-defined]
        func.rule_column = column if column is not None else entry.column  # type: ignore[attr-defined]
        return func

    return register


def findings_rule(code: str, **options) -> Callable[[Check], Check]:
    """Register a finding-level check ``check(sub, ctx, findings)`` for ``code``.

    It runs after every record-level check, and ``findings`` is their findings frame (the
    findings contract, before any finding-level rule added to it): a check that judges the
    other findings, such as "this incident has errors", reads them there instead of redoing
    the edits. It returns failing records like any check. Finding-level checks do not see
    each other's findings. ``options`` are those of :func:`rule`; a code's checks are all
    record-level or all finding-level.
    """
    register = rule(code, **options)

    def wrap(func: Check) -> Check:
        entry = REGISTRY.get(code)
        if entry is not None and entry.phase != FINDINGS_PHASE and entry.checks:
            raise ValueError(f"{code} already has record-level checks")
        register(func)
        REGISTRY[code].phase = FINDINGS_PHASE
        return func

    return wrap


def requires(code: str, *needs: str) -> None:
    """Register a catalogued edit that cannot be decided without outside data.

    It is reported as "not checked (needs ...)" until a check is written for the data.
    """
    REGISTRY.setdefault(code, Rule(code, needs=frozenset(needs)))


def all_rules() -> dict[str, Rule]:
    from . import load_all  # noqa: F401  (importing registers every rule module)

    load_all()
    return REGISTRY
