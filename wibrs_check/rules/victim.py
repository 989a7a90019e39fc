"""Victim segment edits (level 4, errors 4xx of spec 5.2.5) and structure error 070.

Single-field presence/code edits come from ``schemas/elements/level4.csv``; this module holds
the conditional and cross-segment ones. Per-offense facts (allowed victim types, which
offenses permit circumstances, injuries, offender links, officer victims) are in
``schemas/victim_offense_rules.csv``; see ``schemas/README-persons.md`` for every table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import spec
from . import persons as p
from .registry import requires, rule

LEVEL = 4
INDIVIDUAL, OFFICER = "I", "L"
PERSON_TYPES = (INDIVIDUAL, OFFICER)

p.register_age_edits(LEVEL)
p.register_sequence_edits(LEVEL)
p.register_multivalue_edits(LEVEL)
p.register_identifier_edits(LEVEL)

requires("484", "history")


def _victims(sub) -> pd.DataFrame:
    return p.segments(sub, LEVEL)


def _leoka_layout(sub, frame: pd.DataFrame) -> pd.Series:
    """True for victim segments sent in the 141-character layout that carries 25A-25C."""
    declared = pd.to_numeric(sub.records["length_declared"].reindex(frame.index), errors="coerce").fillna(0)
    return pd.Series(declared.to_numpy() >= spec.current_length(LEVEL), index=frame.index)


def _any_of(frame: pd.DataFrame, columns: list[str]) -> pd.Series:
    out = pd.Series(False, index=frame.index)
    for column in columns:
        out |= frame[column] != ""
    return out


def _element_columns(element: str) -> list[str]:
    return p.occurrences(LEVEL, element)


# ---------------------------------------------------------------------------------------
# Format edits not covered by the single-field tables


@rule("402", level=LEVEL)
def circumstance_not_numeric(sub, ctx):
    """Aggravated assault/homicide circumstances (data element 31) are two-digit numbers such as 01 or 20.
    A value with letters or blanks cannot be read. Enter the two-digit code with a leading zero."""
    frame = _victims(sub)
    parts = []
    for column in _element_columns("31"):
        bad = (frame[column] != "") & ~frame[column].str.fullmatch(r"\d{2}").astype(bool)
        parts.append(p.hits(frame.index[bad.to_numpy()], column))
    return pd.concat(parts)


# ---------------------------------------------------------------------------------------
# Fields that depend on the type of victim (453, 454, 458, 483)


def _register_type_fields() -> None:
    fields = p.table("victim_type_fields.csv")
    kinds = {
        "individual_missing_edit": ("missing", (INDIVIDUAL,)),
        "officer_missing_edit": ("missing", (OFFICER,)),
        "person_only_edit": ("forbidden", PERSON_TYPES),
        "officer_only_edit": ("forbidden", (OFFICER,)),
    }
    docs = {
        "individual_missing_edit": "When the victim is an individual (data element 25 = I), these fields must be entered: "
                                   "{names}. Add the missing value; use the 'unknown' code if it is not known.",
        "officer_missing_edit": "When the victim is a law enforcement officer (data element 25 = L), these fields must be "
                                "entered: {names} (25A/25B only on the 141-character LEOKA layout). Add the missing value.",
        "person_only_edit": "The {names} describe a person and may only be entered when the victim type (data element 25) "
                            "is I = Individual or L = Law Enforcement Officer. Remove them for business, society and "
                            "other victims, or correct the victim type.",
        "officer_only_edit": "The officer fields ({names}) may only be entered when the victim type (data element 25) is "
                             "L = Law Enforcement Officer. Remove them or correct the victim type.",
    }
    for kind, (mode, types) in kinds.items():
        for code, group in fields[fields[kind] != ""].groupby(kind):
            elements = [(r.element, r.leoka_layout_only == "Y") for r in group.itertuples(index=False)]
            names = ", ".join(p.label(LEVEL, _element_columns(e)[0]) for e, _ in elements)

            def check(sub, ctx, elements=elements, mode=mode, types=types):
                frame = _victims(sub)
                of_type = frame["de25"].isin(types)
                if mode == "forbidden":
                    of_type = ~of_type & (frame["de25"] != "")
                leoka = _leoka_layout(sub, frame)
                parts = []
                for element, leoka_only in elements:
                    columns = _element_columns(element)
                    entered = _any_of(frame, columns)
                    if mode == "missing":
                        fail = of_type & ~entered
                        if leoka_only:
                            fail &= leoka
                        parts.append(p.hits(frame.index[fail.to_numpy()], columns[0]))
                    else:
                        fail = of_type & entered
                        where = p.first_nonblank_column(frame, columns)[fail]
                        parts.append(p.hits(where.index, where.to_numpy()))
                return pd.concat(parts)

            check.__name__ = f"victim_type_{mode}_{code}"
            check.__doc__ = docs[kind].format(names=names)
            rule(code, level=LEVEL)(check)


_register_type_fields()


# ---------------------------------------------------------------------------------------
# Conditionally mandatory fields (401) and data allowed only for some offenses (419, 459)


CONDITIONAL = (
    # (offense-table flag, data element, victim types it applies to, description)
    ("circumstance_offense", "31", None, "aggravated assault/homicide circumstances (31) for 09A, 09B, 09C or 13A"),
    ("injury", "33", PERSON_TYPES, "type of injury (33) for 100, 11A-11D, 120, 13A, 13B, 210, 64A or 64B"),
    ("offender_link", "34", PERSON_TYPES, "offender number to be related (34) for a crime against person or robbery"),
)


def _victims_needing(sub, flag: str) -> pd.Index:
    facts = p.victim_offense_facts(sub)
    frame = _victims(sub)
    facts = facts[facts[flag] == "Y"]
    if flag == "injury":  # robbery alone needs an injury only for an individual victim
        victim_type = frame["de25"].reindex(facts["rid"].to_numpy()).to_numpy()
        facts = facts[(facts["injury_needs_individual"] != "Y") | (victim_type == INDIVIDUAL)]
    return pd.Index(np.unique(facts["rid"].to_numpy(dtype=np.int64)))


@rule("401", level=LEVEL)
def conditional_mandatory(sub, ctx):
    """Some victim fields are required by the offenses the victim is connected to (data element 24):
    circumstances (31) for 09A/09B/09C/13A, type of injury (33) for 100, 11A-11D, 120, 13A, 13B, 210,
    64A, 64B (robbery only for an individual), and offender number to be related (34) for a person
    victim of a crime against person or robbery (00 when the offenders are unknown). Enter the value."""
    frame = _victims(sub)
    parts = []
    for flag, element, types, _ in CONDITIONAL:
        columns = _element_columns(element)
        need = frame.index.isin(_victims_needing(sub, flag))
        if types is not None:
            need &= frame["de25"].isin(types).to_numpy()
        fail = need & ~_any_of(frame, columns).to_numpy()
        parts.append(p.hits(frame.index[fail], columns[0]))
    return pd.concat(parts)


@rule("419", level=LEVEL)
def data_for_specific_offenses(sub, ctx):
    """Circumstances (data element 31) may only be entered when the victim is connected (data element 24) to
    09A, 09B, 09C or 13A; type of injury (33) only when connected to 100, 11A-11D, 120, 13A, 13B, 210, 64A
    or 64B. Remove the entry or connect the victim to the right offense."""
    frame = _victims(sub)
    parts = []
    for flag, element in (("circumstance_offense", "31"), ("injury", "33")):
        columns = _element_columns(element)
        allowed = frame.index.isin(p.victims_with(sub, flag))
        fail = _any_of(frame, columns).to_numpy() & ~allowed
        where = p.first_nonblank_column(frame, columns)[fail]
        parts.append(p.hits(where.index, where.to_numpy()))
    return pd.concat(parts)


@rule("459", level=LEVEL)
def offender_number_needs_person_offense(sub, ctx):
    """An offender number to be related (data element 34) may only be entered when the victim is connected
    to a crime against person or to robbery (120). For other offenses (burglary, larceny, fraud, drug
    offenses ...) leave data elements 34 and 35 blank."""
    frame = _victims(sub)
    columns = _element_columns("34")
    fail = _any_of(frame, columns).to_numpy() & ~frame.index.isin(p.victims_with(sub, "offender_link"))
    where = p.first_nonblank_column(frame, columns)[fail]
    return p.hits(where.index, where.to_numpy())


# ---------------------------------------------------------------------------------------
# Victim type against the connected offenses (464, 465, 467, 482, 490)


def _register_type_by_offense() -> None:
    rules = p.victim_offense_rules()
    docs = {
        "464": "A victim connected to a crime against person (data element 24) must be type I = Individual or "
               "L = Law Enforcement Officer (data element 25). Correct the victim type or the connected offense.",
        "465": "A victim connected to a crime against society (drugs, gambling, prostitution, weapons, "
               "pornography, animal cruelty) must be type S = Society/Public. Correct the victim type or the "
               "connected offense.",
        "467": "A victim connected to a crime against property cannot be S = Society/Public; use the individual, "
               "business, government or other owner that lost the property. Correct the victim type.",
    }
    for code in sorted(rules["victim_type_edit"].unique()):

        def check(sub, ctx, code=code):
            facts = p.victim_offense_facts(sub)
            facts = facts[facts["victim_type_edit"] == code][["rid", "offense"]]
            frame = _victims(sub)
            facts = facts.assign(victim_type=frame["de25"].reindex(facts["rid"].to_numpy()).to_numpy(dtype=object))
            allowed = p.exploded(p.victim_offense_rules(), "code", "victim_types", "victim_type")
            joined = facts.merge(allowed.rename(columns={"code": "offense"}), on=["offense", "victim_type"],
                                 how="left", indicator=True)
            fail = joined[(joined["_merge"] == "left_only") & (joined["victim_type"] != "")].drop_duplicates("rid")
            return p.hits(fail["rid"], "de25", detail="connected to " + fail["offense"].astype(str))

        check.__name__ = f"victim_type_for_offense_{code}"
        check.__doc__ = docs.get(code, "The victim type does not fit the connected offense.")
        rule(code, level=LEVEL, column="de25")(check)


_register_type_by_offense()


@rule("482", level=LEVEL, column="de25")
def officer_victim_offense(sub, ctx):
    """A law enforcement officer victim (data element 25 = L) must be connected to 09A, 13A, 13B or 13C,
    the offenses for which officers killed or assaulted are counted. Use victim type I for other
    offenses, or correct the connected offenses."""
    frame = _victims(sub)
    return (frame["de25"] == OFFICER) & ~frame.index.isin(p.victims_with(sub, "officer_victim"))


@rule("490", level=LEVEL, column="de25")
def officer_victim_needs_hour(sub, ctx):
    """When an officer victim (data element 25 = L) is connected to 09A, 13A, 13B or 13C, the incident hour
    (data element 3, administrative segment) must be a valid hour 00-23, not blank. Enter the hour."""
    frame = _victims(sub)
    hour = p.admin_value(sub, frame, "de3_hour")
    has_admin = hour.notna()
    valid = hour.isin([f"{h:02d}" for h in range(24)])
    officer = (frame["de25"] == OFFICER) & frame.index.isin(p.victims_with(sub, "officer_victim"))
    return officer & has_admin & ~valid


@rule("466", level=LEVEL)
def connected_offense_missing(sub, ctx):
    """Every offense a victim is connected to (data element 24) must be reported in an offense segment of the
    same incident. Add the offense segment or remove the offense from the victim."""
    links = p.victim_offenses(sub)
    links = links[links["offense"].isin(sorted(spec.valid_codes("24")))]
    offenses = p.unit_values(sub, 2, "de6").drop_duplicates()
    merged = links.merge(offenses, left_on=["unit", "offense"], right_on=["unit", "de6"], how="left")
    fail = merged[merged["de6"].isna()]
    return p.hits(fail["rid"], fail["column"].to_numpy())


@rule("478", level=LEVEL)
def invalid_offense_combination(sub, ctx):
    """Some offenses cannot both happen to the same victim: a lesser included offense (for example 13B simple
    assault within 13A aggravated assault, or larceny within robbery) is not reported next to the greater
    one, and mutually exclusive offenses (09A with 09B, 11A with 36B ...; 09C with anything) cannot occur
    together. Keep only the most serious offense for this victim (data element 24)."""
    links = p.victim_offenses(sub)[["rid", "k", "column", "offense"]]
    pairs = p.table("victim_offense_exclusions.csv")
    specific = pairs[pairs["other"] != "*"][["offense", "other"]]
    both = pd.concat([specific, specific.rename(columns={"offense": "other", "other": "offense"})])
    both = both.rename(columns={"other": "offense_other"}).drop_duplicates()
    joined = links.merge(links, on="rid", suffixes=("", "_other"))
    joined = joined[(joined["k"] > joined["k_other"]) & (joined["offense"] != joined["offense_other"])]
    listed = joined.merge(both, on=["offense", "offense_other"])
    wildcard = sorted(pairs.loc[pairs["other"] == "*", "offense"])
    any_other = joined[joined["offense"].isin(wildcard) | joined["offense_other"].isin(wildcard)]
    fail = pd.concat([listed, any_other]).drop_duplicates(["rid", "k"])
    return p.hits(fail["rid"], fail["column"].to_numpy(), detail="cannot occur with " + fail["offense_other"].astype(str))


# ---------------------------------------------------------------------------------------
# Circumstances (455, 456, 457, 462, 463, 477, 480)


def _circumstances(sub) -> pd.DataFrame:
    frame = _victims(sub)
    values = p.long_form(frame, _element_columns("31"), "circumstance")
    table = p.table("victim_circumstances.csv").rename(columns={"code": "circumstance"})
    return values.merge(table, on="circumstance", how="left")


@rule("455", level=LEVEL, column="de32")
def justifiable_needs_additional(sub, ctx):
    """Circumstance 20 (criminal killed by private citizen) or 21 (criminal killed by police officer) in data
    element 31 requires the additional justifiable homicide circumstance (data element 32). Enter it."""
    frame = _victims(sub)
    circ = _circumstances(sub)
    justifiable = frame.index.isin(circ.loc[circ["category"] == "justifiable_homicide", "rid"])
    return pd.Series(justifiable, index=frame.index) & (frame["de32"] == "")


@rule("457", level=LEVEL, column="de32")
def additional_needs_justifiable(sub, ctx):
    """The additional justifiable homicide circumstance (data element 32) may only be entered when data
    element 31 is 20 or 21 (a justifiable homicide). Remove it or correct data element 31."""
    frame = _victims(sub)
    circ = _circumstances(sub)
    justifiable = frame.index.isin(circ.loc[circ["category"] == "justifiable_homicide", "rid"])
    return (frame["de32"] != "") & ~pd.Series(justifiable, index=frame.index)


@rule("456", level=LEVEL)
def circumstances_incompatible(sub, ctx):
    """Two circumstances (data element 31) must belong together: 10 (unknown) stands alone, a negligent
    manslaughter (30-34) or justifiable homicide (20-21) circumstance stands alone, and codes of
    different categories cannot be mixed. Keep one circumstance, or two compatible 01-09 codes."""
    circ = _circumstances(sub).drop_duplicates(["rid", "circumstance"])
    circ = circ[circ["category"].notna()]
    first = circ[circ["k"] == 1]
    second = circ[circ["k"] == 2]
    pair = first.merge(second, on="rid", suffixes=("_1", "_2"))
    fail = pair[(pair["category_1"] != pair["category_2"]) | (pair["exclusive_1"] == "Y") | (pair["exclusive_2"] == "Y")]
    return p.hits(fail["rid"], fail["column_2"].to_numpy())


def _register_circumstance_by_offense() -> None:
    rules = p.victim_offense_rules()
    rules = rules[rules["circumstance_edit"] != ""]
    docs = {
        "462": "A victim of 13A aggravated assault can only have circumstances 01-06 or 08-10 (data element 31); "
               "07 (mercy killing) and the homicide-only codes do not describe an assault. Correct the code.",
        "463": "A victim of 09C justifiable homicide can only have circumstance 20 (criminal killed by private "
               "citizen) or 21 (criminal killed by police officer). Correct data element 31.",
        "477": "The circumstance (data element 31) is not one of those permitted for an offense the victim is "
               "connected to: 09A takes 01-10 and 09B takes 30-34. Correct the circumstance or the offense.",
    }
    for code, group in rules.groupby("circumstance_edit"):
        offenses = list(group["code"])

        def check(sub, ctx, offenses=offenses):
            facts = p.victim_offense_facts(sub)
            facts = facts[facts["offense"].isin(offenses)][["rid", "offense"]]
            circ = _circumstances(sub)[["rid", "column", "circumstance"]]
            joined = circ.merge(facts, on="rid")
            permitted = p.exploded(p.victim_offense_rules(), "code", "circumstances", "circumstance")
            joined = joined.merge(permitted.rename(columns={"code": "offense"}), on=["offense", "circumstance"],
                                  how="left", indicator=True)
            fail = joined[joined["_merge"] == "left_only"].drop_duplicates(["rid", "column"])
            return p.hits(fail["rid"], fail["column"].to_numpy(), detail="not permitted for " + fail["offense"].astype(str))

        check.__name__ = f"circumstance_for_offense_{code}"
        check.__doc__ = docs.get(code, "The circumstance is not permitted for the connected offense.")
        rule(code, level=LEVEL)(check)


_register_circumstance_by_offense()


@rule("480", level=LEVEL)
def other_felony_needs_second_offense(sub, ctx):
    """Circumstance 08 (other felony involved) says another felony happened, so the incident must have more than
    one offense segment or more than one victim. Add the other offense, or choose another circumstance."""
    frame = _victims(sub)
    circ = _circumstances(sub)
    circ = circ[circ["circumstance"] == "08"].drop_duplicates("rid")
    offenses = p.unit_count(sub, 2)
    victims = p.unit_count(sub, LEVEL)
    units = frame["unit"].reindex(circ["rid"].to_numpy()).to_numpy()
    single = (offenses.reindex(units).fillna(0).to_numpy() < 2) & (victims.reindex(units).fillna(0).to_numpy() < 2)
    fail = circ[single]
    return p.hits(fail["rid"], fail["column"].to_numpy())


# ---------------------------------------------------------------------------------------
# Injury (479), sex and age against the offense (469, 481, 452)


@rule("479", level=LEVEL)
def simple_assault_major_injury(sub, ctx):
    """When 13B simple assault is the only crime against person for a victim, the injury (data element 33)
    cannot be major (broken bones, internal injury, severe laceration, other major injury, loss of teeth,
    unconsciousness). Report the offense as 13A aggravated assault, or correct the injury."""
    frame = _victims(sub)
    links = p.victim_offenses(sub)
    offenses = spec.offenses()
    person = links[links["offense"].map(offenses["crime_against"]).to_numpy() == "Person"]
    with_13b = set(person.loc[person["offense"] == "13B", "rid"])
    other_person = set(person.loc[person["offense"] != "13B", "rid"])
    only_13b = with_13b - other_person
    injuries = p.long_form(frame, _element_columns("33"), "injury")
    major = p.table("victim_injuries.csv")
    major = set(major.loc[major["major"] == "Y", "code"])
    fail = injuries[injuries["rid"].isin(only_13b) & injuries["injury"].isin(major)].drop_duplicates("rid")
    return p.hits(fail["rid"], fail["column"].to_numpy())


@rule("469", level=LEVEL, column="de27")
def sex_required_for_rape(sub, ctx):
    """A victim connected to 11A rape or 36B statutory rape must have sex M or F (data element 27), not U.
    Enter the victim's sex."""
    frame = _victims(sub)
    needs = frame.index.isin(p.victims_with(sub, "victim_sex_required"))
    return pd.Series(needs, index=frame.index) & (frame["de27"] != "") & ~frame["de27"].isin(["M", "F"])


