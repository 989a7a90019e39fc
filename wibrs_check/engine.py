"""Runs the selected rules over a Submission and builds the findings frame and summary.

The engine knows rules only through the registry and files only through the model; it is
the one place that turns rule output (failing record ids) into findings rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import findings as findings_mod
from . import spec
from .context import Context
from .model import Submission, UNIT_GROUP_B, UNIT_INCIDENT, UNIT_SBR, UNIT_ZERO
from .rules.registry import FINDINGS_PHASE, NEED_LABELS, Rule, all_rules

# Which column of each level identifies the segment in the EDS.
_OFFENSE_COLUMN = {2: "de6"}
_PERSON_COLUMN = {4: "de23", 5: "de36", 6: "de40", 7: "de40"}
_LOSS_COLUMN = {3: "de14"}


@dataclass
class Result:
    submission: Submission
    findings: pd.DataFrame
    not_checked: dict[str, str] = field(default_factory=dict)  # code -> what it needs
    rule_failures: dict[str, str] = field(default_factory=dict)  # code -> exception text

    @property
    def has_errors(self) -> bool:
        return bool((self.findings["severity"] == "error").any())


def matches(code: str, patterns: tuple[str, ...]) -> bool:
    return any(code == p or code.startswith(p) for p in patterns)


def selected_rules(select: tuple[str, ...] = (), ignore: tuple[str, ...] = ()) -> list[Rule]:
    rules = all_rules().values()
    return [
        r for r in rules
        if (not select or matches(r.code, select)) and not (ignore and matches(r.code, ignore))
    ]


def run(
    sub: Submission,
    ctx: Context | None = None,
    select: tuple[str, ...] = (),
    ignore: tuple[str, ...] = (),
    strict_rules: bool = False,
) -> Result:
    """Run every selected rule. ``strict_rules`` re-raises a rule's own exception (tests)."""
    ctx = ctx or Context()
    pieces: list[tuple[Rule, pd.DataFrame]] = []
    not_checked: dict[str, str] = {}
    failures: dict[str, str] = {}
    chosen = selected_rules(select, ignore)
    reported = {r.code for r in chosen}
    # A finding-level rule judges the findings of every check, not only of the selected ones:
    # with --select the other checks still run as its input, and only the selected are reported.
    widened = bool(select) and any(r.phase == FINDINGS_PHASE for r in chosen)
    deferred: list[Rule] = []
    for rule in (selected_rules((), ignore) if widened else chosen):
        if not rule.applies_to(sub.format):
            continue
        missing = [n for n in sorted(rule.needs) if not ctx.has(n)]
        if missing or not rule.checks:
            not_checked[rule.code] = " and ".join(NEED_LABELS.get(n, n) for n in (missing or sorted(rule.needs)))
            continue
        lacking = ctx.missing_reference(rule.code)
        if lacking:
            not_checked[rule.code] = lacking
            continue
        partly = sorted({n for check in rule.checks for n in rule.needs_of(check) if not ctx.has(n)})
        if partly:  # some checks of the code need data not given (056 against earlier files)
            not_checked[rule.code] = " and ".join(NEED_LABELS.get(n, n) for n in partly) + ", for the part beyond this file"
        if rule.phase == FINDINGS_PHASE:  # runs after this loop, on the others' findings
            deferred.append(rule)
            continue
        pieces.extend(_run_checks(rule, (sub, ctx), ctx, failures, strict_rules))
    frame = _assemble(sub, pieces)
    # Finding-level rules read the record-level findings; they do not see each other's.
    later = [hits for rule in deferred for hits in _run_checks(rule, (sub, ctx, frame), ctx, failures, strict_rules)]
    if later:
        frame = _assemble(sub, pieces + later)
    if widened:
        frame = frame[frame["code"].isin(reported)].reset_index(drop=True)
        not_checked = {code: need for code, need in not_checked.items() if code in reported}
    return Result(sub, findings_mod.check(frame), not_checked, failures)


