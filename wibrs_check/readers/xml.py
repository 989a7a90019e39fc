"""Reader for NIBRS XML submissions (FBI NIEM IEPD 2019.1).

The XML reader builds exactly the model the flat-file reader builds: one record per segment
the equivalent fixed-width file would hold, in the flat file's order (per report: the
administrative segment, then offenses, property, victims, offenders, arrestees), every value
written the way the flat layout holds it (codes zero-padded, dates YYYYMMDD, ages as two
characters or a four-character range, amounts zero-filled). Rules therefore never need to
know which format a submission came in. ``docs/xml.md`` describes every mapping decision.

The file is fed in pieces to lxml's incremental parser (``XMLPullParser``, the feed-driven
form of ``iterparse``) and handled one ``nibrs:Report`` at a time; each report is mapped and
then cleared, so memory stays flat however large the file, and the reports completed before
a syntax error are kept. Input is
untrusted: a document type declaration (the carrier of XXE and entity-expansion attacks) is
refused before parsing, and the parser itself never loads a DTD, never expands an entity and
never touches the network.

Nothing here raises on bad input. What the reader could not take over is collected in
``Submission.extra["reader_problems"]`` (columns ``rid``, ``line``, ``code``, ``column``,
``value``, ``detail``; ``rid`` -1 = the whole file) under our own ``XML..`` codes
(``schemas/own_codes_xml.csv``), which ``rules/xml_reader.py`` turns into findings. The frame
is only present when there is at least one problem. ``Submission.extra["xml_reports"]``
lists every report read (line, category, action as sent, first record).
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from functools import cache, lru_cache
from pathlib import Path
from typing import BinaryIO, Iterable

import numpy as np
import pandas as pd
from lxml import etree

from .. import spec
from ..model import Submission, assign_units, empty_unplaced
from .flatfile import UnreadableInput

# ---------------------------------------------------------------------------------------
# Namespaces

NS = {
    "nibrs": "http://fbi.gov/cjis/nibrs/2019",
    "cjis": "http://fbi.gov/cjis/2.0",
    "j": "http://release.niem.gov/niem/domains/jxdm/5.2/",
    "nc": "http://release.niem.gov/niem/niem-core/3.0/",
    "s": "http://release.niem.gov/niem/structures/3.0/",
}
SUPPORTED_NAMESPACES = frozenset(NS.values())
# Namespaces of the same families in other versions (older NIBRS IEPDs 4.0/4.1/4.2, CJIS 1.0,
# other NIEM releases): read by element name, but reported as unsupported (XML02).
_FAMILY = re.compile(
    r"^https?://(fbi\.gov/cjis/|release\.niem\.gov/niem/|niem\.gov/niem/)", re.IGNORECASE
)

# ---------------------------------------------------------------------------------------
# Code conversions: XML code-table values -> flat-file codes (IEPD nibrs_CodesTables.xlsx).
# Values that are already flat-file codes, and values not in these tables, pass through
# unchanged, so the rules judge them exactly as they would judge the flat file.

REPORT_CATEGORY = {
    "GROUP A INCIDENT REPORT": "A",
    "GROUP B ARREST REPORT": "B",
    "ZERO REPORT": "Z",
}
ITEM_STATUS = {  # cjis:ItemStatusCode -> data element 14
    "NONE": "1", "BURNED": "2", "COUNTERFEITED": "3", "DESTROYED_DAMAGED_VANDALIZED": "4",
    "RECOVERED": "5", "SEIZED": "6", "STOLEN": "7", "UNKNOWN": "8",
}
BIAS = {  # j:OffenseFactorBiasMotivationCode -> data element 8A
    "ANTIAMERICAN INDIAN_ ALASKAN NATIVE": "13", "ANTIARAB": "31", "ANTIASIAN": "14",
    "ANTIATHEIST_AGNOSTIC": "27", "ANTIBISEXUAL": "45", "ANTIBLACK_AFRICAN AMERICAN": "12",
    "ANTIBUDDHIST": "83", "ANTICATHOLIC": "22", "ANTIEASTERNORTHODOX": "81", "ANTIFEMALE": "62",
    "ANTIFEMALE HOMOSEXUAL": "42", "ANTIGENDER_NONCONFORMING": "72", "ANTIHETEROSEXUAL": "44",
    "ANTIHINDU": "84", "ANTIHISPANIC_LATINO": "32", "ANTIHOMOSEXUAL": "43", "ANTIISLAMIC": "24",
    "ANTIJEHOVAHWITNESS": "29", "ANTIJEWISH": "21", "ANTIMALE": "61", "ANTIMALE HOMOSEXUAL": "41",
    "ANTIMENTAL DISABILITY": "52", "ANTIMORMON": "28", "ANTIMULTIRACIAL GROUP": "15",
    "ANTIMULTIRELIGIOUS GROUP": "26", "ANTINATIVEHAWAIIAN_OTHERPACIFICISLANDER": "16",
    "ANTIOTHER CHRISTIAN": "82", "ANTIOTHER ETHNICITY_NATIONAL ORIGIN": "33",
    "ANTIOTHER RELIGION": "25", "ANTIPHYSICAL DISABILITY": "51", "ANTIPROTESTANT": "23",
    "ANTISIKH": "85", "ANTITRANSGENDER": "71", "ANTIWHITE": "11", "NONE": "88", "UNKNOWN": "99",
}
RELATIONSHIP = {  # nibrs:VictimToSubjectRelationshipCode -> data element 35
    "Acquaintance": "AQ", "Babysittee": "BE", "Boyfriend_Girlfriend": "BG",
    "Child of Boyfriend_Girlfriend": "CF", "Family Member_Child": "CH",
    "Family Member_Spouse_Common Law": "CS", "Employee": "EE", "Employer": "ER", "Friend": "FR",
    "Family Member_Grandchild": "GC", "Family Member_Grandparent": "GP",
    "Family Member_In-Law": "IL", "Neighbor": "NE", "Family Member": "OF",
    "NonFamily_Otherwise Known": "OK", "Family Member_Parent": "PA",
    "Relationship Unknown": "RU", "Family Member_Sibling": "SB", "Family Member_Stepchild": "SC",
    "Family Member_Spouse": "SE", "Family Member_Stepparent": "SP",
    "Family Member_Stepsibling": "SS", "Stranger": "ST", "Victim Was Offender": "VO",
    "Ex_Relationship": "XR", "Ex_Spouse": "XS",
}
AGE_TEXT = {"NEONATAL": "NN", "NEWBORN": "NB", "BABY": "BB", "UNKNOWN": "00"}  # nc:MeasureValueText
# Property descriptions that are motor vehicles: their nc:ItemQuantity gives data element 18
# (stolen, loss type 7) or 19 (recovered, loss type 5).
MOTOR_VEHICLES = frozenset({"03", "05", "24", "28", "37"})
DRUGS = "10"  # property description Drugs/Narcotics: one slot per segment, fed by nc:Substance
ZERO_INCIDENT = "000000000000"

# ---------------------------------------------------------------------------------------
# The structure the reader knows: allowed child element names (local names) per element.
# A child not listed is an element the flat file has no place for (XML04); an element in a
# namespace outside the IEPD families is a state extension (XML03). Both are ignored.

_ORG = {"OrganizationAugmentation"}
CHILDREN: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    "Report": {
        "ReportHeader", "Incident", "Offense", "Location", "Item", "Substance", "Person",
        "EnforcementOfficial", "Victim", "Subject", "Arrestee", "Arrest",
        "ArrestSubjectAssociation", "OffenseLocationAssociation", "OffenseVictimAssociation",
        "SubjectVictimAssociation",
    },
    "ReportHeader": {"NIBRSReportCategoryCode", "ReportActionCategoryCode", "ReportDate", "ReportingAgency"},
    "ReportDate": {"YearMonthDate", "Date", "DateTime"},
    "ReportingAgency": _ORG,
    "OrganizationAugmentation": {"OrganizationORIIdentification", "DirectReportingCityIdentification"},
    "OrganizationORIIdentification": {"IdentificationID"},
    "DirectReportingCityIdentification": {"IdentificationID"},
    "Incident": {"ActivityIdentification", "ActivityDate", "IncidentAugmentation"},
    "ActivityIdentification": {"IdentificationID"},
    "ActivityDate": {"YearMonthDate", "DateTime", "Date"},
    "IncidentAugmentation": {
        "IncidentReportDateIndicator", "OffenseCargoTheftIndicator",
        "IncidentExceptionalClearanceCode", "IncidentExceptionalClearanceDate",
    },
    "IncidentExceptionalClearanceDate": {"Date", "DateTime"},
    "Offense": {
        "OffenseUCRCode", "CriminalActivityCategoryCode", "OffenseFactorBiasMotivationCode",
        "OffenseStructuresEnteredQuantity", "OffenseFactor", "OffenseEntryPoint", "OffenseForce",
        "OffenseAttemptedIndicator",
    },
    "OffenseFactor": {"OffenseFactorCode"},
    "OffenseEntryPoint": {"PassagePointMethodCode"},
    "OffenseForce": {"ForceCategoryCode"},
    "Location": {"LocationCategoryCode"},
    "Item": {"ItemStatus", "ItemValue", "ItemCategoryNIBRSPropertyCategoryCode", "ItemQuantity"},
    "Substance": {
        "ItemStatus", "ItemValue", "ItemCategoryNIBRSPropertyCategoryCode", "ItemQuantity",
        "DrugCategoryCode", "SubstanceQuantityMeasure",
    },
    "ItemStatus": {"ItemStatusCode"},
    "ItemValue": {"ItemValueAmount", "ItemValueDate"},
    "ItemValueAmount": {"Amount"},
    "ItemValueDate": {"Date", "DateTime"},
    "SubstanceQuantityMeasure": {"MeasureDecimalValue", "SubstanceUnitCode"},
    "Person": {"PersonAgeMeasure", "PersonEthnicityCode", "PersonRaceNDExCode", "PersonResidentCode", "PersonSexCode"},
    "PersonAgeMeasure": {"MeasureIntegerValue", "MeasureValueText", "MeasureIntegerRange"},
    "MeasureIntegerRange": {"RangeMinimumIntegerValue", "RangeMaximumIntegerValue"},
    "EnforcementOfficial": {
        "RoleOfPerson", "EnforcementOfficialActivityCategoryCode", "EnforcementOfficialActivityCategory",
        "EnforcementOfficialAssignmentCategoryCode", "EnforcementOfficialAssignmentCategory",
        "EnforcementOfficialUnit",
    },
    "EnforcementOfficialUnit": _ORG,
    "Victim": {
        "RoleOfPerson", "VictimSequenceNumberText", "VictimInjury", "VictimCategoryCode",
        "VictimAggravatedAssaultHomicideFactorCode", "VictimJustifiableHomicideFactorCode",
        "VictimJustifiableHomicideFactor",
    },
    "VictimInjury": {"InjuryCategoryCode"},
    "Subject": {"RoleOfPerson", "SubjectSequenceNumberText"},
    "Arrestee": {
        "RoleOfPerson", "ArrestSequenceID", "ArresteeArmedWithCode", "ArresteeJuvenileDispositionCode",
        "ArrestSubjectCountCode",
    },
    "Arrest": {"ActivityIdentification", "ActivityDate", "ArrestCharge", "ArrestCategoryCode"},
    "ArrestCharge": {"ChargeUCRCode"},
    "ArrestSubjectAssociation": {"Activity", "Subject"},
    "OffenseLocationAssociation": {"Offense", "Location"},
    "OffenseVictimAssociation": {"Offense", "Victim"},
    "SubjectVictimAssociation": {
        "Subject", "Victim", "VictimToSubjectRelationshipCode", "SubjectToVictimRelationshipCode",
    },
}.items()}
_NOTHING: frozenset[str] = frozenset()
PROBLEM_COLUMNS = ("rid", "line", "code", "column", "value", "detail")

# Codes of our reader problems (catalogued in schemas/own_codes_xml.csv).
MALFORMED = "XML01"
UNSUPPORTED_VERSION = "XML02"
EXTENSION_ELEMENT = "XML03"
UNMAPPED_ELEMENT = "XML04"
XSD_VIOLATION = "XML05"
DOCTYPE_REFUSED = "XML06"
VALUE_DOES_NOT_FIT = "XML07"
TOO_MANY = "XML08"
BROKEN_REFERENCE = "XML09"
VERSION_TEXT = "XML10"
DECLARATION_MOVED = "XML11"
REPORT_NOT_MAPPED = "XML12"

_HEAD_BYTES = 1 << 20  # the prolog (declaration, comments, doctype) is looked at in this much
_CHUNK_BYTES = 1 << 16  # then the file is fed to the parser in pieces of this size


# ---------------------------------------------------------------------------------------
# Small text helpers


@cache
def _path(path: str) -> str:
    """'Incident/ActivityIdentification' -> '{*}Incident/{*}ActivityIdentification'."""
    return "/".join("{*}" + part for part in path.split("/"))


_TAGS: dict[str, tuple[str, str]] = {}


def _split(tag: str) -> tuple[str, str]:
    """'{namespace}Local' -> ('namespace', 'Local'), remembered (a file uses few tags)."""
    parts = _TAGS.get(tag)
    if parts is None:
        if tag.startswith("{"):
            ns, _, local = tag[1:].partition("}")
            parts = (ns, local)
        else:
            parts = ("", tag)
        if len(_TAGS) < 10_000:
            _TAGS[tag] = parts
    return parts


def _local(el) -> str:
    tag = el.tag
    return _split(tag)[1] if isinstance(tag, str) else ""


def _text(el) -> str | None:
    """Stripped text of a leaf element; None when the element is absent."""
    if el is None:
        return None
    return (el.text or "").strip()


def _find_text(el, path: str) -> str | None:
    return _text(el.find(_path(path))) if el is not None else None


def _attr(el, name: str) -> str | None:
    """Value of an attribute by local name (s:id, s:ref in any structures namespace)."""
    if el is None:
        return None
    for key, value in el.attrib.items():
        if key == name or key.endswith("}" + name):
            return value.strip()
    return None


def _pad(text: str, width: int) -> str:
    """Zero-pad an all-digit code the flat file pads ('6' -> '06'); anything else as sent."""
    return text.zfill(width) if text.isdigit() and len(text) < width else text


_DATE = re.compile(r"^(\d{4})-(\d{2})-(\d{2})")
_DATETIME = re.compile(r"^(\d{4})-(\d{2})-(\d{2})T(\d{2})")
_YEAR_MONTH = re.compile(r"^(\d{4})-(\d{2})")


def _date(text: str) -> str:
    """xs:date (YYYY-MM-DD, optional zone) -> YYYYMMDD; anything else as sent."""
    m = _DATE.match(text)
    return "".join(m.groups()) if m else text


def _amount(text: str) -> str:
    """nc:Amount -> whole dollars, zero-filled to the flat field's 9 characters."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite() or value < 0:
        return text
    return f"{int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP)):09d}"