@rule("481", level=LEVEL, column="de26")
def statutory_rape_age(sub, ctx):
    """A victim of 36B statutory rape must be under 18 (data element 26). Correct the age or the offense."""
    frame = _victims(sub)
    facts = p.victim_offense_facts(sub)
    limits = facts[facts["victim_max_age"].fillna("") != ""]
    limit = limits.groupby("rid")["victim_max_age"].min().astype(float)
    years = p.typed_ages(sub, LEVEL)["years"]
    over = years.reindex(limit.index) > limit
    return pd.Series(frame.index.isin(over.index[over.to_numpy()]), index=frame.index)


@rule("452", level=LEVEL, column="de26")
def officer_age(sub, ctx):
    """A law enforcement officer victim (data element 25 = L) must have an age from 17 to 98, or 00 if the age is
    unknown (data element 26). Correct the age."""
    frame = _victims(sub)
    limits = p.table("person_age_limits.csv").set_index("edit").loc["452"]
    ages = p.typed_ages(sub, LEVEL)
    judged = ~ages["blank"] & ~ages["unknown"] & ~ages["left"] & ~ages["invalid"] & ~ages["range_format"]
    years = ages["years"]
    outside = years.isna() | (years < float(limits["min_age"])) | (years > float(limits["max_age"]))
    return (frame["de25"] == OFFICER) & judged & outside