def _run_checks(rule: Rule, args: tuple, ctx: Context, failures: dict[str, str],
                strict_rules: bool) -> list[tuple[Rule, pd.DataFrame]]:
    """The findings of every check of ``rule`` whose needs ``ctx`` meets, each called with ``args``."""
    pieces: list[tuple[Rule, pd.DataFrame]] = []
    for check in rule.checks:
        if any(not ctx.has(n) for n in rule.needs_of(check)):
            continue
        try:
            out = check(*args)
            if _nothing_found(out):  # most checks find nothing: skip building an empty frame
                continue
            hits = _normalise(out, check)
        except Exception as exc:  # a broken rule must not lose the rest of the file
            if strict_rules:
                raise
            failures[rule.code] = f"{type(exc).__name__}: {exc}"
            continue
        if len(hits):
            pieces.append((rule, hits))
    return pieces


def _nothing_found(out: object) -> bool:
    """True for a check result that holds no failing record (None, empty, or all False)."""
    if out is None:
        return True
    if isinstance(out, pd.Series) and out.dtype == bool:
        return not out.to_numpy().any()
    return isinstance(out, (pd.Series, pd.Index, pd.DataFrame)) and len(out) == 0


def _normalise(out: object, check) -> pd.DataFrame:
    """Bring any accepted rule output to a DataFrame with rid/level/column/value/detail."""
    level = getattr(check, "rule_level", None)
    column = getattr(check, "rule_column", None)
    if out is None:
        return pd.DataFrame(columns=["rid"])
    if isinstance(out, pd.Series):
        if out.dtype != bool:
            raise TypeError(f"{check.__name__} returned a non-boolean Series")
        out = out.index[out.to_numpy()]
    if isinstance(out, pd.Index):
        hits = pd.DataFrame({"rid": np.asarray(out, dtype=np.int64)})
    elif isinstance(out, pd.DataFrame):
        hits = out.reset_index() if "rid" not in out.columns else out.reset_index(drop=True)
        if "rid" not in hits.columns:
            hits = hits.rename(columns={hits.columns[0]: "rid"})
    else:
        raise TypeError(f"{check.__name__} returned {type(out).__name__}")
    if "column" not in hits.columns:
        hits["column"] = column or ""
    hits["column"] = hits["column"].fillna("").astype(str)
    if "level_hint" not in hits.columns:
        hits["level_hint"] = level if level is not None else -1
    return hits