def _quantity(text: str) -> str:
    """nc:MeasureDecimalValue -> 9 digits of whole units + 3 of thousandths (data element 21)."""
    try:
        value = Decimal(text)
    except InvalidOperation:
        return text
    if not value.is_finite() or value < 0:
        return text
    thousandths = int(value.quantize(Decimal("0.001"), rounding=ROUND_HALF_UP) * 1000)
    return f"{thousandths // 1000:09d}{thousandths % 1000:03d}"


def _count(text: str) -> str:
    return text.zfill(2) if text.isdigit() and len(text) < 2 else text


def _boolean(text: str, true_code: str, false_code: str) -> str:
    low = text.lower()
    if low in ("true", "1"):
        return true_code
    if low in ("false", "0"):
        return false_code
    return text


def _age_number(text: str) -> str:
    if not text.isdigit():
        return text
    number = int(text)
    return "99" if number >= 99 else f"{number:02d}"


def _weapon(text: str) -> tuple[str, str]:
    """'11A' -> ('11', 'A'): weapon code and automatic-weapon indicator, as the flat file splits them."""
    m = re.fullmatch(r"(\d{1,2})([A-Za-z]?)", text)
    if not m:
        return text, ""
    return m.group(1).zfill(2), m.group(2).upper()


def _clean(text: str) -> tuple[str, bool]:
    """Replace characters a NIBRS record cannot hold (non-ASCII, control) with '?'."""
    if text.isascii() and text.isprintable():
        return text, False
    return "".join(c if " " <= c <= "~" else "?" for c in text), True


@cache
def _widths(level: int) -> dict[str, int]:
    return {f.column: f.width for f in spec.layout(level)}


@cache
def _columns(level: int) -> tuple[str, ...]:
    return tuple(f.column for f in spec.layout(level))


# ---------------------------------------------------------------------------------------
# Mapping one report


@dataclass
class _Segment:
    level: int
    line: int
    element: object
    values: dict[str, str] = field(default_factory=dict)
    non_ascii: bool = False


@dataclass
class _Problem:
    line: int | None
    code: str
    column: str = ""
    value: str = ""
    detail: str = ""
    segment: _Segment | None = None  # None: the report as a whole (its first record)
    owner: object = None  # a child element of the report, to find the segment afterwards


