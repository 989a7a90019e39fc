"""Write a submission as NIBRS XML 2019.1 (the FBI NIEM IEPD), the mirror of ``readers/xml.py``.

Input is anything that holds flat-file records: a list of fixed-width record strings, a list
of the generator's :class:`~wibrs_check.generator.incidents.Incident` objects, or a
:class:`~wibrs_check.model.Submission` read from a flat file. Each submission unit becomes
one ``nibrs:Report`` (a Group A incident, a Group B arrest, a zero report), written so that
:func:`wibrs_check.readers.xml.read_xml` reads it back to the same model.

What XML cannot say is dropped: declared segment lengths (XML is always the 2019 layout),
the legacy time-window fields (window offenses, clearance indicator and offenses), a zero
report month other than the submission month, a vehicle count on a segment without a
vehicle description, and links (data elements 24 and 34) to an offense or offender that is
not in the incident. See ``docs/xml.md``.

:func:`to_xml` writes every report into one ``nibrs:Submission`` (compact; the IEPD schema
allows one report per submission, so such a file is not schema-valid when it holds more
than one); :func:`to_xml_documents` writes one schema-valid document per report.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Iterable

from lxml import etree

from ..model import UNIT_GROUP_B, UNIT_INCIDENT, UNIT_ZERO, Submission
from ..readers.flatfile import read_flat_bytes
from ..readers.xml import (AGE_TEXT, BIAS, DRUGS, ITEM_STATUS, MOTOR_VEHICLES, NS, RELATIONSHIP,
                           ZERO_INCIDENT)

_NSMAP = {k: v for k, v in NS.items()}
_CATEGORY = {UNIT_INCIDENT: "GROUP A INCIDENT REPORT", UNIT_GROUP_B: "GROUP B ARREST REPORT", UNIT_ZERO: "ZERO REPORT"}
_STATUS_NAME = {code: name for name, code in ITEM_STATUS.items()}
_BIAS_NAME = {code: name for name, code in BIAS.items()}
_RELATIONSHIP_NAME = {code: name for name, code in RELATIONSHIP.items()}
_AGE_WORD = {code: word for word, code in AGE_TEXT.items()}


def _q(name: str) -> str:
    prefix, local = name.split(":")
    return f"{{{NS[prefix]}}}{local}"


def _el(parent, name: str, text: str | None = None, **attrs):
    el = etree.SubElement(parent, _q(name))
    if text is not None:
        el.text = text
    for key, value in attrs.items():
        el.set(_q(key.replace("_", ":", 1)), value)
    return el


def _path(parent, names: str, text: str):
    """Nested elements 'a:B/c:D' with ``text`` in the innermost."""
    *outer, inner = names.split("/")
    for name in outer:
        parent = _el(parent, name)
    return _el(parent, inner, text)


def _date(value: str) -> str:
    return f"{value[:4]}-{value[4:6]}-{value[6:8]}" if len(value) == 8 and value.isdigit() else value


def _number(value: str) -> str:
    return str(int(value)) if value.isdigit() else value


def _boolean(value: str, true_code: str, false_code: str) -> str:
    return {true_code: "true", false_code: "false"}.get(value, value)


def _quantity(value: str) -> str:
    if len(value) == 12 and value.isdigit():
        whole, thousandths = int(value[:9]), int(value[9:])
        return f"{whole}.{thousandths:03d}".rstrip("0").rstrip(".") if thousandths else str(whole)
    return value


def _weapon(code: str, auto: str) -> str:
    return code + auto


def _age(person, value: str) -> None:
    if not value:
        return
    measure = _el(person, "nc:PersonAgeMeasure")
    if len(value) == 2 and value.isdigit() and value != "00":
        _el(measure, "nc:MeasureIntegerValue", str(int(value)))
    elif len(value) == 4 and value.isdigit():
        span = _el(measure, "nc:MeasureIntegerRange")
        _el(span, "nc:RangeMaximumIntegerValue", str(int(value[2:])))
        _el(span, "nc:RangeMinimumIntegerValue", str(int(value[:2])))
    else:
        _el(measure, "nc:MeasureValueText", _AGE_WORD.get(value, value))


def _person(report_persons: list, ident: str, row: dict, columns: dict[str, str]) -> bool:
    """Queue an nc:Person for ``row`` when it has any person data; returns whether it did."""
    if not any(row.get(c, "") for c in columns.values()):
        return False
    report_persons.append((ident, row, columns))
    return True


class _ReportWriter:
    def __init__(self, rows: list[tuple[int, dict]], kind: str):
        self.rows = rows
        self.kind = kind
        self.head = rows[0][1]

    def of_level(self, level: int) -> list[dict]:
        return [row for lv, row in self.rows if lv == level]

    def write(self, parent) -> None:
        report = _el(parent, "nibrs:Report")
        header = _el(report, "nibrs:ReportHeader")
        _el(header, "nibrs:NIBRSReportCategoryCode", _CATEGORY[self.kind])
        _el(header, "nibrs:ReportActionCategoryCode", self.head["action"])
        _path(header, "nibrs:ReportDate/nc:YearMonthDate", f"{self.head['sub_year']}-{self.head['sub_month']}")
        agency = _el(header, "nibrs:ReportingAgency")
        _path(agency, "j:OrganizationAugmentation/j:OrganizationORIIdentification/nc:IdentificationID", self.head["ori"])
        if self.head.get("city"):
            _path(agency, "cjis:OrganizationAugmentation/cjis:DirectReportingCityIdentification/nc:IdentificationID",
                  self.head["city"])
        if self.kind == UNIT_INCIDENT:
            self.group_a(report)
        elif self.kind == UNIT_GROUP_B:
            self.group_b(report)
        elif self.head["incident"] != ZERO_INCIDENT:
            _path(report, "nc:Incident/nc:ActivityIdentification/nc:IdentificationID", self.head["incident"])

    # -- Group A ------------------------------------------------------------------------

    def group_a(self, report) -> None:
        admins = self.of_level(1)
        admin = admins[0] if admins else self.head
        incident = _el(report, "nc:Incident")
        _path(incident, "nc:ActivityIdentification/nc:IdentificationID", self.head["incident"])
        if admin.get("de3_date"):
            when = _el(incident, "nc:ActivityDate")
            day = _date(admin["de3_date"])
            if admin.get("de3_hour"):
                _el(when, "nc:DateTime", f"{day}T{admin['de3_hour']}:00:00")
            else:
                _el(when, "nc:Date", day)
        if admin.get("de3_report") or admin.get("de2a"):
            aug = _el(incident, "cjis:IncidentAugmentation")
            if admin.get("de3_report"):
                _el(aug, "cjis:IncidentReportDateIndicator", _boolean(admin["de3_report"], "R", ""))
            if admin.get("de2a"):
                _el(aug, "j:OffenseCargoTheftIndicator", _boolean(admin["de2a"], "Y", "N"))
        if admin.get("de4") or admin.get("de5"):
            aug = _el(incident, "j:IncidentAugmentation")
            if admin.get("de4"):
                _el(aug, "j:IncidentExceptionalClearanceCode", admin["de4"])
            if admin.get("de5"):
                _path(aug, "j:IncidentExceptionalClearanceDate/nc:Date", _date(admin["de5"]))
        if self.head["action"] == "D":
            return
        offenses = self.of_level(2)
        offense_ids: dict[str, str] = {}
        locations = []
        for i, row in enumerate(offenses, start=1):
            ident = f"Offense{i}"
            offense_ids.setdefault(row.get("de6", ""), ident)
            self.offense(report, row, ident)
            if row.get("de9"):
                locations.append((ident, f"Location{i}", row["de9"]))
        for _, loc_id, code in locations:
            _el(_el(report, "nc:Location", s_id=loc_id), "nibrs:LocationCategoryCode", code)
        self.property(report, self.of_level(3))
        persons: list = []
        victims = self.of_level(4)
        subjects = self.of_level(5)
        arrestees = self.of_level(6)
        victim_person = [_person(persons, f"PersonVictim{i}", row, {
            "age": "de26", "sex": "de27", "race": "de28", "ethnicity": "de29", "resident": "de30",
            "a": "de25a", "b": "de25b", "c": "de25c"}) for i, row in enumerate(victims, start=1)]
        subject_person = [_person(persons, f"PersonSubject{i}", row, {
            "age": "de37", "sex": "de38", "race": "de39", "ethnicity": "de39a"}) for i, row in enumerate(subjects, start=1)]
        arrestee_person = [_person(persons, f"PersonArrestee{i}", row, {
            "age": "de47", "sex": "de48", "race": "de49", "ethnicity": "de50", "resident": "de51"})
            for i, row in enumerate(arrestees, start=1)]
        self.persons(report, persons)
        for i, row in enumerate(victims, start=1):
            if any(row.get(c) for c in ("de25a", "de25b", "de25c")):
                officer = _el(report, "j:EnforcementOfficial")
                _el(officer, "nc:RoleOfPerson", s_ref=f"PersonVictim{i}")
                if row.get("de25a"):
                    _el(officer, "j:EnforcementOfficialActivityCategoryCode", row["de25a"])
                if row.get("de25b"):
                    _el(officer, "j:EnforcementOfficialAssignmentCategoryCode", row["de25b"])
                if row.get("de25c"):
                    _path(officer, "j:EnforcementOfficialUnit/j:OrganizationAugmentation/"
                          "j:OrganizationORIIdentification/nc:IdentificationID", row["de25c"])
        for i, row in enumerate(victims, start=1):
            victim = _el(report, "j:Victim", s_id=f"Victim{i}")
            if victim_person[i - 1]:
                _el(victim, "nc:RoleOfPerson", s_ref=f"PersonVictim{i}")
            if row.get("de23"):
                _el(victim, "j:VictimSequenceNumberText", _number(row["de23"]))
            for k in range(1, 6):
                if row.get(f"de33_{k}"):
                    _path(victim, "j:VictimInjury/j:InjuryCategoryCode", row[f"de33_{k}"])
            if row.get("de25"):
                _el(victim, "j:VictimCategoryCode", row["de25"])
            for k in (1, 2):
                if row.get(f"de31_{k}"):
                    _el(victim, "j:VictimAggravatedAssaultHomicideFactorCode", row[f"de31_{k}"])
            if row.get("de32"):
                _el(victim, "j:VictimJustifiableHomicideFactorCode", row["de32"])
        subject_ids: dict[str, str] = {}
        for i, row in enumerate(subjects, start=1):
            subject = _el(report, "j:Subject", s_id=f"Subject{i}")
            subject_ids.setdefault(row.get("de36", ""), f"Subject{i}")
            if subject_person[i - 1]:
                _el(subject, "nc:RoleOfPerson", s_ref=f"PersonSubject{i}")
            if row.get("de36"):
                _el(subject, "j:SubjectSequenceNumberText", _number(row["de36"]))
        self.arrests(report, arrestees, arrestee_person, level=6)
        for offense_id, loc_id, _ in locations:
            assoc = _el(report, "j:OffenseLocationAssociation")
            _el(assoc, "j:Offense", s_ref=offense_id)
            _el(assoc, "nc:Location", s_ref=loc_id)
        for i, row in enumerate(victims, start=1):
            for k in range(1, 11):
                code = row.get(f"de24_{k}", "")
                if code:
                    assoc = _el(report, "j:OffenseVictimAssociation")
                    _el(assoc, "j:Offense", s_ref=offense_ids.get(code, f"Offense-{code}-not-in-incident"))
                    _el(assoc, "j:Victim", s_ref=f"Victim{i}")
        for i, row in enumerate(victims, start=1):
            for k in range(1, 11):
                seq, code = row.get(f"de34_{k}", ""), row.get(f"de35_{k}", "")
                if seq or code:
                    assoc = _el(report, "j:SubjectVictimAssociation", s_id=f"SubjectVictimAssoc{i}_{k}")
                    _el(assoc, "j:Subject", s_ref=subject_ids.get(seq, f"Subject-{seq}-not-in-incident"))
                    _el(assoc, "j:Victim", s_ref=f"Victim{i}")
                    if code:
                        _el(assoc, "nibrs:VictimToSubjectRelationshipCode", _RELATIONSHIP_NAME.get(code, code))

    def offense(self, report, row: dict, ident: str) -> None:
        offense = _el(report, "j:Offense", s_id=ident)
        if row.get("de6"):
            _el(offense, "nibrs:OffenseUCRCode", row["de6"])
        for k in (1, 2, 3):
            if row.get(f"de12_{k}"):
                _el(offense, "nibrs:CriminalActivityCategoryCode", row[f"de12_{k}"])
        for k in range(1, 6):
            if row.get(f"de8a_{k}"):
                _el(offense, "j:OffenseFactorBiasMotivationCode", _BIAS_NAME.get(row[f"de8a_{k}"], row[f"de8a_{k}"]))
        if row.get("de10"):
            _el(offense, "j:OffenseStructuresEnteredQuantity", _number(row["de10"]))
        for k in (1, 2, 3):
            if row.get(f"de8_{k}"):
                _path(offense, "j:OffenseFactor/j:OffenseFactorCode", row[f"de8_{k}"])
        if row.get("de11"):
            _path(offense, "j:OffenseEntryPoint/j:PassagePointMethodCode", row["de11"])
        for k in (1, 2, 3):
            if row.get(f"de13_{k}") or row.get(f"de13auto_{k}"):
                _path(offense, "j:OffenseForce/j:ForceCategoryCode",
                      _weapon(row.get(f"de13_{k}", ""), row.get(f"de13auto_{k}", "")))
        if row.get("de7"):
            _el(offense, "j:OffenseAttemptedIndicator", _boolean(row["de7"], "A", "C"))

    def property(self, report, segments: list[dict]) -> None:
        """Items first, then substances (the schema's order); see the module docstring of
        readers/xml.py for how the reader folds them back into property segments."""
        plans = []
        for row in segments:
            slots = [(row.get(f"de15_{k}", ""), row.get(f"de16_{k}", ""), row.get(f"de17_{k}", ""))
                     for k in range(1, 11)]
            slots = [s for s in slots if any(s)]
            drugs = [(row.get(f"de20_{k}", ""), row.get(f"de21_{k}", ""), row.get(f"de22_{k}", ""))
                     for k in (1, 2, 3)]
            drugs = [d for d in drugs if any(d)]
            drug_slot = next((i for i, s in enumerate(slots) if s[0] == DRUGS), None)
            plans.append({"row": row, "slots": slots, "drugs": drugs, "drug_slot": drug_slot})
        # A segment whose elements would all be substances appears, to the reader, after every
        # segment that has an item; give it an item unless only such segments follow it.
        needs_item = False
        for plan in reversed(plans):
            natural_items = any(s[0] != DRUGS for s in plan["slots"]) or not plan["drugs"]
            drug_last = plan["drug_slot"] is None or plan["drug_slot"] == len(plan["slots"]) - 1
            plan["item_form"] = plan["drug_slot"] is not None and (not drug_last or not plan["drugs"])
            if not natural_items and not plan["item_form"] and needs_item:
                plan["item_form"] = plan["drug_slot"] is not None
                plan["bare_item"] = plan["drug_slot"] is None
            has_item = natural_items or plan["item_form"] or plan.get("bare_item", False)
            needs_item = needs_item or has_item
        substances = []
        for plan in plans:
            row = plan["row"]
            status = _STATUS_NAME.get(row.get("de14", ""), row.get("de14", ""))
            vehicles = row.get("de18", "") if row.get("de14") == "7" else row.get("de19", "") if row.get("de14") == "5" else ""
            wrote_item = False
            for desc, value, day in plan["slots"]:
                if desc == DRUGS and not plan["item_form"]:
                    continue
                quantity = None
                if vehicles and desc in MOTOR_VEHICLES:
                    quantity, vehicles = _number(vehicles), ""
                self.item(report, "nc:Item", status, desc, value, day, quantity)
                wrote_item = True
            if not wrote_item and (not plan["drugs"] or plan.get("bare_item")):
                self.item(report, "nc:Item", status, "", "", "", None)
            for n, (drug, qty, unit) in enumerate(plan["drugs"]):
                desc, value, day = "", "", ""
                if plan["drug_slot"] is not None:
                    desc = DRUGS
                    if n == 0 and not plan["item_form"]:
                        _, value, day = plan["slots"][plan["drug_slot"]]
                substances.append((status, desc, value, day, drug, qty, unit))
        for status, desc, value, day, drug, qty, unit in substances:
            substance = self.item(report, "nc:Substance", status, desc, value, day, None)
            if drug:
                _el(substance, "j:DrugCategoryCode", drug)
            if qty or unit:
                measure = _el(substance, "nc:SubstanceQuantityMeasure")
                if qty:
                    _el(measure, "nc:MeasureDecimalValue", _quantity(qty))
                if unit:
                    _el(measure, "j:SubstanceUnitCode", unit)

    def item(self, report, name, status, desc, value, day, quantity):
        item = _el(report, name)
        if status:
            _path(item, "nc:ItemStatus/cjis:ItemStatusCode", status)
        if value or day:
            worth = _el(item, "nc:ItemValue")
            if value:
                _path(worth, "nc:ItemValueAmount/nc:Amount", _number(value))
            if day:
                _path(worth, "nc:ItemValueDate/nc:Date", _date(day))
        if desc:
            _el(item, "j:ItemCategoryNIBRSPropertyCategoryCode", desc)
        if quantity is not None:
            _el(item, "nc:ItemQuantity", quantity)
        return item

    def persons(self, report, persons: list) -> None:
        for ident, row, columns in persons:
            person = _el(report, "nc:Person", s_id=ident)
            _age(person, row.get(columns["age"], ""))
            for key, name in (("ethnicity", "j:PersonEthnicityCode"), ("race", "j:PersonRaceNDExCode"),
                              ("resident", "j:PersonResidentCode"), ("sex", "j:PersonSexCode")):
                if key in columns and row.get(columns[key]):
                    _el(person, name, row[columns[key]])

    def arrests(self, report, arrestees: list[dict], has_person: list[bool], level: int) -> None:
        pairs = []
        for i, row in enumerate(arrestees, start=1):
            arrestee_fields = ["de40", "de46_1", "de46_2", "de52", "de44"]
            if has_person[i - 1] or any(row.get(c) for c in arrestee_fields):
                arrestee = _el(report, "j:Arrestee", s_id=f"Arrestee{i}")
                if has_person[i - 1]:
                    _el(arrestee, "nc:RoleOfPerson", s_ref=f"PersonArrestee{i}")
                if row.get("de40"):
                    _el(arrestee, "j:ArrestSequenceID", _number(row["de40"]))
                for k in (1, 2):
                    if row.get(f"de46_{k}") or row.get(f"de46auto_{k}"):
                        _el(arrestee, "j:ArresteeArmedWithCode",
                            _weapon(row.get(f"de46_{k}", ""), row.get(f"de46auto_{k}", "")))
                if row.get("de52"):
                    _el(arrestee, "j:ArresteeJuvenileDispositionCode", row["de52"])
                if level == 6 and row.get("de44"):
                    _el(arrestee, "j:ArrestSubjectCountCode", row["de44"])
                pairs.append((f"Arrest{i}", f"Arrestee{i}"))
        for i, row in enumerate(arrestees, start=1):
            arrest = _el(report, "j:Arrest", s_id=f"Arrest{i}")
            number = row.get("de41", "") if level == 6 else row.get("incident", "")
            if number:
                _path(arrest, "nc:ActivityIdentification/nc:IdentificationID", number)
            if row.get("de42"):
                _path(arrest, "nc:ActivityDate/nc:Date", _date(row["de42"]))
            if row.get("de45"):
                _path(arrest, "j:ArrestCharge/nibrs:ChargeUCRCode", row["de45"])
            if row.get("de43"):
                _el(arrest, "j:ArrestCategoryCode", row["de43"])
        for arrest_id, arrestee_id in pairs:
            assoc = _el(report, "j:ArrestSubjectAssociation")
            _el(assoc, "nc:Activity", s_ref=arrest_id)
            _el(assoc, "j:Subject", s_ref=arrestee_id)

    # -- Group B -------------------------------------------------------------------------

    def group_b(self, report) -> None:
        arrestees = self.of_level(7)
        persons: list = []
        has_person = [_person(persons, f"PersonArrestee{i}", row, {
            "age": "de47", "sex": "de48", "race": "de49", "ethnicity": "de50", "resident": "de51"})
            for i, row in enumerate(arrestees, start=1)]
        self.persons(report, persons)
        self.arrests(report, arrestees, has_person, level=7)


# ---------------------------------------------------------------------------------------


def _as_submission(source) -> Submission:
    if isinstance(source, Submission):
        return source
    items = list(source)
    lines: list[str] = []
    for item in items:
        if isinstance(item, str):
            lines.append(item)
        elif hasattr(item, "segments"):
            lines.extend(segment.record() for segment in item.segments)
        else:
            raise TypeError(f"cannot write {type(item).__name__} as XML: give records, Incidents or a Submission")
    text = "\n".join(lines) + ("\n" if lines else "")
    return read_flat_bytes(text.encode("latin-1", errors="replace"), source="<generated>")


def _units(sub: Submission) -> Iterable[tuple[str, list[tuple[int, dict]]]]:
    records = sub.records
    if not len(records):
        return
    by_rid = {level: frame.to_dict("index") for level, frame in sub.frames.items()}
    for _, group in records.groupby("unit", sort=False):
        kind = group["unit_kind"].iloc[0]
        if kind not in _CATEGORY:
            continue  # a record of unknown level has no XML form
        rows = []
        for rid, level in zip(group.index, group["level"]):
            row = by_rid[int(level)][rid]
            rows.append((int(level), {k: v for k, v in row.items() if isinstance(v, str)}))
        yield kind, rows


def _document(reports: list[tuple[str, list]], message_id: str, timestamp: str) -> bytes:
    root = etree.Element(_q("nibrs:Submission"), nsmap=_NSMAP)
    meta = _el(root, "cjis:MessageMetadata")
    _el(meta, "cjis:MessageDateTime", timestamp)
    _path(meta, "cjis:MessageIdentification/nc:IdentificationID", message_id)
    _el(meta, "cjis:MessageImplementationVersion", "2019")
    submitter = reports[0][1][0][1]["ori"] if reports else ""
    _path(meta, "cjis:MessageSubmittingOrganization/j:OrganizationAugmentation/j:OrganizationORIIdentification/"
          "nc:IdentificationID", submitter)
    for kind, rows in reports:
        _ReportWriter(rows, kind).write(root)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _stamp(timestamp: dt.datetime | None) -> str:
    return (timestamp or dt.datetime(2019, 1, 1)).strftime("%Y-%m-%dT%H:%M:%S")


def to_xml(source, *, message_id: str = "1", timestamp: dt.datetime | None = None) -> bytes:
    """All reports of ``source`` in one ``nibrs:Submission`` document (UTF-8 bytes)."""
    return _document(list(_units(_as_submission(source))), message_id, _stamp(timestamp))


def to_xml_documents(source, *, timestamp: dt.datetime | None = None) -> list[bytes]:
    """One schema-valid ``nibrs:Submission`` per report, in the order of the submission."""
    return [_document([unit], str(n), _stamp(timestamp))
            for n, unit in enumerate(_units(_as_submission(source)), start=1)]


def write_xml(source, path: str | Path, **options) -> Path:
    """Write :func:`to_xml` of ``source`` to ``path``."""
    path = Path(path)
    path.write_bytes(to_xml(source, **options))
    return path