# ---------------------------------------------------------------------------------------
# Victim to offender relationships (070, 450, 460, 468, 470-476)


def _links(sub) -> pd.DataFrame:
    return p.victim_offenders(sub)


@rule("070", level=LEVEL)
def offender_segment_must_exist(sub, ctx):
    """Each offender number to be related (data element 34) must match the offender sequence number (data
    element 36) of an offender segment in the same incident, including 00 for an unknown offender. Add the
    offender segment or correct the number on the victim."""
    links = _links(sub)
    fail = links[(links["offender_rid"] < 0) & links["offender"].str.fullmatch(r"\d{2}").astype(bool)]
    return p.hits(fail["rid"], fail["column"].to_numpy(), detail="no offender " + fail["offender"].astype(str),
                  on_record=False)


@rule("085", level=LEVEL, data_element="34")
def victim_related_to_fewer_than_two_offenders(sub, ctx):
    """When an incident has two or more offender segments, each individual or officer victim
    (type I or L) of a crime against person or of robbery must be related to at least two of
    them in data element 34. The FBI counts victim-offender relationships per pair, so a
    victim linked to one offender hides the others. Add the other offenders' numbers (with
    the relationship, RU if unknown) to the victim.
    """
    victims = _victims(sub)
    offenders = p.segments(sub, 5)
    known = offenders[(offenders["de36"] != "") & (offenders["de36"] != "00")]
    offender_count = known.groupby("unit").size()
    links = _links(sub)
    links = links[links["offender"].str.fullmatch(r"\d{2}").astype(bool) & (links["offender"] != "00")]
    related = links.drop_duplicates(["rid", "offender"]).groupby("rid").size()
    subject = victims[victims["de25"].isin(["I", "L"]) & victims.index.isin(p.victims_with(sub, "offender_link"))]
    offenders_here = p.per_unit(subject, offender_count)
    related_here = related.reindex(subject.index).fillna(0).to_numpy()
    fail = subject.index[(offenders_here >= 2) & (related_here < 2)]
    detail = [f"{int(o)} offenders in the incident" for o in offenders_here[(offenders_here >= 2) & (related_here < 2)]]
    return p.hits(fail, "de34_1", detail=detail)


