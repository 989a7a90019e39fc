"""A generated Wisconsin state month: hundreds of agency files in every format, with gaps.

What the state program receives in a month, for ``wibrs-check batch`` and its benchmark:

* one flat file per incident-based (NIBRS) agency, sized like Wisconsin agencies (most
  small, a few large), with clean incidents and the error injections of
  :func:`wibrs_check.generator.inject.build_month` spread over the agencies;
* some of those agencies send NIBRS XML instead (``generator/xml_writer.py``);
* some agencies send only a zero report;
* one summary (SBR) CSV return per summary agency (``generator/sbr.py``);
* agencies of the master file that send nothing;
* planted offense-code gaps, each listed in ``expected_gaps.csv`` (ori, code): juvenile
  prostitution cases at agencies that code no 64A/64B (GAP02), rejected 64A incidents
  (GAP03), agencies still on the pre-2019 segment lengths (GAP04), a summary agency with a
  juvenile prostitution arrest and no 64A (GAP05) and one without a Human Trafficking return
  (GAP01), and agencies that sent nothing (GAP06). Look-alikes that must raise no GAP02 are
  planted too (a juvenile buyer, a juvenile case at an agency that does code 64A). The
  trafficking cases among the error injections raise signals of their own and are listed
  too: a juvenile flag (HT01/HT02) at an agency with no 64A/64B is GAP02, a 64A/64B incident
  with an error (HT03) is GAP03;
* two damaged deliveries, as a month folder really holds them: one agency's XML file cut
  off in transfer (``damaged_files.csv`` names it; the check reports it as not well-formed,
  XML01, on that agency's row), and the FBI Error Data Set of the month before saved into
  the folder (``*_fbi_eds.txt``), which is not a submission: the run reports it as a file it
  cannot read and goes on.

``agency_master.csv`` (the agency master file for ``--agencies``) is written beside them.
Without a real agency list the ORIs are made up (``WI`` + seven digits); with one
(``--agency-list``, for example ``shared/data/wi_agencies.csv``) its ORIs and names are used:
``is_nibrs`` FALSE agencies send summary returns.

``python -m wibrs_check.generator.state_month DIR [--agencies 400] [--agency-list FILE]``
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from . import incidents as gen
from . import sbr as sbr_gen
from .incidents import Incident, Segment
from .inject import build_month
from .profiles import PROFILES
from .. import spec

LEGACY_LENGTHS = {1: 87, 2: 63, 4: 129, 5: 45}
EVERYDAY = tuple(o for o in PROFILES if o not in ("64A", "64B", "40A", "40B", "40C", "09A", "09B", "09C"))


@dataclass
class StateMonth:
    directory: Path
    paths: list[Path]
    agency_file: Path
    expected_gaps: pd.DataFrame  # ori, code
    must_not: pd.DataFrame  # ori, code: look-alikes that must not raise the signal
    damaged: pd.DataFrame = field(default_factory=pd.DataFrame)  # path, ori, problem: the damaged deliveries
    formats: dict[str, int] = field(default_factory=dict)  # files per format
    segments: int = 0  # records written in flat and XML-equivalent form (SBR rows included)


def _agencies(count: int, agency_list: str | Path | None, rng: random.Random) -> pd.DataFrame:
    if agency_list:
        raw = pd.read_csv(agency_list, dtype=str, keep_default_na=False)
        cols = {c.lower(): c for c in raw.columns}
        name = cols.get("agency_name") or cols.get("name")
        nibrs = cols.get("is_nibrs")
        out = pd.DataFrame({
            "ori": raw[cols["ori"]].str.strip().str.upper(),
            "name": raw[name] if name else "",
            "county": raw[cols["counties"]] if "counties" in cols else "",
            "nibrs": raw[nibrs].str.upper().eq("TRUE") if nibrs else True,
        })
        out = out[out["ori"].str.fullmatch(r"[A-Z0-9]{9}")].drop_duplicates("ori").reset_index(drop=True)
        if len(out) > count:
            # keep the list's share of summary agencies
            nibrs_rows = out[out["nibrs"]]
            sbr_rows = out[~out["nibrs"]]
            n_sbr = max(2, round(count * len(sbr_rows) / len(out)))
            out = pd.concat([nibrs_rows.head(count - n_sbr), sbr_rows.head(n_sbr)], ignore_index=True)
        return out
    n_sbr = max(2, round(count * 0.12))
    rows = []
    for i in range(count):
        county = 1 + i % 72
        ori = f"WI{county:03d}{i // 72:02d}00"
        rows.append({"ori": ori, "name": f"Agency {i + 1:03d} Police Department", "county": f"County {county:02d}",
                     "nibrs": i >= n_sbr})
    return pd.DataFrame(rows)


def _size(rng: random.Random) -> int:
    """Group A incidents of an agency's month: median about 30, a long tail to 1,500."""
    return max(3, min(1500, int(rng.lognormvariate(3.4, 1.0))))