def _assemble(sub: Submission, pieces: list[tuple[Rule, pd.DataFrame]]) -> pd.DataFrame:
    """The findings frame from each rule's hits (the rule gives code, severity and title)."""
    if not pieces:
        return findings_mod.empty()
    hits = pd.concat([h for _, h in pieces], ignore_index=True)
    sizes = [len(h) for _, h in pieces]
    for name, attribute in (("code", "code"), ("severity", "severity"), ("title", "title")):
        hits[name] = np.repeat(np.array([getattr(r, attribute) for r, _ in pieces], dtype=object), sizes)
    hits["rid"] = hits["rid"].astype(np.int64)
    for name, default in (("value", None), ("detail", ""), ("data_element", None), ("on_record", True)):
        if name not in hits.columns:
            hits[name] = default
    records = sub.records
    in_file = hits["rid"] >= 0
    rid = hits["rid"].where(in_file, 0).to_numpy()
    has_records = len(records) > 0

    def header(name: str, default="") -> pd.Series:
        if not has_records:
            return pd.Series([default] * len(hits), dtype=object)
        values = records[name].to_numpy()[np.minimum(rid, len(records) - 1)]
        return pd.Series(values, dtype=object).where(in_file.to_numpy(), default)

    level = header("level")
    out = pd.DataFrame(
        {
            "file": _file_column(sub, rid, in_file.to_numpy()),
            "record": header("record", None).where(hits["on_record"].fillna(True).astype(bool).to_numpy(), None),
            "line": header("line", None),
            "action": header("action"),
            "sub_year": header("sub_year"),
            "sub_month": header("sub_month"),
            "ori": header("ori"),
            "incident": header("incident"),
            "level": level,
            "offense_code": "",
            "person_seq": "",
            "loss_type": "",
            "data_element": "",
            "column": hits["column"],
            "code": hits["code"],
            "severity": hits["severity"],
            "value": "",
            "message": hits["title"],
            "unit": header("unit", None),
        }
    )
    level_int = pd.to_numeric(level, errors="coerce").fillna(-1).astype(int).to_numpy()
    for lv, frame in sub.frames.items():
        on_level = np.flatnonzero(level_int == lv)
        if not len(on_level) or not len(frame):
            continue
        rids = rid[on_level]
        for target, columns in (("offense_code", _OFFENSE_COLUMN), ("person_seq", _PERSON_COLUMN), ("loss_type", _LOSS_COLUMN)):
            if lv in columns:
                out.loc[on_level, target] = frame[columns[lv]].reindex(rids).fillna("").to_numpy()
        # Value in error and data element of each hit's column.
        hit_columns = hits["column"].to_numpy()[on_level]
        for column in np.unique(hit_columns):
            if not column or column not in frame.columns:
                continue
            where = on_level[hit_columns == column]
            out.loc[where, "value"] = frame[column].reindex(rid[where]).fillna("").to_numpy()
            out.loc[where, "data_element"] = spec.data_element_of(lv, column)
    # Records no level frame holds (unknown segment level) still have their header fields.
    header_element = {f.column: f.data_element for f in spec.layout(1)[:8]}
    pending = np.flatnonzero(hits["column"].isin(list(header_element)).to_numpy() & (out["data_element"] == "").to_numpy())
    if len(pending) and has_records:
        columns = hits["column"].to_numpy()[pending]
        for column in np.unique(columns):
            where = pending[columns == column]
            source = {"seg_length": "length_declared", "seg_level": "level"}.get(column, column)
            out.loc[where, "value"] = records[source].astype(str).to_numpy()[rid[where]]
            out.loc[where, "data_element"] = header_element[column]
    explicit_value = hits["value"].notna().to_numpy()
    out.loc[explicit_value, "value"] = hits.loc[explicit_value, "value"].astype(str).to_numpy()
    explicit_element = hits["data_element"].notna().to_numpy()
    out.loc[explicit_element, "data_element"] = hits.loc[explicit_element, "data_element"].astype(str).to_numpy()
    missing_element = (out["data_element"] == "").to_numpy()
    if missing_element.any():
        catalog = spec.edit_catalog()["data_element"]
        out.loc[missing_element, "data_element"] = out.loc[missing_element, "code"].map(catalog).fillna("").to_numpy()
    detail = hits["detail"].fillna("").astype(str)
    out["message"] = np.where(detail != "", out["message"] + " (" + detail + ")", out["message"])
    for name in findings_mod.COLUMNS:
        if name in ("record", "line", "unit"):
            out[name] = pd.array(out[name].tolist(), dtype="Int64")
        else:
            out[name] = out[name].fillna("").astype("str")
    out = out[list(findings_mod.COLUMNS)]
    order = np.lexsort((out["code"].to_numpy(), out["record"].fillna(0).to_numpy(), out["unit"].fillna(-1).to_numpy()))
    return out.iloc[order].reset_index(drop=True)


def _file_column(sub: Submission, rid: np.ndarray, in_file: np.ndarray) -> object:
    """The source file of each hit: the submission's own, or per record in a joined model
    (a whole-file hit, rid -1, cannot occur there: see ``model.joinable``)."""
    if sub.files is None:
        return sub.source
    sources = sub.files["source"].to_numpy(dtype=object)
    return pd.Series(sources[sub.file_of(rid)], dtype=object).where(in_file, sub.source)


# ---------------------------------------------------------------------------------------
# Acceptance summary


def unit_firsts(sub: Submission) -> pd.DataFrame:
    """Per unit (the index, in file order): the header fields of its first record and its
    first physical line. Built once per submission for the summary and the report's unit list."""

    def build(s: Submission) -> pd.DataFrame:
        grouped = s.records.groupby("unit", sort=True)
        firsts = grouped[["ori", "unit_kind", "action", "incident", "sub_year", "sub_month"]].first()
        firsts["line"] = grouped["line"].min()
        if s.files is not None:  # a unit never spans two files: its first record's file is its file
            firsts["file"] = grouped["file"].first()
        return firsts

    return sub.derived("engine.unit_firsts", build)