@rule("460", level=LEVEL)
def relationship_required(sub, ctx):
    """Each offender number to be related above 00 (data element 34) needs the victim's relationship to that
    offender in the matching data element 35. Enter the relationship (RU if it is unknown)."""
    links = _links(sub)
    fail = links[(links["offender"] != "00") & (links["relationship"] == "")]
    return p.hits(fail["rid"], fail["rel_column"].to_numpy())


@rule("468", level=LEVEL)
def relationship_with_unknown_offender(sub, ctx):
    """Offender number 00 means the offenders are unknown, so no relationship (data element 35) can be entered
    next to it. Leave the relationship blank."""
    links = _links(sub)
    fail = links[(links["offender"] == "00") & (links["relationship"] != "")]
    return p.hits(fail["rid"], fail["rel_column"].to_numpy())


@rule("470", level=LEVEL)
def victim_was_offender_needs_two(sub, ctx):
    """Relationship VO (victim was offender, as in a brawl) needs at least two victim segments and two offender
    segments in the incident. Add the missing segments or correct the relationship."""
    links = _links(sub)
    vo = links[links["relationship"] == "VO"].drop_duplicates("rid")
    victims = p.unit_count(sub, LEVEL).reindex(vo["unit"].to_numpy()).fillna(0).to_numpy()
    offenders = p.unit_count(sub, 5).reindex(vo["unit"].to_numpy()).fillna(0).to_numpy()
    fail = vo[(victims < 2) | (offenders < 2)]
    return p.hits(fail["rid"], fail["rel_column"].to_numpy(), on_record=False)