class _Report:
    """Maps one nibrs:Report element to segments (flat-file records) and problems."""

    def __init__(self, report, tally: "_Tally | None" = None):
        self.report = report
        self.tally = tally
        self.line = report.sourceline or 0
        self.segments: list[_Segment] = []
        self.problems: list[_Problem] = []
        self.owner_of: dict[int, _Segment] = {}  # id(child element) -> segment built from it
        self.header: dict[str, str] = {}
        self.header_non_ascii = False
        self.category = ""
        self.action_sent = ""
        self.unplaced_reason = ""
        self.old_namespaces: set[str] = set()

    # -- problems and values --------------------------------------------------------

    def problem(self, el, code, column="", value="", detail="", segment=None, owner=None):
        if self.tally is not None and not self.tally.admit(code, str(value)):
            return  # counted only: the file already shows enough examples of this problem
        line = el.sourceline if el is not None and hasattr(el, "sourceline") else self.line
        self.problems.append(_Problem(line, code, column, value, detail, segment, owner))

    def fit(self, level: int, column: str, text: str, el, segment=None) -> tuple[str, bool]:
        """Clean ``text`` and cut it to the flat field's width, reporting a value that does not fit."""
        text, bad = _clean(text)
        width = _widths(level)[column]
        if len(text) > width:
            self.problem(el, VALUE_DOES_NOT_FIT, column, text,
                         f"{_local(el) if el is not None else column} holds {len(text)} characters; "
                         f"the flat-file field holds {width}, so only '{text[:width]}' was checked",
                         segment=segment)
            text = text[:width]
        return text, bad

    def put(self, seg: _Segment, column: str, text: str | None, el=None) -> None:
        if text is None or text == "":
            return
        value, bad = self.fit(seg.level, column, text, el, seg)
        seg.values[column] = value.rstrip()
        seg.non_ascii |= bad

    def put_many(self, seg: _Segment, columns: list[str], items: list[tuple[str, object]], what: str) -> None:
        """Fill occurrence columns (de8_1, de8_2 ...) from (text, element) pairs; report extras."""
        items = [(t, el) for t, el in items if t]
        for column, (text, el) in zip(columns, items):
            self.put(seg, column, text, el)
        if len(items) > len(columns):
            extra = items[len(columns):]
            self.problem(extra[0][1], TOO_MANY, columns[0], extra[0][0],
                         f"{len(items)} {what} given; the flat-file segment holds {len(columns)}, "
                         f"so {len(extra)} were not checked", segment=seg)

    def new_segment(self, level: int, el) -> _Segment:
        line = el.sourceline if el is not None and el.sourceline else self.line
        seg = _Segment(level, line, el, dict(self.header), self.header_non_ascii)
        self.segments.append(seg)
        if el is not None and el is not self.report:
            self.owner_of[id(el)] = seg
        return seg

    # -- structure check ------------------------------------------------------------

    def check_structure(self) -> None:
        """Report (and drop) elements the reader has no place for; note old namespaces."""
        removals = []
        own_ns = _split(self.report.tag)[0]
        if own_ns not in SUPPORTED_NAMESPACES:
            self.old_namespaces.add(own_ns or "(no namespace)")
        stack = [(child, "Report", child) for child in reversed(self.report)]
        while stack:
            el, parent, top = stack.pop()
            tag = el.tag
            if not isinstance(tag, str):
                continue
            ns, name = _split(tag)
            if ns not in SUPPORTED_NAMESPACES:
                if ns and not _FAMILY.match(ns):
                    self.problem(el, EXTENSION_ELEMENT, value=name,
                                 detail=f"element {name} in namespace {ns} is not part of the NIBRS 2019 "
                                        "exchange (state extension?) and was ignored", owner=top)
                    removals.append(el)
                    continue
                self.old_namespaces.add(ns or "(no namespace)")
            if name not in CHILDREN.get(parent, _NOTHING):
                self.problem(el, UNMAPPED_ELEMENT, value=name,
                             detail=f"element {name} inside {parent} has no place in the NIBRS record "
                                    "layout and was ignored", owner=top)
                removals.append(el)
                continue
            if len(el):
                stack.extend((child, name, top) for child in reversed(el))
        for el in removals:
            el.getparent().remove(el)

    # -- header ----------------------------------------------------------------------

    def read_header(self) -> bool:
        rep = self.report
        head = rep.find(_path("ReportHeader"))
        if head is None:
            self.unplaced_reason = "report has no ReportHeader"
            return False
        category = _find_text(head, "NIBRSReportCategoryCode") or ""
        self.category = REPORT_CATEGORY.get(category.upper(), "")
        self.action_sent = _find_text(head, "ReportActionCategoryCode") or ""
        agency = head.find(_path("ReportingAgency"))
        ori_el = agency.find(_path("OrganizationAugmentation/OrganizationORIIdentification/IdentificationID")) \
            if agency is not None else None
        city_el = agency.find(_path("OrganizationAugmentation/DirectReportingCityIdentification/IdentificationID")) \
            if agency is not None else None
        month, year = "", ""
        date_el = head.find(_path("ReportDate"))
        if date_el is not None:
            when_el = next((c for c in date_el if isinstance(c.tag, str)), None)
            when = _text(when_el) or ""
            m = _YEAR_MONTH.match(when)
            if m:
                year, month = m.group(1), m.group(2)
            elif when:
                self.problem(when_el, VALUE_DOES_NOT_FIT, "sub_month", when,
                             "the report date is not written as YYYY-MM, so month and year of "
                             "submission were left blank")
        # R (replace, XML only) is read as I: see docs/xml.md.
        action = "I" if self.action_sent.upper() == "R" else self.action_sent
        head_el = head.find(_path("ReportActionCategoryCode"))
        raw = {"action": (action, head_el), "sub_month": (month, date_el), "sub_year": (year, date_el),
               "city": (_text(city_el) or "", city_el), "ori": (_text(ori_el) or "", ori_el)}
        for column, (text, el) in raw.items():
            value, bad = self.fit(1, column, text, el)
            self.header[column] = value.rstrip()
            self.header_non_ascii |= bad
        self.header["incident"] = ""
        if not self.category:
            self.unplaced_reason = f"unknown report category {category!r}" if category else "report category missing"
            return False
        return True

    def set_incident(self, text: str | None, el, level: int = 1) -> None:
        value, bad = self.fit(level, "incident", text or "", el)
        self.header["incident"] = value.rstrip()
        self.header_non_ascii |= bad

    # -- persons ---------------------------------------------------------------------

    def index_ids(self) -> None:
        self.ids: dict[str, object] = {}
        for child in self.report:
            if isinstance(child.tag, str):
                ident = _attr(child, "id")
                if ident:
                    self.ids[ident] = child

    def target(self, holder, name: str, kind: str, owner=None):
        """The report child a reference element (<j:Victim s:ref="..."/>) points at."""
        ref_el = holder.find(_path(name)) if holder is not None else None
        ref = _attr(ref_el, "ref")
        if not ref:
            return None
        found = self.ids.get(ref)
        if found is None or _local(found) != kind:
            self.problem(ref_el, BROKEN_REFERENCE, value=ref,
                         detail=f"{_local(holder)} refers to {kind} {ref!r}, which is not in the report",
                         owner=owner if owner is not None else holder)
            return None
        return found

    def person_of(self, role_holder):
        return self.target(role_holder, "RoleOfPerson", "Person", owner=role_holder)

    def put_age(self, seg: _Segment, column: str, person) -> None:
        measure = person.find(_path("PersonAgeMeasure")) if person is not None else None
        if measure is None:
            return
        single = measure.find(_path("MeasureIntegerValue"))
        span = measure.find(_path("MeasureIntegerRange"))
        words = measure.find(_path("MeasureValueText"))
        if single is not None:
            self.put(seg, column, _age_number(_text(single)), single)
        elif span is not None:
            low = _find_text(span, "RangeMinimumIntegerValue") or ""
            high = _find_text(span, "RangeMaximumIntegerValue") or ""
            if low and high and low != high:
                self.put(seg, column, _age_number(low) + _age_number(high), span)
            else:
                self.put(seg, column, _age_number(low or high), span)
        elif words is not None:
            text = _text(words)
            self.put(seg, column, AGE_TEXT.get(text.upper(), text), words)

    def put_person(self, seg: _Segment, person, columns: dict[str, str]) -> None:
        if person is None:
            return
        self.owner_of.setdefault(id(person), seg)
        self.put_age(seg, columns["age"], person)
        for name, column in (("PersonSexCode", "sex"), ("PersonRaceNDExCode", "race"),
                             ("PersonEthnicityCode", "ethnicity"), ("PersonResidentCode", "resident")):
            if column in columns:
                el = person.find(_path(name))
                self.put(seg, columns[column], _text(el), el)

    # -- Group A incident report -----------------------------------------------------

    def group_a(self) -> None:
        rep = self.report
        incident = rep.find(_path("Incident"))
        id_el = incident.find(_path("ActivityIdentification/IdentificationID")) if incident is not None else None
        self.set_incident(_text(id_el), id_el)
        admin = self.new_segment(1, rep)
        if incident is not None:
            self.owner_of[id(incident)] = admin
            self.admin(admin, incident)
        if self.header["action"] == "D":
            return  # a delete carries only the keys; the FBI ignores everything else
        self.index_ids()
        offense_code: dict[str, str] = {}
        for el in rep.findall(_path("Offense")):
            seg = self.new_segment(2, el)
            self.offense(seg, el)
            ident = _attr(el, "id")
            if ident:
                offense_code.setdefault(ident, seg.values.get("de6", ""))
        self.locations()
        self.property()
        self.victims(offense_code)
        subject_seq = self.subjects(5)
        self.victim_relationships(subject_seq)
        self.arrestees(6)

    def admin(self, seg: _Segment, incident) -> None:
        when = incident.find(_path("ActivityDate"))
        if when is not None:
            stamp = when.find(_path("DateTime"))
            day = when.find(_path("Date"))
            if stamp is not None and _text(stamp):
                text = _text(stamp)
                m = _DATETIME.match(text)
                if m:
                    self.put(seg, "de3_date", "".join(m.groups()[:3]), stamp)
                    self.put(seg, "de3_hour", m.group(4), stamp)
                else:
                    self.put(seg, "de3_date", _date(text), stamp)
            elif day is not None:
                self.put(seg, "de3_date", _date(_text(day)), day)
        for aug in incident.findall(_path("IncidentAugmentation")):
            for el in aug:
                name, text = _local(el), _text(el)
                if name == "IncidentReportDateIndicator":
                    self.put(seg, "de3_report", _boolean(text, "R", ""), el)
                elif name == "OffenseCargoTheftIndicator":
                    self.put(seg, "de2a", _boolean(text, "Y", "N"), el)
                elif name == "IncidentExceptionalClearanceCode":
                    self.put(seg, "de4", text, el)
                elif name == "IncidentExceptionalClearanceDate":
                    day = el.find(_path("Date"))
                    if day is None:
                        day = el.find(_path("DateTime"))
                    if day is not None:
                        self.put(seg, "de5", _date(_text(day)), day)

    def offense(self, seg: _Segment, el) -> None:
        self.put(seg, "de6", _find_text(el, "OffenseUCRCode"), el.find(_path("OffenseUCRCode")))
        attempted = el.find(_path("OffenseAttemptedIndicator"))
        if attempted is not None:
            self.put(seg, "de7", _boolean(_text(attempted), "A", "C"), attempted)
        factors = [(_text(f), f) for f in el.findall(_path("OffenseFactor/OffenseFactorCode"))]
        self.put_many(seg, ["de8_1", "de8_2", "de8_3"], factors, "offender-suspected-of-using codes")
        entered = el.find(_path("OffenseStructuresEnteredQuantity"))
        if entered is not None:
            self.put(seg, "de10", _count(_text(entered)), entered)
        entry = el.find(_path("OffenseEntryPoint/PassagePointMethodCode"))
        self.put(seg, "de11", _text(entry), entry)
        activities = [(_text(a), a) for a in el.findall(_path("CriminalActivityCategoryCode"))]
        self.put_many(seg, ["de12_1", "de12_2", "de12_3"], activities, "criminal activity codes")
        forces = [f for f in el.findall(_path("OffenseForce/ForceCategoryCode")) if _text(f)]
        self.put_weapons(seg, forces, "de13", 3, "weapon/force codes")
        biases = []
        for b in el.findall(_path("OffenseFactorBiasMotivationCode")):
            text = _text(b)
            biases.append((BIAS.get(text.upper(), _pad(text, 2)), b))
        self.put_many(seg, [f"de8a_{k}" for k in range(1, 6)], biases, "bias motivation codes")

    def put_weapons(self, seg: _Segment, elements: list, prefix: str, slots: int, what: str) -> None:
        for k, el in enumerate(elements[:slots], start=1):
            code, auto = _weapon(_text(el))
            self.put(seg, f"{prefix}_{k}", code, el)
            self.put(seg, f"{prefix}auto_{k}", auto, el)
        if len(elements) > slots:
            self.problem(elements[slots], TOO_MANY, f"{prefix}_1", _text(elements[slots]),
                         f"{len(elements)} {what} given; the flat-file segment holds {slots}, "
                         f"so {len(elements) - slots} were not checked", segment=seg)

    def locations(self) -> None:
        """Data element 9: the location each offense is associated with."""
        by_offense: dict[int, list] = {}
        for assoc in self.report.findall(_path("OffenseLocationAssociation")):
            offense = self.target(assoc, "Offense", "Offense")
            location = self.target(assoc, "Location", "Location")
            if offense is None or location is None:
                continue
            code_el = location.find(_path("LocationCategoryCode"))
            by_offense.setdefault(id(offense), []).append((_pad(_text(code_el) or "", 2), code_el))
        for seg in self.segments:
            if seg.level == 2 and id(seg.element) in by_offense:
                places = by_offense[id(seg.element)]
                self.put_many(seg, ["de9"], places, "locations")

    def property(self) -> None:
        """Level 3: one property segment per type of loss (nc:ItemStatus), in order of first use.

        Each nc:Item is one description/value/date slot. Every nc:Substance adds one drug
        entry (data elements 20-22); substances and items described as 10 = Drugs/Narcotics
        share one slot, whose value is the sum of the values given and whose date is the
        first given (the flat segment holds description 10 once).
        """
        groups: dict[str, dict] = {}
        for el in self.report:
            name = _local(el)
            if name not in ("Item", "Substance"):
                continue
            status_el = el.find(_path("ItemStatus/ItemStatusCode"))
            status_text = _text(status_el) or ""
            status = ITEM_STATUS.get(status_text.upper(), status_text)
            group = groups.get(status)
            if group is None:
                seg = self.new_segment(3, el)
                self.put(seg, "de14", status, status_el)
                group = groups[status] = {"seg": seg, "slots": [], "drugs": [], "vehicles": []}
            self.owner_of[id(el)] = group["seg"]
            desc_el = el.find(_path("ItemCategoryNIBRSPropertyCategoryCode"))
            desc = _pad(_text(desc_el) or "", 2)
            amount_el = el.find(_path("ItemValue/ItemValueAmount/Amount"))
            date_el = el.find(_path("ItemValue/ItemValueDate/Date"))
            if date_el is None:
                date_el = el.find(_path("ItemValue/ItemValueDate/DateTime"))
            amount = _amount(_text(amount_el)) if amount_el is not None and _text(amount_el) else ""
            day = _date(_text(date_el)) if date_el is not None and _text(date_el) else ""
            if desc or amount or day:
                merged = next((s for s in group["slots"] if s["desc"] == DRUGS), None) if desc == DRUGS else None
                if merged is None:
                    group["slots"].append({"desc": desc, "amounts": [(amount, amount_el)] if amount else [],
                                           "date": (day, date_el), "el": desc_el if desc_el is not None else el})
                else:
                    if amount:
                        merged["amounts"].append((amount, amount_el))
                    if not merged["date"][0] and day:
                        merged["date"] = (day, date_el)
            quantity_el = el.find(_path("ItemQuantity"))
            if desc in MOTOR_VEHICLES and quantity_el is not None and _text(quantity_el):
                group["vehicles"].append((_text(quantity_el), quantity_el))
            if name == "Substance":
                drug_el = el.find(_path("DrugCategoryCode"))
                measure = el.find(_path("SubstanceQuantityMeasure"))
                qty_el = measure.find(_path("MeasureDecimalValue")) if measure is not None else None
                unit_el = measure.find(_path("SubstanceUnitCode")) if measure is not None else None
                drug = (_text(drug_el) or "", _quantity(_text(qty_el)) if _text(qty_el) else "", _text(unit_el) or "")
                if any(drug):
                    group["drugs"].append((drug, drug_el if drug_el is not None else el))
        for status, group in groups.items():
            seg = group["seg"]
            slots = group["slots"]
            for k, slot in enumerate(slots[:10], start=1):
                self.put(seg, f"de15_{k}", slot["desc"], slot["el"])
                self.put(seg, f"de16_{k}", _sum_amounts(slot["amounts"]), slot["amounts"][0][1] if slot["amounts"] else None)
                self.put(seg, f"de17_{k}", slot["date"][0], slot["date"][1])
            if len(slots) > 10:
                self.problem(slots[10]["el"], TOO_MANY, "de15_1", slots[10]["desc"],
                             f"{len(slots)} property descriptions with this type of loss; the flat-file "
                             f"segment holds 10, so {len(slots) - 10} were not checked", segment=seg)
            if group["vehicles"] and status in ("5", "7"):
                column = "de18" if status == "7" else "de19"
                texts = [t for t, _ in group["vehicles"]]
                total = str(sum(int(t) for t in texts)) if all(t.isdigit() for t in texts) else texts[0]
                self.put(seg, column, _count(total), group["vehicles"][0][1])
            drugs = group["drugs"]
            for k, ((drug, qty, unit), el) in enumerate(drugs[:3], start=1):
                self.put(seg, f"de20_{k}", drug, el)
                self.put(seg, f"de21_{k}", qty, el)
                self.put(seg, f"de22_{k}", unit, el)
            if len(drugs) > 3:
                self.problem(drugs[3][1], TOO_MANY, "de20_1", drugs[3][0][0],
                             f"{len(drugs)} drug types with this type of loss; the flat-file segment "
                             f"holds 3, so {len(drugs) - 3} were not checked", segment=seg)

    def victims(self, offense_code: dict[str, str]) -> None:
        rep = self.report
        connected: dict[int, list] = {}
        for assoc in rep.findall(_path("OffenseVictimAssociation")):
            offense = self.target(assoc, "Offense", "Offense")
            victim = self.target(assoc, "Victim", "Victim")
            if offense is None or victim is None:
                continue
            connected.setdefault(id(victim), []).append((offense_code.get(_attr(offense, "id"), ""), assoc))
        officers: dict[int, object] = {}
        for officer in rep.findall(_path("EnforcementOfficial")):
            person = self.person_of(officer)
            if person is not None:
                officers[id(person)] = officer
        self.victim_segments: dict[int, _Segment] = {}
        for el in rep.findall(_path("Victim")):
            seg = self.new_segment(4, el)
            self.victim_segments[id(el)] = seg
            seq = el.find(_path("VictimSequenceNumberText"))
            self.put(seg, "de23", _count_to(_text(seq), 3), seq)
            self.put_many(seg, [f"de24_{k}" for k in range(1, 11)], connected.get(id(el), []),
                          "offenses connected to the victim")
            kind = el.find(_path("VictimCategoryCode"))
            self.put(seg, "de25", _text(kind), kind)
            person = self.person_of(el)
            self.put_person(seg, person, {"age": "de26", "sex": "de27", "race": "de28",
                                          "ethnicity": "de29", "resident": "de30"})
            circumstances = [(_pad(_text(c), 2), c) for c in el.findall(_path("VictimAggravatedAssaultHomicideFactorCode"))]
            self.put_many(seg, ["de31_1", "de31_2"], circumstances, "aggravated assault/homicide circumstances")
            justifiable = el.find(_path("VictimJustifiableHomicideFactorCode"))
            if justifiable is None:
                justifiable = el.find(_path("VictimJustifiableHomicideFactor"))
            self.put(seg, "de32", _text(justifiable), justifiable)
            injuries = [(_text(i), i) for i in el.findall(_path("VictimInjury/InjuryCategoryCode"))]
            self.put_many(seg, [f"de33_{k}" for k in range(1, 6)], injuries, "injury codes")
            officer = officers.get(id(person)) if person is not None else None
            if officer is not None:
                self.owner_of.setdefault(id(officer), seg)
                activity = officer.find(_path("EnforcementOfficialActivityCategoryCode"))
                if activity is None:
                    activity = officer.find(_path("EnforcementOfficialActivityCategory"))
                assignment = officer.find(_path("EnforcementOfficialAssignmentCategoryCode"))
                if assignment is None:
                    assignment = officer.find(_path("EnforcementOfficialAssignmentCategory"))
                other_ori = officer.find(_path(
                    "EnforcementOfficialUnit/OrganizationAugmentation/OrganizationORIIdentification/IdentificationID"))
                self.put(seg, "de25a", _pad(_text(activity) or "", 2), activity)
                self.put(seg, "de25b", _text(assignment), assignment)
                self.put(seg, "de25c", _text(other_ori), other_ori)

    def subjects(self, level: int) -> dict[str, str]:
        """Level 5 segments; returns the offender sequence number of each subject id."""
        sequence: dict[str, str] = {}
        for el in self.report.findall(_path("Subject")):
            seg = self.new_segment(level, el)
            seq_el = el.find(_path("SubjectSequenceNumberText"))
            seq = _count_to(_text(seq_el), 2)
            self.put(seg, "de36", seq, seq_el)
            ident = _attr(el, "id")
            if ident:
                sequence[ident] = seg.values.get("de36", "")
            self.put_person(seg, self.person_of(el), {"age": "de37", "sex": "de38", "race": "de39", "ethnicity": "de39a"})
        return sequence

    def victim_relationships(self, subject_seq: dict[str, str]) -> None:
        pairs: dict[int, list] = {}
        for assoc in self.report.findall(_path("SubjectVictimAssociation")):
            subject = self.target(assoc, "Subject", "Subject")
            victim = self.target(assoc, "Victim", "Victim")
            if victim is None:
                continue
            code_el = assoc.find(_path("VictimToSubjectRelationshipCode"))
            if code_el is None:
                code_el = assoc.find(_path("SubjectToVictimRelationshipCode"))
            text = _text(code_el) or ""
            seq = subject_seq.get(_attr(subject, "id"), "") if subject is not None else ""
            pairs.setdefault(id(victim), []).append((seq, RELATIONSHIP.get(text, text), assoc, code_el))
        for victim_id, related in pairs.items():
            seg = self.victim_segments.get(victim_id)
            if seg is None:
                continue
            for k, (seq, code, assoc, code_el) in enumerate(related[:10], start=1):
                self.put(seg, f"de34_{k}", seq, assoc)
                self.put(seg, f"de35_{k}", code, code_el)
            if len(related) > 10:
                self.problem(related[10][2], TOO_MANY, "de34_1", related[10][0],
                             f"{len(related)} victim-offender relationships given; the flat-file segment "
                             f"holds 10, so {len(related) - 10} were not checked", segment=seg)

    # -- arrestees (level 6 in an incident, level 7 as a Group B arrest report) -------

    def arrest_pairs(self) -> list[tuple[object, object]]:
        rep = self.report
        arrestees = rep.findall(_path("Arrestee"))
        arrests = rep.findall(_path("Arrest"))
        associations = rep.findall(_path("ArrestSubjectAssociation"))
        arrest_of: dict[int, object] = {}
        for assoc in associations:
            arrest = self.target(assoc, "Activity", "Arrest")
            arrestee = self.target(assoc, "Subject", "Arrestee")
            if arrest is not None and arrestee is not None:
                arrest_of.setdefault(id(arrestee), arrest)
        if not associations and len(arrests) == len(arrestees):
            arrest_of = {id(a): b for a, b in zip(arrestees, arrests)}
        pairs = [(a, arrest_of.get(id(a))) for a in arrestees]
        if self.header.get("action") != "D":
            for arrestee, arrest in pairs:
                if arrest is None:
                    self.problem(arrestee, BROKEN_REFERENCE, value=_attr(arrestee, "id") or "",
                                 detail="the arrestee is not associated with any arrest "
                                        "(j:ArrestSubjectAssociation), so the arrest data was left blank",
                                 owner=arrestee)
        if not arrestees and arrests:
            pairs = [(None, arrests[0])]
        return pairs

    def arrestees(self, level: int) -> None:
        for arrestee, arrest in self.arrest_pairs():
            start = arrestee if arrestee is not None else arrest
            if level == 7:
                atn = arrest.find(_path("ActivityIdentification/IdentificationID")) if arrest is not None else None
                self.set_incident(_text(atn), atn, level=7)
            seg = self.new_segment(level, start)
            if arrest is not None:
                self.owner_of.setdefault(id(arrest), seg)
                if level == 6:
                    atn = arrest.find(_path("ActivityIdentification/IdentificationID"))
                    self.put(seg, "de41", _text(atn), atn)
                day = arrest.find(_path("ActivityDate/Date"))
                if day is None:
                    day = arrest.find(_path("ActivityDate/DateTime"))
                if day is not None:
                    self.put(seg, "de42", _date(_text(day)), day)
                kind = arrest.find(_path("ArrestCategoryCode"))
                self.put(seg, "de43", _text(kind), kind)
                charge = arrest.find(_path("ArrestCharge/ChargeUCRCode"))
                self.put(seg, "de45", _text(charge), charge)
            if arrestee is None:
                continue
            seq = arrestee.find(_path("ArrestSequenceID"))
            self.put(seg, "de40", _count_to(_text(seq), 2), seq)
            if level == 6:
                count = arrestee.find(_path("ArrestSubjectCountCode"))
                self.put(seg, "de44", _text(count), count)
            armed = [a for a in arrestee.findall(_path("ArresteeArmedWithCode")) if _text(a)]
            self.put_weapons(seg, armed, "de46", 2, "armed-with codes")
            self.put_person(seg, self.person_of(arrestee), {"age": "de47", "sex": "de48", "race": "de49",
                                                            "ethnicity": "de50", "resident": "de51"})
            disposition = arrestee.find(_path("ArresteeJuvenileDispositionCode"))
            self.put(seg, "de52", _text(disposition), disposition)

    # -- other report kinds ------------------------------------------------------------

    def group_b(self) -> None:
        self.index_ids()
        before = len(self.segments)
        self.arrestees(7)
        if len(self.segments) == before:  # no arrest at all: one segment with the header only
            self.new_segment(7, self.report)

    def zero(self) -> None:
        incident = self.report.find(_path("Incident/ActivityIdentification/IdentificationID"))
        self.set_incident(_text(incident) or ZERO_INCIDENT, incident, level=0)
        seg = self.new_segment(0, self.report)
        seg.values["zero_month"] = self.header["sub_month"]
        seg.values["zero_year"] = self.header["sub_year"]

    def map(self) -> None:
        self.check_structure()
        if not self.read_header():
            return
        {"A": self.group_a, "B": self.group_b, "Z": self.zero}[self.category]()


