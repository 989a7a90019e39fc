"""Checks on the valid-value code tables (schemas/codes.csv, schemas/offenses.csv).

Expected values are taken from the NIBRS Technical Specification 2019.1,
section 3 (data values) and Appendix A (offense codes).
"""

from pathlib import Path

import pandas as pd
import pytest

SCHEMAS = Path(__file__).parents[1] / "wibrs_check" / "schemas"


def _load(name: str) -> pd.DataFrame:
    return pd.read_csv(SCHEMAS / name, dtype=str, keep_default_na=False)


@pytest.fixture(scope="module")
def codes() -> pd.DataFrame:
    return _load("codes.csv")


@pytest.fixture(scope="module")
def offenses() -> pd.DataFrame:
    return _load("offenses.csv")


def codes_for(codes: pd.DataFrame, element: str) -> set[str]:
    return set(codes.loc[codes["data_element"] == element, "code"])


# --- structure ---------------------------------------------------------------


def test_codes_columns(codes):
    assert list(codes.columns) == ["data_element", "code", "description"]


def test_offenses_columns(offenses):
    assert list(offenses.columns) == ["code", "name", "group", "crime_against", "family"]


def test_no_duplicate_element_code(codes):
    dups = codes[codes.duplicated(["data_element", "code"], keep=False)]
    assert dups.empty, dups.to_string()


def test_no_blank_cells(codes, offenses):
    for df in (codes, offenses):
        assert not (df == "").any().any()
        assert not df.apply(lambda col: col.str.strip() != col).any().any()


def test_every_expected_element_present(codes):
    expected = {
        "LEVEL", "ACTION", "2A", "3R", "4", "6", "7", "8", "8A", "9", "11", "12",
        "13", "13AUTO", "14", "15", "20", "22", "24", "25", "25A", "25B", "26", "27",
        "28", "29", "30", "31", "32", "33", "35", "37", "38", "39", "39A", "43", "44",
        "45", "46", "47", "48", "49", "50", "51", "52", "CLEARANCE_IND", "AGE_SPECIAL",
    }
    assert set(codes["data_element"]) == expected


# --- offenses (Appendix A) ------------------------------------------------------


def test_offense_group_counts(offenses):
    counts = offenses["group"].value_counts().to_dict()
    assert counts == {"A": 52, "B": 10}
    assert offenses["code"].is_unique


def test_offense_values(offenses):
    assert set(offenses["crime_against"]) == {"Person", "Property", "Society", "Not a Crime", "Any"}
    assert all(len(c) == 3 for c in offenses["code"])
    by_code = offenses.set_index("code")
    assert by_code.loc["13A"].tolist() == ["Aggravated Assault", "A", "Person", "Assault Offenses"]
    assert by_code.loc["09C", "crime_against"] == "Not a Crime"
    assert by_code.loc["90Z", "crime_against"] == "Any"
    assert by_code.loc["120", "crime_against"] == "Property"
    assert by_code.loc["90A", "crime_against"] == "Property"
    assert by_code.loc["720", "crime_against"] == "Society"
    assert set(offenses.loc[offenses["group"] == "B", "code"]) == {
        "90A", "90B", "90C", "90D", "90E", "90F", "90G", "90H", "90J", "90Z"
    }
    larceny = offenses.loc[offenses["family"] == "Larceny/Theft Offenses", "code"]
    assert set(larceny) == {f"23{c}" for c in "ABCDEFGH"}


def test_offense_codes_in_elements_6_and_45(codes, offenses):
    all_codes = set(offenses["code"])
    assert codes_for(codes, "6") == all_codes
    assert codes_for(codes, "45") == all_codes


def test_element_24_is_group_a_only(codes, offenses):
    group_a = set(offenses.loc[offenses["group"] == "A", "code"])
    assert codes_for(codes, "24") == group_a


def test_offense_names_agree(codes, offenses):
    names = dict(zip(offenses["code"], offenses["name"]))
    for element in ("6", "24", "45"):
        sub = codes[codes["data_element"] == element]
        assert all(names[c] == d for c, d in zip(sub["code"], sub["description"]))


# --- spot checks against section 3 --------------------------------------------

