"""The JSON API for records systems, through the framework's test client."""

from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from wibrs_check import findings as findings_mod
from wibrs_check import spec
from wibrs_check.cli import main
from wibrs_check.rule_docs import rule_text
from wibrs_check.report import eds as eds_writer

from conftest import shared_file
from .conftest import EXAMPLES, SAMPLE, SAMPLE_B, left_on_disk


def cli(*args: str) -> str:
    return CliRunner().invoke(main, list(args), catch_exceptions=False).stdout


def test_check_gives_the_same_document_as_check_format_json(client, work, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    expected = json.loads(cli("check", SAMPLE.name, "--format", "json"))
    response = client.post("/api/v1/check", files={"file": (SAMPLE.name, SAMPLE.read_bytes())})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["x-wibrs-check-status"] == "1"  # errors, as check's exit status
    got = response.json()
    assert got == expected
    assert any(f["code"] == "116" for f in got["findings"])  # the planted leading-blank incident number
    assert left_on_disk(work) == []


def test_select_ignore_and_the_csv_format_match_the_command(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    expected = cli("check", SAMPLE.name, "--format", "csv", "--select", "1,2", "--ignore", "216")
    response = client.post("/api/v1/check?format=csv&select=1,2&ignore=216",
                           files={"file": (SAMPLE.name, SAMPLE.read_bytes())})
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert response.text == expected
    codes = {line.split(",")[14] for line in expected.splitlines()[1:]}
    assert codes and all(c.startswith(("1", "2")) for c in codes) and "216" not in codes


def test_strict_turns_warnings_into_a_failing_status(client):
    sample = shared_file("samples", "NIBRS_Test_Sample.txt")  # one record shorter than declared: IO02, a warning
    body = {"file": (sample.name, sample.read_bytes())}
    relaxed = client.post("/api/v1/check?select=IO02", files=body)
    strict = client.post("/api/v1/check?select=IO02&strict=true", files=body)
    assert [f["severity"] for f in relaxed.json()["findings"]] == ["warning"]
    assert relaxed.headers["x-wibrs-check-status"] == "0"
    assert strict.headers["x-wibrs-check-status"] == "1"
    bad = client.post("/api/v1/check?strict=maybe", files=body)
    assert bad.status_code == 400 and "strict" in bad.json()["error"]


def test_other_formats_are_downloads(client):
    for fmt, start in (("xlsx", b"PK"), ("eds", None), ("html", b"<!doctype html"), ("sarif", b"{")):
        response = client.post(f"/api/v1/check?format={fmt}", files={"file": (SAMPLE.name, SAMPLE.read_bytes())})
        assert response.status_code == 200, fmt
        assert "attachment" in response.headers["content-disposition"]
        if start:
            assert response.content.lower().startswith(start.lower()), fmt
    unknown = client.post("/api/v1/check?format=pdf", files={"file": (SAMPLE.name, SAMPLE.read_bytes())})
    assert unknown.status_code == 400 and "pdf" in unknown.json()["error"]


def test_a_zip_of_files_is_checked_as_its_files(client, work):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("july/" + SAMPLE.name, SAMPLE.read_bytes())
        archive.writestr(SAMPLE_B.name, SAMPLE_B.read_bytes())
        archive.writestr("__MACOSX/._x.txt", b"resource fork")
    response = client.post("/api/v1/check", files={"file": ("month.zip", buffer.getvalue())})
    assert response.status_code == 200
    document = response.json()
    assert [f["path"] for f in document["files"]] == [f"month.zip/{SAMPLE.name}", f"month.zip/{SAMPLE_B.name}"]
    assert {f["ori"] for f in document["findings"]} == {"WI0130100", "WI0130200"}
    assert left_on_disk(work) == []


def test_zip_member_names_are_never_paths(client, work, tmp_path):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("../../escaped.txt", SAMPLE.read_bytes())
        archive.writestr("/abs/olute.txt", SAMPLE.read_bytes())
    response = client.post("/api/v1/check", files={"file": ("../evil.zip", buffer.getvalue())})
    assert response.status_code == 200
    assert [f["path"] for f in response.json()["files"]] == ["evil.zip/escaped.txt", "evil.zip/olute.txt"]
    assert not list(tmp_path.rglob("escaped.txt")) and not list(tmp_path.parent.glob("escaped.txt"))
    assert left_on_disk(work) == []


def test_zip_bomb_is_refused_by_its_unpacked_size(make_client, work):
    client = make_client(max_unzipped_mb=1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"0" * (20 * 1024 * 1024))
    assert len(buffer.getvalue()) < 100_000  # 20 MB of zeros packs small
    response = client.post("/api/v1/check", files={"file": ("bomb.zip", buffer.getvalue())})
    assert response.status_code == 413
    assert "unpacks to" in response.json()["error"]
    assert left_on_disk(work) == []


def test_zip_bomb_with_lying_sizes_is_stopped_while_unpacking(make_client, work):
    client = make_client(max_unzipped_mb=1)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("bomb.txt", b"0" * (5 * 1024 * 1024))
    data = bytearray(buffer.getvalue())
    # Claim 100 bytes unpacked in the central directory: the declared total passes the limit.
    central = data.rfind(b"PK\x01\x02")
    data[central + 24:central + 28] = (100).to_bytes(4, "little")
    response = client.post("/api/v1/check", files={"file": ("liar.zip", bytes(data))})
    assert response.status_code in (413, 415)  # stopped by the count, or refused as damaged
    assert left_on_disk(work) == []


def test_too_many_zip_entries(make_client, work):
    client = make_client(max_zip_entries=3)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for n in range(5):
            archive.writestr(f"f{n}.txt", SAMPLE.read_bytes())
    response = client.post("/api/v1/check", files={"file": ("many.zip", buffer.getvalue())})
    assert response.status_code == 413 and "at most 3" in response.json()["error"]
    assert left_on_disk(work) == []


def test_zip_inside_a_zip_and_damaged_zip_are_refused(client, work):
    inner = io.BytesIO()
    with zipfile.ZipFile(inner, "w") as archive:
        archive.writestr("a.txt", SAMPLE.read_bytes())
    outer = io.BytesIO()
    with zipfile.ZipFile(outer, "w") as archive:
        archive.writestr("inner.zip", inner.getvalue())
    nested = client.post("/api/v1/check", files={"file": ("outer.zip", outer.getvalue())})
    assert nested.status_code == 415 and "zip inside the zip" in nested.json()["error"]
    damaged = client.post("/api/v1/check", files={"file": ("bad.zip", b"PK\x03\x04" + b"\x00" * 40)})
    assert damaged.status_code == 415 and "cannot be opened" in damaged.json()["error"]
    assert left_on_disk(work) == []


def test_oversize_upload_is_413_and_nothing_is_kept(make_client, work):
    client = make_client(max_upload_mb=0.05)  # 52,428 bytes
    limit = int(0.05 * 1024 * 1024)
    far_over = (SAMPLE.read_bytes() * 200)[: 3 * 1024 * 1024]  # past the form allowance: refused on its length
    response = client.post("/api/v1/check", files={"file": ("big.txt", far_over)})
    assert response.status_code == 413
    assert "limit" in response.json()["error"]
    just_over = (SAMPLE.read_bytes() * 10)[: limit + 10]  # within the form allowance, one file over the limit
    response = client.post("/api/v1/check", files={"file": ("big.txt", just_over)})
    assert response.status_code == 413
    halves = [("file", ("a.txt", just_over[: limit // 2 + 10])), ("file", ("b.txt", just_over[: limit // 2 + 10]))]
    response = client.post("/api/v1/check", files=halves)  # together over the limit
    assert response.status_code == 413
    assert left_on_disk(work) == []


def test_empty_file_and_no_file_are_bad_requests(client, work):
    empty = client.post("/api/v1/check", files={"file": ("empty.txt", b"")})
    assert empty.status_code == 400 and "empty.txt is empty" in empty.json()["error"]
    none = client.post("/api/v1/check", data={"select": "1"})
    assert none.status_code == 400 and "no file" in none.json()["error"]
    garbage = client.post("/api/v1/check", content=b"--x\r\nnot a form", headers={"content-type": "multipart/form-data"})
    assert garbage.status_code == 400
    assert left_on_disk(work) == []


def test_an_error_data_set_is_not_a_submission(client, work):
    """The FBI's reply (EDS) is refused by the readers, so the API answers 415."""
    found = json.loads(cli("check", str(SAMPLE), "--format", "json"))
    frame = pd.DataFrame(found["findings"])
    for column in ("record", "line", "unit"):
        frame[column] = frame[column].astype("Int64")
    reply = eds_writer.render(frame[list(findings_mod.COLUMNS)], found["processed_on"])
    response = client.post("/api/v1/check", files={"file": ("reply.eds", reply.encode("ascii"))})
    assert response.status_code == 415
    body = response.json()
    assert "not a submission" in body["error"]
    assert body["unreadable_files"][0]["path"] == "reply.eds"
    assert left_on_disk(work) == []


def test_a_pdf_is_not_a_submission(client, work):
    response = client.post("/api/v1/check", files={"file": ("scan.pdf", b"%PDF-1.4\n%%EOF\n")})
    assert response.status_code == 415
    assert "looks like a PDF" in response.json()["error"]
    assert left_on_disk(work) == []


def test_time_limit_gives_a_clear_message_and_removes_the_files(make_client, work):
    client = make_client(time_limit=0.05)
    files = [("file", (f"f{n}.txt", SAMPLE.read_bytes())) for n in range(4)]
    response = client.post("/api/v1/check", files=files)
    assert response.status_code == 503
    assert "longer than the limit" in response.json()["error"]
    assert left_on_disk(work, wait=300) == []  # removed once the file being checked is done


def test_token_is_required_on_every_call_when_set(make_client):
    client = make_client(token="s3cret-token")
    assert client.post("/api/v1/check", files={"file": ("a.txt", SAMPLE.read_bytes())}).status_code == 401
    assert client.get("/api/v1/rules").status_code == 401
    assert client.get("/api/v1/openapi.json").status_code == 401
    wrong = client.get("/api/v1/rules", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and "token" in wrong.json()["error"]
    right = client.get("/api/v1/rules/501", headers={"Authorization": "Bearer s3cret-token"})
    assert right.status_code == 200


def test_rules_list_and_search(client):
    every = client.get("/api/v1/rules").json()["rules"]
    assert len(every) == len(spec.edit_catalog())
    assert set(every[0]) == {"code", "severity", "level", "data_element", "status", "title"}
    found = client.get("/api/v1/rules", params={"q": "501"}).json()["rules"]
    assert found[0]["code"] == "501"
    words = client.get("/api/v1/rules", params={"q": "offender segment missing"}).json()["rules"]
    assert "501" in {r["code"] for r in words} and len(words) < len(every)


def test_one_rule_is_the_text_of_the_rules_command(client):
    body = client.get("/api/v1/rules/501").json()
    assert body["text"] == rule_text("501") == cli("rules", "501").rstrip("\n")
    assert client.get("/api/v1/rules/ht01").json()["code"] == "HT01"
    assert client.get("/api/v1/rules/9999").status_code == 404


def seed_examples():
    return yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))["cases"]


@pytest.mark.parametrize("case", seed_examples(), ids=lambda c: c["case"])
def test_classify_gives_the_state_verdict_for_each_worked_example(client, case):
    response = client.post("/api/v1/classify", json={"answers": case["answers"]})
    assert response.status_code == 200
    body = response.json()
    assert body["verdict"] == case["expected"]
    assert [step["fact"] for step in body["path"]] == list(case["answers"])
    assert body["next_question"] is None


def test_classify_incomplete_and_bad_answers(client):
    partial = client.post("/api/v1/classify", json={"answers": {"buyer_or_organizer": "yes"}}).json()
    assert partial["verdict"] == "incomplete"
    assert partial["next_question"]["fact"] == "provider_real_person"
    bad = client.post("/api/v1/classify", json={"answers": {"buyer_or_organizer": "perhaps"}})
    assert bad.status_code == 400 and "perhaps" in bad.json()["error"]
    unknown = client.post("/api/v1/classify", json={"answers": {"colour": "yes"}})
    assert unknown.status_code == 400 and "colour" in unknown.json()["error"]
    not_json = client.post("/api/v1/classify", content=b"{", headers={"content-type": "application/json"})
    assert not_json.status_code == 400


def test_openapi_document_and_api_page(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert {"/api/v1/check", "/api/v1/rules", "/api/v1/rules/{code}", "/api/v1/classify"} <= set(schema["paths"])
    check = schema["paths"]["/api/v1/check"]["post"]
    assert {"200", "400", "413", "415"} <= set(check["responses"])
    assert "multipart/form-data" in check["requestBody"]["content"]
    page = client.get("/api")
    assert page.status_code == 200 and "/api/v1/check" in page.text