@rule("472", level=LEVEL)
def relationship_unknown_offender(sub, ctx):
    """When the related offender's age, sex and race are all unknown (00, U, U), the relationship (data element
    35) must be RU = relationship unknown. Enter RU or complete the offender's description."""
    links = _links(sub)
    unknown = p.all_unknown_descriptors(sub, 5)
    linked = links[links["offender_rid"] >= 0]
    all_unknown = unknown.reindex(linked["offender_rid"].to_numpy()).fillna(False).to_numpy(dtype=bool)
    fail = linked[all_unknown & (linked["relationship"] != "") & (linked["relationship"] != "RU")]
    return p.hits(fail["rid"], fail["rel_column"].to_numpy())


def _register_relationship_limits() -> None:
    table = p.table("person_relationships.csv")
    for row in table[table["once_per_victim_edit"] != ""].itertuples(index=False):

        def per_victim(sub, ctx, relationship=row.relationship):
            links = _links(sub)
            links = links[links["relationship"] == relationship]
            fail = links[links.duplicated("rid", keep="first")]
            return p.hits(fail["rid"], fail["rel_column"].to_numpy())

        per_victim.__name__ = f"once_per_victim_{row.once_per_victim_edit}"
        per_victim.__doc__ = (f"A victim can have relationship {row.relationship} "
                              f"({spec.code_label('35', row.relationship)}) to only one offender (data elements 34/35). "
                              "Correct the relationships of this victim.")
        rule(row.once_per_victim_edit, level=LEVEL)(per_victim)
    for row in table[table["once_per_offender_edit"] != ""].itertuples(index=False):

        def per_offender(sub, ctx, relationship=row.relationship):
            links = _links(sub)
            links = links[(links["relationship"] == relationship) & (links["offender"] != "00")]
            links = links.drop_duplicates(["rid", "offender"]).sort_values("rid", kind="stable")
            fail = links[links.duplicated(["unit", "offender"], keep="first")]
            return p.hits(fail["rid"], fail["rel_column"].to_numpy(), detail="offender " + fail["offender"].astype(str))

        per_offender.__name__ = f"once_per_offender_{row.once_per_offender_edit}"
        per_offender.__doc__ = (f"Only one victim can have relationship {row.relationship} "
                                f"({spec.code_label('35', row.relationship)}) to the same offender. Another victim "
                                "of the incident already has it; correct the relationships.")
        rule(row.once_per_offender_edit, level=LEVEL)(per_offender)


_register_relationship_limits()


@rule("450", level=LEVEL, column="de26")
def spouse_victim_age(sub, ctx):
    """A victim recorded as the spouse of an offender (relationship SE) cannot be younger than 13 (data
    element 26). Correct the age or the relationship."""
    frame = _victims(sub)
    table = p.table("person_relationships.csv")
    limits = table[table["min_age"] != ""].set_index("relationship")["min_age"].astype(float)
    links = _links(sub)
    links = links[links["relationship"].isin(limits.index)]
    years = p.typed_ages(sub, LEVEL)["years"].reindex(links["rid"].to_numpy()).to_numpy()
    young = years < links["relationship"].map(limits).to_numpy()
    return pd.Series(frame.index.isin(links.loc[young, "rid"]), index=frame.index)