def _juvenile_40a(rng, ori, year, month, number, arrestee: bool = False) -> Incident:
    inc = gen.group_a_incident("40A", rng, ori, year, month, number, arrest=arrestee)
    for s in inc.of_level(5):
        s.values["de37"] = "16"
    for s in inc.of_level(6):
        s.values["de47"] = "16"
        s.values["de52"] = "H"  # juvenile disposition: handled within the department
    return inc


def _juvenile_victim_40c(rng, ori, year, month, number) -> Incident:
    """A 36B incident (victim 15) that also holds a 40C offense: a juvenile was paid for sex."""
    inc = gen.group_a_incident("36B", rng, ori, year, month, number, arrest=False)
    offense = inc.of_level(2)[0]
    extra = Segment(2, {**offense.values, "de6": "40C", "de9": "13"})
    for column in [c for c in extra.values if c.startswith(("de12", "de13"))]:
        del extra.values[column]
    victim = inc.of_level(4)[0]
    society = Segment(4, {k: victim.values[k] for k in ("ori", "sub_month", "sub_year", "action", "incident")}
                      | {"de23": "002", "de24_1": "40C", "de25": "S"})
    at = inc.index_of(offense) + 1
    inc.segments.insert(at, extra)
    inc.segments.insert(inc.index_of(victim) + 1, society)
    return inc


def _juvenile_buyer(rng, ori, year, month, number) -> Incident:
    """Look-alike: a 16-year-old arrested for purchasing (40C) is not a provider."""
    inc = gen.group_a_incident("40C", rng, ori, year, month, number, arrest=True)
    for s in inc.of_level(6):
        s.values["de47"] = "16"
        s.values["de52"] = "H"
    return inc


def _rejected_trafficking(rng, ori, year, month, number) -> Incident:
    inc = gen.group_a_incident("64A", rng, ori, year, month, number, arrest=False)
    inc.of_level(2)[0].values["de9"] = "XX"  # not a location code: the incident is rejected
    return inc


def _injected_gaps(ori: str, records: list[str], injected_codes: set[str]) -> list[dict]:
    """The gap signals the trafficking injections of ``build_month`` plant in one agency's file:
    a juvenile flag (HT01/HT02) with no 64A/64B offense anywhere in the file is GAP02; a
    64A/64B incident with an error (HT03) is GAP03. (Generator code, a few small files.)"""
    de6 = next(f for f in spec.layout(2) if f.column == "de6")
    out = []
    if injected_codes & {"HT01", "HT02"}:
        trafficking = any(r[4:5] == "2" and r[de6.start - 1:de6.end] in ("64A", "64B") for r in records)
        if not trafficking:
            out.append({"ori": ori, "code": "GAP02"})
    if "HT03" in injected_codes:
        out.append({"ori": ori, "code": "GAP03"})
    return out


