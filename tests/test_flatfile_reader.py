import pytest

from wibrs_check import engine

from wibrs_check.generator.records import format_record
from wibrs_check.readers.flatfile import UnreadableInput, read_flat, read_flat_bytes
from conftest import shared_file

ADMIN = format_record(1, {"incident": "26-000001", "de3_date": "20260701", "de4": "N"})
OFFENSE = format_record(2, {"incident": "26-000001", "de6": "13B", "de7": "C"})


def read(text: str):
    sub = read_flat_bytes(text.encode("latin-1"), "t.txt")
    sub.check_accounting()
    return sub


def test_lf_and_crlf_give_the_same_records():
    lf = read(ADMIN + "\n" + OFFENSE + "\n")
    crlf = read(ADMIN + "\r\n" + OFFENSE + "\r\n")
    assert lf.records["raw"].tolist() == crlf.records["raw"].tolist() == [ADMIN, OFFENSE]


def test_missing_final_newline_keeps_last_record():
    sub = read(ADMIN + "\n" + OFFENSE)
    assert len(sub.records) == 2 and sub.frames[2]["de6"].tolist() == ["13B"]


def test_blank_lines_are_counted_not_numbered():
    sub = read("\n" + ADMIN + "\n   \n\n" + OFFENSE + "\n\n")
    assert sub.blank_lines == 4
    assert sub.records["record"].tolist() == [1, 2]
    assert sub.records["line"].tolist() == [2, 5]


def test_short_record_is_padded_and_measured():
    # (with its line break: without one, a short last record is a file cut off, IO07)
    sub = read(ADMIN.rstrip() + "\n")
    assert sub.records["length_actual"].iloc[0] < 88
    assert sub.frames[1]["de2a"].iloc[0] == ""
    assert sub.frames[1]["de4"].iloc[0] == "N"


def test_unknown_level_goes_to_unplaced_with_reason():
    bad = "0043912026" + " " * 33
    sub = read(ADMIN + "\n" + bad + "\n" + "12\n")
    assert len(sub.unplaced) == 2
    assert set(sub.unplaced["reason"]) == {"segment level is not 0-7", "record too short to hold a segment level (position 5)"}


def test_non_ascii_bytes_are_marked_and_replaced():
    data = (ADMIN[:40] + "é" + ADMIN[41:]).encode("latin-1") + b"\n"
    sub = read_flat_bytes(data, "t.txt")
    assert sub.records["non_ascii"].tolist() == [True]
    assert "?" in sub.records["raw"].iloc[0]
    assert len(sub.records["raw"].iloc[0]) == len(ADMIN)


def test_older_segment_lengths_are_read_with_blank_new_fields():
    victim_129 = format_record(4, {"incident": "26-000001", "de23": "001", "de24_1": "13B", "de25": "I"}, 129)
    sub = read(victim_129 + "\n")
    assert sub.records["length_declared"].iloc[0] == 129
    assert sub.frames[4]["de25a"].iloc[0] == "" and sub.frames[4]["de25"].iloc[0] == "I"


def test_empty_file_reads_as_no_records():
    sub = read("")
    assert len(sub.records) == 0 and sub.blank_lines == 0


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(UnreadableInput, match="cannot read"):
        read_flat(tmp_path / "nope.txt")


@pytest.mark.parametrize("name, records, blank", [
    ("VTUCR0001_20200420_NIBRS_010.txt", 6516, 2),
    ("NIBRS_Test_Sample.txt", 6, 0),
    ("HI0020000_2019-07_large.txt", 23853, 0),
    ("HI_2019-11_burglary.txt", 6, 0),
])
def test_real_samples_account_for_every_record(name, records, blank):
    sub = read_flat(shared_file("samples", name))
    sub.check_accounting()
    assert sub.accounting()["records_read"] == records
    assert sub.blank_lines == blank


def test_vermont_sample_mixes_victim_lengths():
    sub = read_flat(shared_file("samples", "VTUCR0001_20200420_NIBRS_010.txt"))
    victims = sub.records[sub.records["level"] == "4"]
    assert {129, 141} <= set(victims["length_declared"].astype(int))


def test_stray_carriage_return_inside_a_record_is_flagged():
    data = (ADMIN[:40] + "\r" + ADMIN[41:] + "\r\n" + OFFENSE + "\r\r\n").encode("latin-1")
    sub = read_flat_bytes(data, "t.txt")
    assert sub.records["non_ascii"].tolist() == [True, False]
    assert sub.records["raw"].tolist() == [ADMIN[:40] + "?" + ADMIN[41:], OFFENSE]


@pytest.mark.parametrize("length_text", ["-inf", "1e2 ", "+088", "88  ", "inf "])
def test_segment_length_must_be_four_digits(length_text):
    record = length_text + ADMIN[4:]
    sub = read(record)
    assert sub.records["length_declared"].isna().all()
    result = engine.run(sub)
    assert result.rule_failures == {}
    bad_length = result.findings[result.findings["code"] == "IO04"]
    assert bad_length[["record", "column", "value"]].values.tolist() == [[1, "seg_length", length_text.rstrip()]]