def _count_to(text: str | None, width: int) -> str | None:
    if text is None:
        return None
    return text.zfill(width) if text.isdigit() and len(text) < width else text


def _sum_amounts(amounts: list[tuple[str, object]]) -> str:
    if not amounts:
        return ""
    texts = [t for t, _ in amounts]
    if len(texts) == 1 or not all(t.isdigit() for t in texts):
        return texts[0]
    return f"{sum(int(t) for t in texts):09d}"


# ---------------------------------------------------------------------------------------
# The prolog: document type declarations are refused, a misplaced XML declaration repaired

_PROLOG_ITEM = re.compile(rb"\s+|<!--.*?-->|<\?.*?\?>", re.DOTALL)
_XML_DECL = re.compile(rb"<\?xml[\s?]")


@dataclass
class _Prolog:
    head: bytes
    doctype_line: int | None = None
    moved_declaration_line: int | None = None


def _scan_prolog(head: bytes) -> _Prolog:
    """Look at what precedes the root element: refuse a DOCTYPE, move a late XML declaration."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: only look for a DOCTYPE
        text = head.decode("utf-16", errors="replace").encode("utf-8", errors="replace")
        offset = 0
    else:
        text = head
        offset = 3 if head.startswith(b"\xef\xbb\xbf") else 0
    pos, moved = offset, None
    while True:
        m = _PROLOG_ITEM.match(text, pos)
        if not m or m.end() == pos:
            break
        if pos > offset and moved is None and _XML_DECL.match(m.group(0)):
            moved = (m.start(), m.end())
        pos = m.end()
    if text[pos:pos + 9].upper() == b"<!DOCTYPE":
        return _Prolog(head, doctype_line=text.count(b"\n", 0, pos) + 1)
    if moved is None or text is not head:
        return _Prolog(head)
    start, end = moved
    declaration = head[start:end]
    # Put the declaration first and blank its old place, keeping every line break where it
    # was, so line numbers still point at the file as sent.
    blanked = bytes(b if b in (10, 13) else 32 for b in declaration)
    first = declaration.replace(b"\n", b" ").replace(b"\r", b" ")
    repaired = head[:offset] + first + head[offset:start] + blanked + head[end:]
    return _Prolog(repaired, moved_declaration_line=head.count(b"\n", 0, start) + 1)


def has_doctype(tree) -> bool:
    """True when a parsed document carries a document type declaration or any DTD content."""
    tree = tree.getroottree() if hasattr(tree, "getroottree") else tree
    info = tree.docinfo
    return bool(info.doctype or info.internalDTD is not None or info.externalDTD is not None
                or info.public_id or info.system_url)


def safe_parser_options() -> dict:
    """Parser settings for untrusted XML: no DTD, no entity expansion, no network, no huge trees."""
    return dict(resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
                huge_tree=False)


# ---------------------------------------------------------------------------------------
# The reader


# Problems that can repeat without bound (one per ignored element): per file, each kind (code
# and element name) is kept as one finding with its count and the lines of its first
# examples, and only so many kinds are listed; the rest are counted in one more finding.
# 300,000 unknown elements therefore cost a few counters, not 300,000 findings.
_WARNING_ONLY = frozenset({EXTENSION_ELEMENT, UNMAPPED_ELEMENT, VERSION_TEXT})
AGGREGATED_CODES = frozenset({EXTENSION_ELEMENT, UNMAPPED_ELEMENT})
EXAMPLES_PER_KIND = 5
KINDS_PER_CODE = 100


class _Tally:
    """Counts repeated reader problems of a file and says which ones to keep as examples."""

    def __init__(self):
        self.counts: dict[tuple[str, str], int] = {}
        self.kinds: dict[str, int] = {}
        self.overflow: dict[str, int] = {}

    def admit(self, code: str, value: str) -> bool:
        """Count one problem; True when it is to be kept as an example."""
        if code not in AGGREGATED_CODES:
            return True
        key = (code, value)
        seen = self.counts.get(key)
        if seen is None:
            if self.kinds.get(code, 0) >= KINDS_PER_CODE:
                self.overflow[code] = self.overflow.get(code, 0) + 1
                return False
            self.kinds[code] = self.kinds.get(code, 0) + 1
            seen = 0
        self.counts[key] = seen + 1
        return seen < EXAMPLES_PER_KIND

    def fold(self, rows: list[tuple]) -> list[tuple]:
        """One row per kind of the aggregated codes (the first, with the count and example
        lines added), the other rows unchanged, and one row per code whose kinds overflowed."""
        out: list[tuple] = []
        first: dict[tuple[str, str], int] = {}
        lines: dict[tuple[str, str], list] = {}
        for row in rows:
            key = (row[2], str(row[4]))
            if row[2] not in AGGREGATED_CODES:
                out.append(row)
                continue
            lines.setdefault(key, []).append(row[1])
            if key not in first:
                first[key] = len(out)
                out.append(row)
        for key, at in first.items():
            count = self.counts.get(key, 1)
            if count > 1:
                rid, line, code, column, value, detail = out[at]
                shown = ", ".join(str(x) for x in lines[key] if x is not None)
                detail = (f"{detail} ({count:,} times in this file"
                          + (f"; first at lines {shown}" if shown else "") + ")")
                out[at] = (rid, line, code, column, value, detail)
        for code, count in self.overflow.items():
            out.append((-1, None, code, "", "(other elements)",
                        f"{count:,} more elements with {KINDS_PER_CODE:,}+ other names were ignored "
                        "as well; they are counted here, not listed"))
        return out


class _Collector:
    """Accumulates records, level rows, unplaced records and problems across reports."""

    def __init__(self):
        self.tally = _Tally()
        self.nonblank = False  # the file holds more than blanks (set by the reader)
        self.records: list[tuple] = []
        self.rows: dict[int, tuple[list[int], list[tuple]]] = {level: ([], []) for level in spec.LEVELS}
        self.unplaced: list[tuple[int, str]] = []
        self.problems: list[tuple] = []
        self.reports: list[tuple] = []
        self.old_namespaces: dict[str, int] = {}

    def file_problem(self, line, code, value="", detail="", column=""):
        if self.tally.admit(code, str(value)):
            self.problems.append((-1, line, code, column, value, detail))

    def add_report(self, mapped: _Report) -> None:
        first_rid = len(self.records)
        rid_of: dict[int, int] = {}
        if mapped.unplaced_reason:
            header = mapped.header
            self.records.append((mapped.line, "", pd.NA, 0, mapped.header_non_ascii, header.get("action", ""),
                                 header.get("sub_month", ""), header.get("sub_year", ""), header.get("city", ""),
                                 header.get("ori", ""), header.get("incident", ""), ""))
            self.unplaced.append((first_rid, mapped.unplaced_reason))
            mapped.problems.append(_Problem(mapped.line, REPORT_NOT_MAPPED, value=mapped.category,
                                            detail=mapped.unplaced_reason + "; nothing in it was checked"))
        for seg in mapped.segments:
            rid = len(self.records)
            rid_of[id(seg)] = rid
            length = spec.current_length(seg.level)
            values = {c: seg.values.get(c, "") for c in _columns(seg.level)}
            values["seg_length"] = f"{length:04d}"
            values["seg_level"] = str(seg.level)
            raw = spec.lay_out_record(seg.level, values)
            self.records.append((seg.line, str(seg.level), length, len(raw), seg.non_ascii, values["action"],
                                 values["sub_month"], values["sub_year"], values["city"], values["ori"],
                                 values["incident"], raw))
            rids, rows = self.rows[seg.level]
            rids.append(rid)
            rows.append(tuple(values[c] for c in _columns(seg.level)))
        owner_rid = {key: rid_of[id(seg)] for key, seg in mapped.owner_of.items() if id(seg) in rid_of}
        for p in mapped.problems:
            if p.segment is not None and id(p.segment) in rid_of:
                rid = rid_of[id(p.segment)]
            elif p.owner is not None and id(p.owner) in owner_rid:
                rid = owner_rid[id(p.owner)]
            else:
                rid = first_rid if len(self.records) > first_rid else -1
            self.problems.append((rid, p.line, p.code, p.column, p.value, p.detail))
        for ns in mapped.old_namespaces:
            self.old_namespaces.setdefault(ns, mapped.line)
        self.reports.append((len(self.reports) + 1, mapped.line, mapped.category, mapped.action_sent,
                             mapped.header.get("action", ""), mapped.header.get("ori", ""),
                             mapped.header.get("incident", ""), first_rid, len(self.records) - first_rid))

    def other_iepd_version(self) -> list[str]:
        """Namespaces of another NIBRS/CJIS/NIEM release the reports were written in."""
        return [ns for ns in self.old_namespaces if _FAMILY.match(ns)]

    def refused_for_version(self, source: str, namespaces: list[str]) -> Submission:
        """A file written for another IEPD version (4.0, 4.2 ...): one XML02 and nothing else.

        Reading such a file by element name gives a model whose codes and structure differ
        from 2019.1 in many small ways, so every rule would report side effects of the
        version instead of the data. The file is reported once and not checked."""
        refused = _Collector()
        first_line = min(self.old_namespaces[ns] for ns in namespaces)
        refused.file_problem(first_line, UNSUPPORTED_VERSION, namespaces[0],
                             f"the file uses the namespace(s) {', '.join(namespaces)}, not those of the NIBRS "
                             f"2019.1 exchange, so none of its {len(self.reports)} report(s) was checked; "
                             "the FBI accepts only 2019.1 XML")
        return refused.submission(source)

    def submission(self, source: str) -> Submission:
        other_version = self.other_iepd_version()
        if other_version:
            return self.refused_for_version(source, other_version)
        n = len(self.records)
        rid = pd.RangeIndex(n, name="rid")
        cols = list(zip(*self.records)) if n else [[] for _ in range(12)]
        text = lambda values: pd.Series(list(values), index=rid, dtype="str")  # noqa: E731
        records = pd.DataFrame(
            {
                "record": np.arange(1, n + 1, dtype=np.int64),
                "line": np.asarray(cols[0], dtype=np.int64),
                "level": text(cols[1]),
                "length_declared": pd.array(list(cols[2]), dtype="Int64"),
                "length_actual": np.asarray(cols[3], dtype=np.int64),
                "non_ascii": np.asarray(cols[4], dtype=bool),
                "action": text(cols[5]),
                "sub_month": text(cols[6]),
                "sub_year": text(cols[7]),
                "city": text(cols[8]),
                "ori": text(cols[9]),
                "incident": text(cols[10]),
                "raw": text(cols[11]),
            },
            index=rid,
        )
        records = assign_units(records)
        frames = {}
        for level in spec.LEVELS:
            rids, rows = self.rows[level]
            index = pd.Index(np.asarray(rids, dtype=np.int64), name="rid")
            columns = _columns(level)
            by_column = list(zip(*rows)) if rows else [[] for _ in columns]
            frames[level] = pd.DataFrame(
                {c: pd.Series(list(v), index=index, dtype="str") for c, v in zip(columns, by_column)}, index=index
            )
        unplaced = empty_unplaced()
        if self.unplaced:
            unplaced = pd.DataFrame(
                {"reason": pd.array([r for _, r in self.unplaced], dtype="str")},
                index=pd.Index(np.asarray([i for i, _ in self.unplaced], dtype=np.int64), name="rid"),
            )
        extra = {"xml_reports": pd.DataFrame(
            self.reports,
            columns=["report", "line", "category", "action_sent", "action", "ori", "incident", "first_rid", "records"],
        )}
        for ns, line in self.old_namespaces.items():
            self.file_problem(line, UNSUPPORTED_VERSION, ns,
                              f"namespace {ns} is not the one of the NIBRS 2019.1 exchange; elements were read "
                              "by name as if they were 2019.1, but the FBI will not accept this version")
        # No record, and only warnings to show for it (an empty nibrs:Submission has no problem
        # at all and gets IO06 instead): the file must not pass as checked.
        said = {p[2] for p in self.problems}
        if not n and self.nonblank and said and said <= _WARNING_ONLY:
            self.file_problem(None, REPORT_NOT_MAPPED, "",
                              "no NIBRS report was read from this file (no nibrs:Report element in a NIBRS "
                              "namespace), so nothing in it was checked")
        problems = problems_frame(self.tally.fold(self.problems))
        if len(problems):
            extra["reader_problems"] = problems
        return Submission(source=source, format="xml", records=records, frames=frames, unplaced=unplaced, extra=extra)


def problems_frame(rows: Iterable[tuple] = ()) -> pd.DataFrame:
    """Reader problems as a DataFrame with the columns rules and writers expect."""
    rows = list(rows)
    cols = list(zip(*rows)) if rows else [[] for _ in PROBLEM_COLUMNS]
    return pd.DataFrame({
        "rid": np.asarray(cols[0], dtype=np.int64),
        "line": pd.array([None if v is None else int(v) for v in cols[1]], dtype="Int64"),
        "code": pd.Series(list(cols[2]), dtype="str"),
        "column": pd.Series(list(cols[3]), dtype="str"),
        "value": pd.Series([str(v) for v in cols[4]], dtype="str"),
        "detail": pd.Series(list(cols[5]), dtype="str"),
    })


def _read_stream(stream: BinaryIO, source: str) -> Submission:
    out = _Collector()
    head = stream.read(_HEAD_BYTES) or b""
    out.nonblank = bool(head.strip(b" \t\r\n\x00\xef\xbb\xbf\xff\xfe"))
    prolog = _scan_prolog(head)
    if prolog.doctype_line is not None:
        out.file_problem(prolog.doctype_line, DOCTYPE_REFUSED, "DOCTYPE",
                         "the file carries a document type declaration (DTD). NIBRS XML never needs one and "
                         "it can be used to read other files or exhaust memory, so the file was not read")
        return out.submission(source)
    if prolog.moved_declaration_line is not None:
        out.file_problem(prolog.moved_declaration_line, DECLARATION_MOVED, "<?xml",
                         "the XML declaration must be the very first thing in the file; it came after a "
                         "comment. It was read as if it were first")
    parser = etree.XMLPullParser(
        events=("end",), tag=("{*}Report", "{*}MessageMetadata"),
        remove_comments=True, remove_pis=True, **safe_parser_options(),
    )
    state = {"first": True, "version_checked": False, "root": None, "stop": False}

    def drain() -> None:
        for _, el in parser.read_events():
            if state["stop"]:
                return
            if state["first"]:
                state["first"] = False
                state["root"] = el.getroottree().getroot()
                if has_doctype(el):  # a DOCTYPE beyond the scanned head, or in BOM-less UTF-16
                    out.file_problem(None, DOCTYPE_REFUSED, "DOCTYPE",
                                     "the file carries a document type declaration (DTD) after a very long "
                                     "prolog; it was not loaded, no entity was expanded, and the file was not read")
                    state["stop"] = True
                    return
            _take(el, out, state)

    chunk = prolog.head
    try:
        while chunk and not state["stop"]:
            parser.feed(chunk)
            drain()
            chunk = stream.read(_CHUNK_BYTES)
        if not state["stop"]:
            root = parser.close()
            drain()
            if state["first"] and has_doctype(root):  # no report came, so drain() never looked
                out.file_problem(None, DOCTYPE_REFUSED, "DOCTYPE",
                                 "the file carries a document type declaration (DTD); it was not loaded, "
                                 "no entity was expanded, and the file was not read")
            else:
                _check_root(root, out)
    except etree.XMLSyntaxError as exc:
        drain()  # reports completed before the error are kept
        line = exc.lineno if exc.lineno else None
        msg = getattr(exc, "msg", None) or str(exc)
        out.file_problem(line, MALFORMED, "", f"the file is not well-formed XML ({msg}); "
                         "nothing after this point was read")
    except OSError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is a reader problem, never a traceback
        out.file_problem(None, MALFORMED, "", f"the file could not be parsed as XML ({type(exc).__name__}: {exc})")
    return out.submission(source)


def _take(el, out: _Collector, state: dict) -> None:
    """Map one finished Report (or read the message metadata), then free it."""
    ns = _split(el.tag)[0]
    foreign = bool(ns) and ns not in SUPPORTED_NAMESPACES and not _FAMILY.match(ns)
    if foreign and (_local(el) != "Report" or _inside_report(el)):
        return  # an extension element inside a report (its report reports it), or foreign metadata
    parent = el.getparent()
    if _local(el) == "MessageMetadata":
        if not state["version_checked"]:
            state["version_checked"] = True
            _check_version(el, out)
    elif foreign:
        out.add_report(_foreign_report(el, ns, out.tally))
    else:
        mapped = _Report(el, out.tally)
        try:
            mapped.map()
        except Exception as exc:  # noqa: BLE001 - a mapping bug must not lose the rest of the file
            mapped.segments.clear()
            mapped.unplaced_reason = f"report could not be mapped ({type(exc).__name__}: {exc})"
        out.add_report(mapped)
    _check_siblings(el, out)
    el.clear()
    if parent is not None:
        while el.getprevious() is not None:
            del parent[0]


# What MessageImplementationVersion may say for this IEPD: its namespace year, or its full name.
ACCEPTED_VERSIONS = frozenset({"2019", "2019.1"})


def _inside_report(el) -> bool:
    """True when ``el`` sits inside a report element of the NIBRS family."""
    parent = el.getparent()
    while parent is not None:
        ns, name = _split(parent.tag) if isinstance(parent.tag, str) else ("", "")
        if name == "Report" and (ns in SUPPORTED_NAMESPACES or _FAMILY.match(ns)):
            return True
        parent = parent.getparent()
    return False


def _foreign_report(el, ns: str, tally: _Tally) -> _Report:
    """A report element whose namespace is outside the NIBRS family: listed as unplaced with
    the reason (one record, error XML12), so it can never disappear from the accounting."""
    mapped = _Report(el, tally)
    mapped.unplaced_reason = (f"report element in namespace {ns}, which is not a NIBRS namespace "
                              "(check the xmlns declaration of its prefix); it was not read")
    return mapped


def _check_version(metadata, out: _Collector) -> None:
    version_el = metadata.find(_path("MessageImplementationVersion"))
    version = _text(version_el)
    if version is not None and version not in ACCEPTED_VERSIONS and _split(metadata.tag)[0] in SUPPORTED_NAMESPACES:
        out.file_problem(version_el.sourceline, VERSION_TEXT, version,
                         f"the message says it follows IEPD version {version!r} but uses the 2019.1 "
                         "namespaces; it was read as 2019.1. Write 2019 in MessageImplementationVersion")


def _check_siblings(el, out: _Collector) -> None:
    """Elements beside the reports (direct children of nibrs:Submission) the reader does not know."""
    sibling = el.getprevious()
    while sibling is not None:
        if isinstance(sibling.tag, str) and _local(sibling) not in ("Report", "MessageMetadata", "Submission"):
            _unknown_top(sibling, out)
        sibling = sibling.getprevious()


def _check_root(root, out: _Collector) -> None:
    ns, name = _split(root.tag)
    if name != "Submission" and not len(out.reports):
        out.file_problem(root.sourceline, UNMAPPED_ELEMENT, name,
                         f"the root element is {name}, not nibrs:Submission; no NIBRS report was found")
    for child in root:
        if isinstance(child.tag, str) and _local(child) not in ("Report", "MessageMetadata", "Submission"):
            _unknown_top(child, out)


def _unknown_top(el, out: _Collector) -> None:
    ns, name = _split(el.tag)
    code = EXTENSION_ELEMENT if ns and ns not in SUPPORTED_NAMESPACES and not _FAMILY.match(ns) else UNMAPPED_ELEMENT
    out.file_problem(el.sourceline, code, name, f"element {name} outside any report was ignored")


def read_xml_bytes(data: bytes, source: str = "<bytes>") -> Submission:
    """Read NIBRS XML held in memory. Never raises on bad content: see ``reader_problems``."""
    return _read_stream(io.BytesIO(data), source)


def read_xml(path: str | Path) -> Submission:
    """Read a NIBRS XML file. Raises :class:`UnreadableInput` only when the file cannot be opened."""
    path = Path(path)
    try:
        handle = path.open("rb")
    except (OSError, ValueError) as exc:
        raise UnreadableInput(f"{path}: cannot read file ({getattr(exc, 'strerror', None) or exc})") from exc
    with handle:
        try:
            return _read_stream(handle, str(path))
        except OSError as exc:
            raise UnreadableInput(f"{path}: cannot read file ({exc.strerror or exc})") from exc


# ---------------------------------------------------------------------------------------
# XSD validation (optional, --xsd-dir)


def _find_exchange_schema(xsd_dir: Path) -> Path | None:
    preferred = xsd_dir / "nibrs" / "2019" / "nibrs.xsd"
    if preferred.is_file():
        return preferred
    for candidate in sorted(xsd_dir.rglob("nibrs.xsd")):
        try:
            head = candidate.read_bytes()[:4096]
        except OSError:
            continue
        if NS["nibrs"].encode() in head:
            return candidate
    return None


class _LocalOnly(etree.Resolver):
    """Resolves schema imports to files under the schema folder only; anything else is refused."""

    def __init__(self, root: Path):
        super().__init__()
        self.root = root.resolve()

    def resolve(self, url, public_id, context):
        if url is None:
            return None
        local = url[7:] if url.startswith("file://") else url
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", local):
            return self.resolve_string("", context)  # network: refuse (empty document fails the import)
        try:
            target = Path(local).resolve()
        except (OSError, ValueError):
            return self.resolve_string("", context)
        if self.root not in target.parents and target != self.root:
            return self.resolve_string("", context)
        return None  # let libxml2 read the local file


@lru_cache(maxsize=4)
def _schema(path: str, root: str) -> etree.XMLSchema:
    parser = etree.XMLParser(**safe_parser_options())
    parser.resolvers.add(_LocalOnly(Path(root)))
    return etree.XMLSchema(etree.parse(path, parser))


def validate_against_xsd(path: str | Path, xsd_dir: str | Path) -> pd.DataFrame:
    """Validate ``path`` against the NIBRS 2019 exchange schema found under ``xsd_dir``.

    Returns reader problems (code XML05, ``rid`` -1, ``line`` of each violation). Imports
    are resolved from local files under ``xsd_dir`` only. A file that is not well-formed, or
    carries a DTD, gives no XSD rows: the reader already reports it (XML01 / XML06). Use
    :func:`merge_xsd_problems` to attach the rows to the records of a read submission.
    """
    xsd_dir = Path(xsd_dir)
    schema_path = _find_exchange_schema(xsd_dir) if xsd_dir.is_dir() else None
    if schema_path is None:
        return problems_frame([(-1, None, XSD_VIOLATION, "", str(xsd_dir),
                                f"no NIBRS 2019 exchange schema (nibrs/2019/nibrs.xsd) under {xsd_dir}; "
                                "the file was not validated")])
    try:
        schema = _schema(str(schema_path.resolve()), str(xsd_dir.resolve()))
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError, OSError) as exc:
        return problems_frame([(-1, None, XSD_VIOLATION, "", str(schema_path),
                                f"the schema could not be loaded ({exc}); imports are read only from files under "
                                f"{xsd_dir}, never from the network. The file was not validated")])
    try:
        data = path if isinstance(path, (bytes, bytearray)) else Path(path).read_bytes()
    except OSError:
        return problems_frame()
    prolog = _scan_prolog(data[:_HEAD_BYTES])
    if prolog.doctype_line is not None:
        return problems_frame()
    data = prolog.head + data[_HEAD_BYTES:]
    try:
        doc = etree.parse(io.BytesIO(data), etree.XMLParser(**safe_parser_options()))
    except etree.XMLSyntaxError:
        return problems_frame()
    if has_doctype(doc):
        return problems_frame()  # wherever it was (after a long comment, in UTF-16): the reader refuses it
    try:
        valid = schema.validate(doc)
    except etree.Error as exc:  # libxml2 gives up on some documents ("Internal error"): a finding, not a crash
        return problems_frame([(-1, None, XSD_VIOLATION, "", "",
                                f"the schema validation could not be completed ({exc}); the file was not validated")])
    if valid:
        return problems_frame()
    rows = []
    for error in schema.error_log:
        message = re.sub(r"\{(?:https?|urn|file):[^}]*\}", "", error.message)
        message = re.sub(r"\{((?:'[^']*', ){6})(?:'[^']*'(?:, )?){2,}\}", r"{\1...}", message)
        rows.append((-1, error.line or None, XSD_VIOLATION, "", "", message))
    return problems_frame(rows)


def merge_xsd_problems(sub: Submission, problems: pd.DataFrame) -> Submission:
    """Attach XSD problems to the first record of the report each line falls in, and add them
    to ``sub.extra["reader_problems"]`` (the XML05 rule reports them)."""
    if not len(problems):
        return sub
    problems = problems.copy()
    reports = sub.extra.get("xml_reports")
    if reports is not None and len(reports):
        starts = reports["line"].to_numpy()
        firsts = reports["first_rid"].to_numpy()
        counts = reports["records"].to_numpy()
        lines = problems["line"].fillna(0).astype(np.int64).to_numpy()
        at = np.searchsorted(starts, lines, side="right") - 1
        inside = (at >= 0) & (lines > 0)
        at = np.clip(at, 0, len(starts) - 1)
        rid = np.where(inside & (counts[at] > 0), firsts[at], -1)
        problems["rid"] = rid.astype(np.int64)
    existing = sub.extra.get("reader_problems")
    sub.extra["reader_problems"] = problems if existing is None else pd.concat([existing, problems], ignore_index=True)
    return sub