def build_state_month(directory: str | Path, agencies: int = 460, agency_list: str | Path | None = None,
                      seed: int = 2026, year: int = 2026, month: int = 7, xml_share: float = 0.08,
                      silent_share: float = 0.03, zero_share: float = 0.03, legacy_share: float = 0.04,
                      inject: bool = True, incidents: int | None = None, damage: bool = True) -> StateMonth:
    """Write the month into ``directory`` and return what was written and what must be found.

    ``incidents`` fixes the clean incidents per agency (tests); by default they are drawn from
    a skewed distribution like Wisconsin's (median about 30, three large agencies with 1,000-2,500).
    ``damage`` adds the two damaged deliveries (``damaged_files.csv``). ``segments`` counts the
    records written, those of the cut-off XML file excepted.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    table = _agencies(agencies, agency_list, rng)
    nibrs = table[table["nibrs"]]["ori"].tolist()
    summary = table[~table["nibrs"]]["ori"].tolist()
    n = len(nibrs)
    n_silent = max(1, round(n * silent_share))
    n_zero = max(1, round(n * zero_share))
    silent = nibrs[-n_silent:]
    zero_only = nibrs[-n_silent - n_zero:-n_silent]
    active = nibrs[:n - n_silent - n_zero]
    expected: list[dict] = []
    must_not: list[dict] = []

    # Planted cases, on the first agencies after the three large ones.
    plan = active[3:]
    gap02 = plan[0:4]  # juvenile evidence, no 64A/64B
    look_buyer = plan[4]  # juvenile buyer only: no GAP02
    look_coded = plan[5]  # juvenile case, but the agency codes 64A: no GAP02
    gap03 = plan[6:8]  # a 64A incident rejected for errors
    coded_64a = set(plan[8:14]) | {look_coded}
    n_legacy = max(1, round(len(active) * legacy_share))
    legacy = set(active[-n_legacy:])
    n_xml = max(1, round(len(active) * xml_share))
    xml = set(active[-n_legacy - n_xml:-n_legacy])

    built = build_month(seed=seed, oris=tuple(active), year=year, month=month, incidents_per_agency=0,
                        codes=None if inject else ())
    # The damaged XML delivery: an XML agency without planted cases or injected errors.
    injected_files = set(built.expected["file"])
    cut_off = next((o for o in sorted(xml) if f"{o}_{year}-{month:02d}.txt" not in injected_files), None) \
        if damage else None
    damaged: list[dict] = []
    paths: list[Path] = []
    formats: dict[str, int] = {}
    segments = 0
    for i, ori in enumerate(active):
        size = incidents if incidents is not None else (rng.randint(1000, 2500) if i < 3 else _size(rng))
        extra: list[Incident] = [gen.group_a_incident(rng.choice(EVERYDAY), rng, ori, year, month, 1000 + k)
                                 for k in range(size)]
        number = 5000
        if ori in gap02:
            kind = gap02.index(ori)
            case = (_juvenile_victim_40c(rng, ori, year, month, number) if kind == 3 else
                    _juvenile_40a(rng, ori, year, month, number, arrestee=kind == 2))
            extra.append(case)
            expected.append({"ori": ori, "code": "GAP02"})
        if ori == look_buyer:
            extra.append(_juvenile_buyer(rng, ori, year, month, number))
            must_not.append({"ori": ori, "code": "GAP02"})
        if ori == look_coded:
            extra.append(_juvenile_40a(rng, ori, year, month, number))
            must_not.append({"ori": ori, "code": "GAP02"})
        if ori in coded_64a:
            extra.append(gen.group_a_incident("64A", rng, ori, year, month, number + 1))
        if ori in gap03:
            extra.append(_rejected_trafficking(rng, ori, year, month, number + 2))
            expected.append({"ori": ori, "code": "GAP03"})
        if ori in legacy:
            for inc in extra:
                for s in inc.segments:
                    s.length = LEGACY_LENGTHS.get(s.level)
            expected.append({"ori": ori, "code": "GAP04"})
        name = f"{ori}_{year}-{month:02d}.txt"
        records = built.files[name] + gen.to_lines(extra)
        segments += len(records)
        injected = set(built.expected.loc[built.expected["file"] == name, "code"])
        planted = {(e["ori"], e["code"]) for e in expected}
        expected += [e for e in _injected_gaps(ori, records, injected) if (e["ori"], e["code"]) not in planted]
        if ori in xml:
            from .xml_writer import to_xml

            path = directory / f"{ori}_{year}-{month:02d}.xml"
            data = to_xml(records)
            if ori == cut_off:  # damaged in transfer: the last two fifths never arrived
                data = data[:len(data) * 3 // 5]
                damaged.append({"path": path.name, "ori": ori, "problem": "XML file cut off in transfer"})
                segments -= len(records)  # how many arrive depends on the cut: not counted
            path.write_bytes(data)
            formats["xml"] = formats.get("xml", 0) + 1
        else:
            path = directory / name
            path.write_text("\n".join(records) + "\n", encoding="ascii")
            formats["flat"] = formats.get("flat", 0) + 1
        paths.append(path)
    for ori in zero_only:
        path = directory / f"{ori}_{year}-{month:02d}.txt"
        path.write_text(gen.zero_report(ori, year, month).segments[0].record() + "\n", encoding="ascii")
        paths.append(path)
        segments += 1
        formats["flat"] = formats.get("flat", 0) + 1
    for ori in silent:
        expected.append({"ori": ori, "code": "GAP06"})

    # Summary agencies: one return each; the last ones send nothing.
    n_sbr_silent = max(1, round(len(summary) * 0.25)) if len(summary) > 2 else 0
    sending = summary[:len(summary) - n_sbr_silent]
    for k, ori in enumerate(sending):
        returned = sbr_gen.clean_month(seed + k, year, month, oris=(ori,))
        if k == 0:  # HT10 / GAP05: a 16-year-old arrested for prostitution, no 64A
            returned.rows.append(sbr_gen._arrest_row(ori, year, month, "16a", "F", "16", 1))
            expected.append({"ori": ori, "code": "GAP05"})
        if k == 1 and len(sending) > 2:  # GAP01: no Human Trafficking return
            returned.rows = [r for r in returned.rows if r.values["form"] != "HT"]
            expected.append({"ori": ori, "code": "GAP01"})
        path = directory / f"{ori}_{year}-{month:02d}_sbr.csv"
        path.write_text(returned.text(), encoding="ascii")
        paths.append(path)
        segments += len(returned.rows)
        formats["sbr"] = formats.get("sbr", 0) + 1
    for ori in summary[len(sending):]:
        expected.append({"ori": ori, "code": "GAP06"})

    # Last month's FBI Error Data Set, saved into the month's folder: not a submission.
    if active and damage:
        from ..findings import empty
        from ..report.eds import render as render_eds

        prev = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
        eds_path = directory / f"{active[0]}_{prev}_fbi_eds.txt"
        eds_path.write_text(render_eds(empty(), f"{month:02d}/01/{year}"), encoding="ascii", newline="")
        paths.append(eds_path)
        damaged.append({"path": eds_path.name, "ori": active[0], "problem": "an FBI Error Data Set, not a submission"})
        formats["eds"] = 1

    master = pd.DataFrame({"ori": table["ori"], "name": table["name"], "county": table["county"],
                           "status": "active", "reporting": table["nibrs"].map({True: "NIBRS", False: "SBR"})})
    agency_file = directory / "agency_master.csv"
    master.to_csv(agency_file, index=False, lineterminator="\n")
    expected_frame = pd.DataFrame(expected, columns=["ori", "code"])
    expected_frame.to_csv(directory / "expected_gaps.csv", index=False, lineterminator="\n")
    damaged_frame = pd.DataFrame(damaged, columns=["path", "ori", "problem"])
    damaged_frame.to_csv(directory / "damaged_files.csv", index=False, lineterminator="\n")
    return StateMonth(directory, paths, agency_file, expected_frame, pd.DataFrame(must_not, columns=["ori", "code"]),
                      damaged_frame, formats, segments)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("directory")
    parser.add_argument("--agencies", type=int, default=460, help="agencies in the master file (default 460, about Wisconsin's count)")
    parser.add_argument("--agency-list", help="a real agency list (CSV with ori, agency_name, is_nibrs)")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--month", default="2026-07", help="YYYY-MM")
    args = parser.parse_args(argv)
    year, month = (int(x) for x in args.month.split("-"))
    built = build_state_month(args.directory, args.agencies, args.agency_list, args.seed, year, month)
    print(f"wrote {len(built.paths)} files ({', '.join(f'{n} {k}' for k, n in sorted(built.formats.items()))}; "
          f"{built.segments:,} records) to {built.directory}, the agency master file {built.agency_file.name}, "
          f"expected_gaps.csv ({len(built.expected_gaps)} planted signals) and damaged_files.csv "
          f"({len(built.damaged)} damaged deliveries)")


if __name__ == "__main__":
    main()
