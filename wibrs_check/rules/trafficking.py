"""Trafficking hidden as prostitution: our flags HT01-HT03 on incident data.

For UCR anyone under 18 who gives a sex act for something of value is a victim of sex
trafficking (64A), whatever the charge. Prostitution offenses (40A, 40B, 40C) are crimes
against society with a victim of type S and no age, so the juvenile shows elsewhere in the
incident. No FBI edit covers this; these flags (severity ``flag``, catalogued in
``schemas/own_codes_ht.csv``) point the agency at the cases to re-classify:

* HT01: a 40A incident with a juvenile offender or arrestee (a juvenile provider), or with
  a person victim under 18 connected to the 40A;
* HT02: a 40B/40C incident with a juvenile provider elsewhere in the record: a person victim
  under 18 of a sex offense or of the 40B/40C itself, or an arrestee under 18 charged with 40A;
* HT03: a 64A/64B incident with errors, so it will be rejected and never counted. This one
  is a finding-level rule: it reads the other rules' findings (see ``findings_rule``).

Ages come from :func:`wibrs_check.rules.persons.typed_ages` (not parsed again here); the
policy for ranges and special codes is :func:`age_classes`, documented in
``docs/trafficking-flags.md``. Helpers :func:`person_ages` and :func:`offense_flags` are
also what ``classify FILE --incident`` reads to fill in flowchart facts.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import spec
from . import persons as p
from .registry import findings_rule, rule

PROVIDING = "40A"  # prostitution: the provider's offense
PROMOTING, PURCHASING = "40B", "40C"
PROSTITUTION = (PROVIDING, PROMOTING, PURCHASING)
TRAFFICKING = ("64A", "64B")
SEX_OFFENSES = ("11A", "11B", "11C", "11D", "36A", "36B")
OFFENSES_OF_INTEREST = (PROVIDING, PROMOTING, PURCHASING, *TRAFFICKING, *SEX_OFFENSES)
ADULT_AGE = 18

# person levels: role, sequence-number column
ROLES = {4: ("victim", "de23"), 5: ("offender", "de36"), 6: ("arrestee", "de40")}


# ---------------------------------------------------------------------------------------
# Evidence


def _baby_labels() -> dict[str, str]:
    """NN/NB/BB and what they mean ('under 24 hours'), from the code table."""
    codes = spec.codes()
    rows = codes[(codes["data_element"] == "AGE_SPECIAL") & codes["code"].str.fullmatch(r"[A-Z]{2}")]
    return {r.code: r.description.split(";")[0].lower() for r in rows.itertuples(index=False)}


def age_classes(typed: pd.DataFrame) -> pd.DataFrame:
    """Juvenile / adult / text for typed ages (the output of ``persons.typed_age``).

    * exact age 01-17: juvenile; 18-98 and 99 (over 98): adult;
    * a valid range (``1517``): juvenile when it lies entirely under 18 (upper age 17 or
      less), adult when entirely 18 or over; a range across 18 (``1619``) is neither;
    * NN, NB, BB (victims only; under one year): juvenile;
    * 00 (unknown), blank, and ages the FBI edits reject (bad range, not left-justified,
      letters on an offender or arrestee): neither - an age we cannot trust is no evidence.
    """
    raw = typed["raw"]
    good_range = ((raw.str.len() == 4) & ~typed["left"] & ~typed["range_format"]
                  & ~typed["range_order"] & ~typed["range_zero"]).astype(bool)
    low = pd.to_numeric(raw.str.slice(0, 2).where(good_range), errors="coerce")
    high = pd.to_numeric(raw.str.slice(2, 4).where(good_range), errors="coerce")
    exact = typed["years"].where(~good_range)
    juvenile = ((high < ADULT_AGE) | (exact < ADULT_AGE)).fillna(False).astype(bool)
    adult = ((low >= ADULT_AGE) | (exact >= ADULT_AGE)).fillna(False).astype(bool)
    baby = (exact == 0).fillna(False).astype(bool)
    labels = raw.map(_baby_labels())
    text = np.where(good_range, "age range " + raw.str.slice(0, 2) + "-" + raw.str.slice(2, 4),
                    np.where(baby, "age " + raw + " (" + labels.fillna("") + ")", "age " + raw))
    text = np.where(raw == "", "age blank", np.where(raw == "00", "age 00 (unknown)", text))
    return pd.DataFrame({"juvenile": juvenile, "adult": adult, "age_text": text}, index=typed.index)


def _person_rows(s, units: np.ndarray | None = None) -> pd.DataFrame:
    """The rows of :func:`person_ages`, for the incidents ``units`` only when given."""
    parts = []
    for level, (role, seq_column) in ROLES.items():
        frame = p.segments(s, level)
        column = p.age_column(level)
        typed = p.typed_ages(s, level)
        if units is not None:
            keep = np.isin(frame["unit"].to_numpy(dtype=np.int64), units)
            frame, typed = frame[keep], typed[keep]
        classes = age_classes(typed)
        parts.append(pd.DataFrame({
            "rid": frame.index.to_numpy(dtype=np.int64),
            "unit": frame["unit"].to_numpy(dtype=np.int64),
            "level": level,
            "role": role,
            "seq": frame[seq_column].to_numpy(dtype=object),
            "column": column,
            "age": frame[column].to_numpy(dtype=object),
            "juvenile": classes["juvenile"].to_numpy(dtype=bool),
            "adult": classes["adult"].to_numpy(dtype=bool),
            "age_text": classes["age_text"].to_numpy(dtype=object),
            "charge": frame["de45"].to_numpy(dtype=object) if level == 6 else "",
            "victim_type": frame["de25"].to_numpy(dtype=object) if level == 4 else "",
        }))
    return pd.concat(parts, ignore_index=True)


def person_ages(sub) -> pd.DataFrame:
    """One row per victim, offender and arrestee segment (deletes left out).

    Columns: rid, unit, level, role, seq, column (the age column), age (as sent), juvenile,
    adult, age_text, charge (arrest offense code, data element 45, for arrestees), victim_type
    (data element 25, for victims).
    """
    return sub.derived("trafficking.person_ages", _person_rows)


def offense_flags(sub) -> pd.DataFrame:
    """Per incident (unit): True for each offense of interest that it holds (data element 6)."""

    def build(s) -> pd.DataFrame:
        held = p.unit_values(s, 2, "de6")
        held_units, held_codes = held["unit"].to_numpy(dtype=np.int64), held["de6"].to_numpy(dtype=object)
        units = pd.Index(np.unique(np.concatenate([p.segments(s, 1)["unit"].to_numpy(dtype=np.int64), held_units])))
        # one membership test per code: a cross-tabulation of every offense is much slower
        return pd.DataFrame({code: units.isin(held_units[held_codes == code]) for code in OFFENSES_OF_INTEREST},
                            index=units)

    return sub.derived("trafficking.offense_flags", build)


def prostitution_units(sub) -> np.ndarray:
    """The incidents (units) holding a prostitution offense (40A, 40B or 40C)."""
    flags = offense_flags(sub)
    return flags.index[flags[list(PROSTITUTION)].any(axis=1)].to_numpy(dtype=np.int64)


def _with_offenses(sub, people: pd.DataFrame) -> pd.DataFrame:
    flags = offense_flags(sub).reindex(people["unit"].to_numpy(), fill_value=False)
    return people.assign(**{code: flags[code].to_numpy(dtype=bool) for code in OFFENSES_OF_INTEREST})


def _person_victims_of(sub, offenses: tuple[str, ...], people: pd.DataFrame | None = None) -> pd.DataFrame:
    """Person victims (type I) connected (data element 24) to one of ``offenses``: their rows
    of :func:`person_ages` (or of ``people``) plus ``victim_of`` (those connected codes,
    joined with '/')."""
    people = person_ages(sub) if people is None else people
    links = p.victim_offenses(sub)
    links = links[links["offense"].isin(offenses) & links["rid"].isin(people.loc[people["level"] == 4, "rid"])]
    links = links.drop_duplicates(["rid", "offense"]).sort_values(["rid", "offense"])
    several = links["rid"].duplicated(keep=False)  # joining per group is slow: only where needed
    codes = pd.concat([links.loc[~several].set_index("rid")["offense"],
                       links[several].groupby("rid")["offense"].agg("/".join)]).astype(object)
    victims = people[(people["level"] == 4) & (people["victim_type"] == "I") & people["rid"].isin(codes.index)]
    return victims.assign(victim_of=codes.reindex(victims["rid"].to_numpy()).to_numpy(dtype=object))


def sex_offense_victims(sub) -> pd.DataFrame:
    """Person victims (type I) connected to a sex offense: their rows of :func:`person_ages`
    plus ``sex_offenses`` (the connected sex offense codes, joined with '/')."""
    return _person_victims_of(sub, SEX_OFFENSES).rename(columns={"victim_of": "sex_offenses"})


def juvenile_provider_evidence(sub) -> pd.DataFrame:
    """Every record that shows a juvenile provider, one row each, with the flag it raises.

    Rows of :func:`person_ages` plus the offense flags of the incident, ``code`` (HT01 or
    HT02) and ``evidence`` (the text of the finding's detail). Incidents that already hold
    a 64A offense are left out: the trafficking is reported there.
    """

    def build(s) -> pd.DataFrame:
        # Only prostitution incidents can raise HT01/HT02: the ages of everyone else are not read.
        candidates = _person_rows(s, prostitution_units(s))
        people = _with_offenses(s, candidates)
        young = people["juvenile"] & ~people["64A"]
        buyer_side = people["charge"].isin([PROMOTING, PURCHASING])
        # HT01: 40A incident. An offender counts unless the incident also holds a purchase
        # (a 40C offense, or someone arrested for 40C): then the juvenile may be the buyer.
        # An arrestee counts unless charged as buyer or promoter.
        buyer_arrested = people["unit"].isin(people.loc[people["charge"] == PURCHASING, "unit"])
        purchase = people[PURCHASING] | buyer_arrested
        offender = young & (people["role"] == "offender") & people[PROVIDING] & ~purchase
        arrestee = young & (people["role"] == "arrestee") & people[PROVIDING] & ~buyer_side
        # HT02: 40B/40C incident without 40A: an arrestee under 18 charged with 40A.
        organised = people[PROMOTING] | people[PURCHASING]
        charged = young & (people["role"] == "arrestee") & organised & ~people[PROVIDING] & (people["charge"] == PROVIDING)
        parts = [people[offender | arrestee].assign(code="HT01"), people[charged].assign(code="HT02")]
        victims = _with_offenses(s, _person_victims_of(s, SEX_OFFENSES, candidates))
        victims = victims[victims["juvenile"] & ~victims["64A"] & (victims[PROMOTING] | victims[PURCHASING])]
        parts.append(victims.assign(code="HT02"))
        # Both: a person victim under 18 connected to the prostitution offense itself. The
        # agency recorded the juvenile provider as a victim (FBI error 465: a crime against
        # society has a victim of type S); 64A is where such a victim belongs.
        recorded = _with_offenses(s, _person_victims_of(s, PROSTITUTION, candidates))
        recorded = recorded[recorded["juvenile"] & ~recorded["64A"]]
        parts.append(recorded.assign(code=np.where(recorded[PROVIDING], "HT01", "HT02")))
        out = pd.concat(parts, ignore_index=True).reindex(columns=[*parts[0].columns, "victim_of"])
        out = out.drop_duplicates(["rid", "code"])  # a victim of both 36B and 40C: once
        text = out["role"] + " " + out["seq"] + " " + out["age_text"]
        text = text.where(out["role"] != "arrestee", text + ", arrested for " + out["charge"])
        text = text.where(out["victim_of"].isna(), text + ", victim of " + out["victim_of"].fillna(""))
        return out.assign(evidence=text).sort_values(["unit", "level", "rid"], kind="stable").reset_index(drop=True)

    return sub.derived("trafficking.juvenile_evidence", build)


def _one_per_incident(rows: pd.DataFrame) -> pd.DataFrame:
    """One finding per incident: at its first evidence record, the detail naming them all."""
    if not len(rows):
        return p.empty_hits()
    grouped = rows.groupby("unit", sort=False)
    first = grouped.head(1).set_index("unit")
    detail = grouped["evidence"].agg("; ".join).reindex(first.index)
    return p.hits(first["rid"].to_numpy(), first["column"].to_numpy(dtype=object), detail.to_numpy(dtype=object))


# ---------------------------------------------------------------------------------------
# Flags


@rule("HT01")
def juvenile_provider_in_prostitution(sub, ctx):
    """A prostitution (40A) incident whose offender or arrestee is under 18: a juvenile
    provider. For UCR anyone under 18 who gives a sex act for something of value is a victim
    of sex trafficking (64A), whatever they were charged with.

    A juvenile offender counts unless the incident also holds purchasing (a 40C offense or
    an arrest for 40C), where the juvenile may be the buyer; a juvenile arrestee counts unless arrested for 40B or 40C
    (a juvenile buyer or promoter is not a provider). A person victim (type I) under 18
    connected to the 40A counts too: the agency tried to record the juvenile as a victim,
    which a crime against society does not allow (FBI error 465). Ages: an exact age under
    18, or an age range entirely under 18 (1517); unknown (00) and ranges across 18 do not
    count. Incidents that already hold 64A are not flagged.

    Re-classify the incident as 64A and add the juvenile as a victim of type I (individual)
    with their age. The message names the person and age that raised the flag. Not when
    nobody real bought or arranged the act (a juvenile offering sex to an undercover officer
    posing as a customer): that is not reportable as trafficking. ``wibrs-check classify
    FILE --incident N`` asks what the record cannot tell.
    """
    evidence = juvenile_provider_evidence(sub)
    return _one_per_incident(evidence[evidence["code"] == "HT01"])


@rule("HT02")
def juvenile_provider_behind_buyer_or_promoter(sub, ctx):
    """An assisting/promoting (40B) or purchasing (40C) incident with a juvenile provider
    elsewhere in the record: a person victim under 18 of a sex offense (11A-11D, 36A, 36B);
    a person victim under 18 connected to the 40B/40C itself (the juvenile recorded as a
    victim, which the FBI rejects with error 465); or an arrestee under 18 charged with
    prostitution (40A) in an incident without a 40A offense. Someone paid for, or arranged,
    sex with a juvenile: sex trafficking for UCR.

    A juvenile arrested for buying (40C) is not by itself a provider and does not raise this
    flag; nor does an adult victim. Incidents that already hold 64A are not flagged.

    Add offense 64A and report the juvenile as its victim of type I (individual). The
    message names the person and age that raised the flag.
    """
    evidence = juvenile_provider_evidence(sub)
    return _one_per_incident(evidence[evidence["code"] == "HT02"])


@findings_rule("HT03", level=2, column="de6")
def trafficking_incident_with_errors(sub, ctx, found):
    """A human-trafficking incident (64A or 64B) that has at least one error: it will be
    rejected and never counted, so the trafficking disappears from the state's and the
    FBI's figures. The flag sits on the trafficking offense segment and lists the codes of
    the incident's errors.

    Fix those errors and send the incident again.
    """
    errors = found[(found["severity"] == "error") & found["unit"].notna()]
    if not len(errors):
        return None
    codes = errors.groupby(errors["unit"].astype(np.int64))["code"].agg(lambda c: ", ".join(sorted(set(c))))
    offenses = p.segments(sub, 2)
    trafficking = offenses[offenses["de6"].isin(TRAFFICKING) & offenses["unit"].isin(codes.index)]
    first = trafficking[~trafficking["unit"].duplicated()]
    detail = "its errors: " + codes.reindex(first["unit"].to_numpy()).to_numpy(dtype=object)
    return p.hits(first.index.to_numpy(), "de6", detail)