EXACT = {
    "ACTION": {"I", "A", "D"},
    "LEVEL": {str(n) for n in range(8)},
    "3R": {"R"},
    "2A": {"Y", "N"},
    "4": {"A", "B", "C", "D", "E", "N"},
    "7": {"A", "C"},
    "8": {"A", "C", "D", "N"},
    "11": {"F", "N"},
    "12": set("ABCDEFGIJNOPSTU"),
    "13": {"11", "12", "13", "14", "15", "20", "30", "35", "40", "50", "60", "65",
           "70", "85", "90", "95", "99"},
    "13AUTO": {"A"},
    "14": {str(n) for n in range(1, 9)},
    "20": set("ABCDEFGHIJKLMNOPUX"),
    "22": {"GM", "KG", "LB", "OZ", "FO", "GL", "LT", "ML", "DU", "NP", "XX"},
    "25": {"I", "B", "F", "G", "L", "O", "R", "S", "U"},
    "25A": {f"{n:02d}" for n in range(1, 12)},
    "25B": set("FGHIJKL"),
    "26": {"NN", "NB", "BB", "00", "99"},
    "27": {"F", "M", "U"},
    "28": {"W", "B", "I", "A", "P", "U"},
    "29": {"H", "N", "U"},
    "30": {"R", "N", "U"},
    "31": {"01", "02", "03", "04", "05", "06", "07", "08", "09", "10",
           "20", "21", "30", "31", "32", "33", "34"},
    "32": set("ABCDEFG"),
    # The spec lists U = Unconsciousness as well as N, B, I, L, M, O, T.
    "33": {"N", "B", "I", "L", "M", "O", "T", "U"},
    "37": {"00", "99"},
    "38": {"F", "M", "U"},
    "39": {"W", "B", "I", "A", "P", "U"},
    "39A": {"H", "N", "U"},
    "43": {"O", "S", "T"},
    "44": {"C", "M", "N"},
    "46": {"01", "11", "12", "13", "14", "15", "16", "17"},
    "47": {"00", "99"},
    "48": {"F", "M"},  # U is not valid for an arrestee (error 667/758)
    "49": {"W", "B", "I", "A", "P", "U"},
    "50": {"H", "N", "U"},
    "51": {"R", "N", "U"},
    "52": {"H", "R"},
    "CLEARANCE_IND": {"Y", "N"},
    "AGE_SPECIAL": {"NN", "NB", "BB", "00", "99"},
}


@pytest.mark.parametrize("element", sorted(EXACT))
def test_exact_code_sets(codes, element):
    assert codes_for(codes, element) == EXACT[element]


@pytest.mark.parametrize(
    "element,count",
    [("8A", 36), ("9", 46), ("15", 67), ("35", 26)],
)
def test_long_list_counts(codes, element, count):
    assert len(codes_for(codes, element)) == count


def test_long_list_spot_values(codes):
    assert {"58", "57", "37", "25", "01"} <= codes_for(codes, "9")
    assert not {"26", "36", "43"} & codes_for(codes, "9")  # gaps in the spec list
    assert {"88", "80", "59", "41", "39"} <= codes_for(codes, "15")
    assert not {"40", "50", "60", "99"} & codes_for(codes, "15")
    assert {"11", "33", "29", "85", "72", "88", "99"} <= codes_for(codes, "8A")
    assert {"SE", "CF", "XR", "VO", "RU", "ST"} <= codes_for(codes, "35")
    assert "HR" not in codes_for(codes, "35")


def test_xml_only_values_absent(codes):
    assert "W" not in codes_for(codes, "ACTION")
    assert "R" not in codes_for(codes, "ACTION")
    assert not {"11A", "12A", "13A", "14A", "15A"} & codes_for(codes, "13")
    assert not {"11A", "12A", "13A", "14A", "15A"} & codes_for(codes, "46")


def test_labels(codes):
    label = {(e, c): d for e, c, d in codes.itertuples(index=False)}
    assert label[("25", "I")] == "Individual"
    assert label[("13", "20")] == "Knife/Cutting Instrument"
    assert label[("13", "30")] == "Blunt Object"
    assert label[("33", "U")] == "Unconsciousness"
    assert label[("ACTION", "I")] == "Incident Report"
    assert label[("3R", "R")] == "Report Date"
    assert "DE26 only" in label[("AGE_SPECIAL", "NN")]
    for el in ("26", "37", "47"):
        assert el in label[("AGE_SPECIAL", "00")]
