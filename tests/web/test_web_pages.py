"""The pages as a browser without JavaScript uses them (forms, links, self-refreshing progress)."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from conftest import shared_file

from wibrs_check.cli import main
from wibrs_check.rule_docs import rule_text
from wibrs_check.web.checks import Job

from .conftest import EXAMPLES, SAMPLE, left_on_disk, prostitution_incident, upload_page, wait_for_results


def results_id(page) -> str:
    return re.search(r"/results/([\w-]+)/download/csv", page.text).group(1)


def test_front_page_has_a_file_form_that_works_without_script(client):
    page = client.get("/")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text and 'type="file"' in page.text and "multiple" in page.text
    assert 'action="/check"' in page.text


def test_upload_shows_the_planted_error_on_its_record_with_the_fix(client, work):
    page = upload_page(client, (SAMPLE.name, SAMPLE.read_bytes()))
    assert page.status_code == 200
    text = page.text
    # 116: the incident number " 26-77" starts with a blank (planted by the generator).
    assert "Incident  26-77" in html.unescape(text) or "Incident 26-77" in html.unescape(text)
    assert '<a href="/rules/116"' in text
    assert "Remove the leading blanks." in text  # the plain-words fix
    assert '<mark title="incident positions 26-37"> 26-77      </mark>' in text  # the field in error
    assert "WI0130100" in text and "By agency" in text
    assert left_on_disk(work) == []


def test_per_agency_summary_counts_incidents(client):
    page = upload_page(client, (SAMPLE.name, SAMPLE.read_bytes()))
    row = re.search(r"<tr><td>WI0130100</td>(.*?)</tr>", page.text, re.S).group(1)
    cells = re.findall(r'<td class="num">([\d,]*)</td>', row)
    incidents, accepted, rejected = (int(c.replace(",", "")) for c in cells[:3])
    assert incidents == accepted + rejected and rejected > 0


def test_downloads_are_the_writers_of_check(client, tmp_path, monkeypatch):
    page = upload_page(client, (SAMPLE.name, SAMPLE.read_bytes()))
    job = results_id(page)
    monkeypatch.chdir(tmp_path)
    (tmp_path / SAMPLE.name).write_bytes(SAMPLE.read_bytes())
    for fmt in ("csv", "eds"):
        expected = CliRunner().invoke(main, ["check", SAMPLE.name, "--format", fmt]).stdout
        got = client.get(f"/results/{job}/download/{fmt}")
        assert got.status_code == 200 and "attachment" in got.headers["content-disposition"]
        assert got.text.replace("\r\n", "\n") == expected.replace("\r\n", "\n"), fmt
    assert client.get(f"/results/{job}/download/xlsx").content.startswith(b"PK")
    assert client.get(f"/results/{job}/download/json").json()["totals"]["errors"] > 0
    assert "<html" in client.get(f"/results/{job}/download/html").text.lower()
    assert client.get(f"/results/{job}/download/exe").status_code == 404


def test_filters_by_code_severity_and_incident(client):
    page = upload_page(client, (SAMPLE.name, SAMPLE.read_bytes()))
    job = results_id(page)
    by_code = client.get(f"/results/{job}", params={"code": "116"}).text
    assert set(re.findall(r'data-code="(\w+)"', by_code)) == {"116"}
    by_severity = client.get(f"/results/{job}", params={"severity": "warning"}).text
    assert re.findall(r'data-code="(\w+)"', by_severity) == []
    by_incident = client.get(f"/results/{job}", params={"incident": "26-900006"}).text
    assert re.findall(r"<h3>Incident ([^<·]+)", by_incident) == ["26-900006 "]


def test_every_value_is_escaped(client):
    lines = SAMPLE.read_text().splitlines()
    first = lines[0]
    hostile = "<script>x"  # into the incident number (positions 26-37) of every record of one incident
    number = first[25:37]
    doctored = [line[:25] + hostile.ljust(12) + line[37:] if line[25:37] == number else line for line in lines]
    page = upload_page(client, ("<img src=x onerror=alert(1)>.txt", ("\n".join(doctored) + "\n").encode()))
    assert "<script>x" not in page.text and "&lt;script&gt;x" in page.text
    assert "<img src=x" not in page.text and "&lt;img src=x onerror=alert(1)&gt;.txt" in page.text


def test_bad_uploads_give_a_clear_page(make_client, work):
    client = make_client(max_upload_mb=0.01)
    empty = upload_page(client, ("empty.txt", b""))
    assert empty.status_code == 400 and "empty.txt is empty" in empty.text
    big = upload_page(client, ("big.txt", SAMPLE.read_bytes() * 3))
    assert big.status_code == 413 and "larger than the limit" in big.text
    assert left_on_disk(work) == []


def test_an_unreadable_file_is_named_with_the_reason(client, work):
    reply = ("0" * 13 + " " * 133 + "\n") * 3  # an FBI error data set: 146-character numbered records
    page = upload_page(client, ("reply.txt", reply.encode()))
    assert page.status_code == 200
    assert re.search(r"<strong>reply.txt</strong> was not checked: ", page.text)
    assert left_on_disk(work) == []


def test_progress_page_refreshes_itself_and_the_time_limit_stops_a_check(client):
    jobs = client.app.state.jobs
    job = Job(["a.txt", "b.txt"], time_limit=3600)
    job.files_done, job.current = 1, "b.txt"
    jobs.add(job)
    page = client.get(f"/results/{job.id}")
    assert '<meta http-equiv="refresh" content="1">' in page.text and "File 2 of 2" in page.text
    job.time_limit = 0
    stopped = client.get(f"/results/{job.id}")
    assert stopped.status_code == 503 and "longer than the limit" in stopped.text
    assert 'http-equiv="refresh"' not in stopped.text


def test_results_can_be_forgotten_and_unknown_results_are_404(client):
    page = upload_page(client, (SAMPLE.name, SAMPLE.read_bytes()))
    job = results_id(page)
    assert client.post(f"/results/{job}/forget", follow_redirects=False).status_code == 303
    gone = client.get(f"/results/{job}")
    assert gone.status_code == 404 and "no longer" in gone.text


def test_token_protects_pages_and_the_sign_in_sets_a_cookie(make_client):
    client = make_client(token="s3cret-token")
    first = client.get("/rules", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/login")
    assert client.post("/check", files={"file": ("a.txt", SAMPLE.read_bytes())}, follow_redirects=False) \
        .headers["location"].startswith("/login")
    wrong = client.post("/login", data={"token": "guess", "next": "/rules"})
    assert wrong.status_code == 401 and "not right" in wrong.text
    right = client.post("/login", data={"token": "s3cret-token", "next": "/rules"}, follow_redirects=False)
    assert right.status_code == 303 and right.headers["location"] == "/rules"
    assert "httponly" in right.headers["set-cookie"].lower()
    assert client.get("/rules").status_code == 200  # the cookie now goes with every request
    away = client.post("/login", data={"token": "s3cret-token", "next": "//evil.example/"}, follow_redirects=False)
    assert away.headers["location"] == "/"


def test_rule_pages_search_and_show_the_rules_command_text(client):
    listing = client.get("/rules", params={"q": "501"}).text
    assert re.search(r'<tr><td><a href="/rules/(\w+)">', listing).group(1) == "501"
    words = client.get("/rules", params={"q": "incident number blank"}).text
    assert '<a href="/rules/116">' in words
    page = client.get("/rules/501")
    assert page.status_code == 200
    assert html.escape(rule_text("501"), quote=False) in page.text.replace("&#39;", "'").replace("&#34;", '"')
    missing = client.get("/rules/<b>")
    assert missing.status_code == 404 and "<b>" not in missing.text


# --------------------------------------------------------------------------- the flowchart form


def answer_form(client, start: str, answers: dict[str, bool]) -> str:
    """Click Yes/No as a person would until the flowchart gives its outcome; the outcome page."""
    page = client.get(start)
    for _ in range(10):
        if 'id="outcome"' in page.text:
            return page.text
        form = re.search(r'<form method="get" action="/classify">(.*?)</form>', page.text, re.S).group(1)
        hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form))
        hidden = {k: html.unescape(v) for k, v in hidden.items()}
        fact = re.search(r'<button type="submit" name="(\w+)" value="yes"', form).group(1)
        page = client.get("/classify", params={**hidden, fact: "yes" if answers[fact] else "no"})
        assert page.status_code == 200
    raise AssertionError("no outcome after 10 questions")


@pytest.mark.parametrize("case", yaml.safe_load(EXAMPLES.read_text(encoding="utf-8"))["cases"], ids=lambda c: c["case"])
def test_worked_examples_walked_one_question_at_a_time(client, case):
    outcome = answer_form(client, "/classify", case["answers"])
    assert re.search(r'data-verdict="(\w+)"', outcome).group(1) == case["expected"]
    path = re.findall(r'<span class="q">.*?</span> <strong class="answer">(yes|no)</strong>', outcome)
    assert path == ["yes" if v else "no" for v in case["answers"].values()]


def test_question_shows_its_notes_and_an_answer_can_be_taken_back(client):
    page = client.get("/classify", params={"buyer_or_organizer": "yes"}).text
    assert "Question 2" in page and "undercover officer, decoy" in page  # the help of provider_real_person
    back = re.search(r'<a href="([^"]+)" id="back">', page).group(1)
    assert dict(parse_qsl(urlsplit(html.unescape(back)).query)) == {}
    assert client.get("/classify", params={"threatened": "maybe"}).status_code == 400


def test_classify_this_incident_fills_in_what_the_records_answer(client):
    text = "\n".join(prostitution_incident("26-000001")) + "\n"
    page = upload_page(client, ("WI0130100_2026-07.txt", text.encode()))
    link = html.unescape(re.search(r'<a class="classify" href="([^"]+)"', page.text).group(1))
    query = dict(parse_qsl(urlsplit(link).query))
    # as `classify FILE --incident 26-000001` does: buyer (40C), real provider, provider aged 16
    assert {k: query[k] for k in ("buyer_or_organizer", "provider_real_person", "provider_over_17")} == \
        {"buyer_or_organizer": "yes", "provider_real_person": "yes", "provider_over_17": "no"}
    outcome = client.get(link).text
    assert re.search(r'data-verdict="(\w+)"', outcome).group(1) == "sex_trafficking"
    assert outcome.count("from the record") >= 3 and "arrestee 01 age 16, arrested for 40A (record 6)" in outcome
    assert "Incident <strong>26-000001</strong>" in outcome


def test_a_large_check_runs_off_the_event_loop(client, work):
    """The upload is answered at once and other pages are served while the check runs."""
    large = shared_file("samples", "HI0020000_2019-07_large.txt")
    sent = client.post("/check", files={"file": (large.name, large.read_bytes())}, follow_redirects=False)
    assert sent.status_code == 303
    job = client.app.state.jobs.get(sent.headers["location"].rsplit("/", 1)[1])
    assert job.state == "checking"
    assert client.get("/rules/501").status_code == 200
    assert job.state == "checking"  # the rule page did not wait for the check
    done = wait_for_results(client, sent.headers["location"], timeout=600)
    assert done.status_code == 200 and 'id="results"' in done.text
    assert left_on_disk(work) == []


def test_xml_report_records_show_in_the_flat_layout_with_the_field_marked(client):
    sample = shared_file("samples", "HI_2019-11_burglary.xml")
    page = upload_page(client, (sample.name, sample.read_bytes()))
    assert page.status_code == 200
    assert re.search(r'<pre class="record"[^>]*>\d{4}\dI\d{6}', page.text)  # the model's flat record
    assert "<mark title=" in page.text