def unit_table(sub: Submission, found: pd.DataFrame) -> pd.DataFrame:
    """One row per submission unit with its kind, action and whether it is rejected."""
    records = sub.records
    if not len(records):
        return pd.DataFrame(columns=["unit", "ori", "unit_kind", "action", "incident", "rejected"])
    firsts = unit_firsts(sub)[["ori", "unit_kind", "action", "incident"]].copy()
    error_units = found.loc[found["severity"] == "error", "unit"].dropna().astype(int).unique()
    firsts["rejected"] = firsts.index.isin(error_units)
    return firsts.reset_index()


def agency_summary(sub: Submission, found: pd.DataFrame) -> pd.DataFrame:
    """Per file and ORI: records, incidents/arrests/zero reports received, accepted, rejected,
    counts. A submission read from one file gives one row per ORI; a joined one (``model.join``)
    one row per file and ORI, exactly the rows each file would give alone."""
    records = sub.records
    if not len(records):
        return pd.DataFrame(columns=SUMMARY_COLUMNS)
    units = unit_table(sub, found)
    sources = np.array(sub.sources(), dtype=object)
    keys = ["file", "ori"]
    keyed = pd.DataFrame({"file": pd.array(sources[sub.file_of()], dtype="str"), "ori": records["ori"].to_numpy(),
                          "gen": spec.layout_generation(records).to_numpy()}, index=records.index)
    per_ori = keyed.groupby(keys).size().to_frame("records")
    layouts = keyed[keyed["gen"] != ""].drop_duplicates().sort_values("gen", kind="stable").groupby(keys)["gen"].agg("/".join)
    per_ori["layout"] = layouts.reindex(per_ori.index).fillna("")
    unit_files = unit_firsts(sub)["file"].to_numpy() if sub.files is not None else np.zeros(len(units), dtype=np.int64)
    units["file"] = pd.array(sources[unit_files], dtype="str")
    kinds = {
        "incidents": (units["unit_kind"] == UNIT_INCIDENT) & (units["action"] != "D"),
        "deletes": (units["unit_kind"] == UNIT_INCIDENT) & (units["action"] == "D"),
        "group_b": units["unit_kind"] == UNIT_GROUP_B,
        "zero_reports": units["unit_kind"] == UNIT_ZERO,
        "sbr_returns": units["unit_kind"] == UNIT_SBR,
    }
    for name, mask in kinds.items():
        per_ori[name] = units[mask].groupby(keys).size().reindex(per_ori.index, fill_value=0)
    received = units["unit_kind"].isin([UNIT_INCIDENT, UNIT_GROUP_B, UNIT_ZERO, UNIT_SBR])
    per_ori["units"] = units[received].groupby(keys).size().reindex(per_ori.index, fill_value=0)
    per_ori["rejected"] = units[received & units["rejected"]].groupby(keys).size().reindex(per_ori.index, fill_value=0)
    per_ori["accepted"] = per_ori["units"] - per_ori["rejected"]
    found = found.assign(file=found["file"].astype("str"))
    for severity, name in (("error", "errors"), ("warning", "warnings"), ("flag", "flags")):
        per_ori[name] = found[found["severity"] == severity].groupby(keys).size().reindex(per_ori.index, fill_value=0)
    # trafficking flags (HT...), the part of "flags" state staff follow up agency by agency
    per_ori["ht_flags"] = found[found["code"].astype(str).str.startswith("HT")].groupby(keys).size().reindex(
        per_ori.index, fill_value=0)
    top = found[found["severity"] == "error"].groupby(keys)["code"].agg(
        lambda c: " ".join(f"{k}x{v}" for k, v in c.value_counts().head(3).items()))
    per_ori["top_errors"] = top.reindex(per_ori.index).fillna("")
    per_ori["format"] = sub.format
    return per_ori.reset_index()[list(SUMMARY_COLUMNS)]


SUMMARY_COLUMNS = (
    "file", "format", "ori", "records", "units", "incidents", "deletes", "group_b", "zero_reports",
    "accepted", "rejected", "errors", "warnings", "flags", "top_errors", "layout", "sbr_returns", "ht_flags",
)
