"""The web application: precheck page, rule pages, the flowchart form and the JSON API.

Wiring only. A check goes through :mod:`wibrs_check.web.checks` (the runner of
``wibrs-check check``) in a worker thread, never on the event loop; downloads are the
writers of :mod:`wibrs_check.report`; rule pages show :func:`wibrs_check.rule_docs.rule_text`;
the flowchart is :mod:`wibrs_check.trafficking`.

Safe by default (docs/web.md): uploads go to a private temporary folder that is removed
when the check ends, also on errors; request bodies, zips and file counts are limited;
with a token every page and API call needs it (``Authorization: Bearer`` or the cookie the
sign-in page sets); every value is escaped by the templates; a check that runs past the
time limit is stopped with a message; an unexpected error is a short message, never a
traceback.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import datetime as dt
import hashlib
import hmac
import logging
from contextlib import asynccontextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

from .. import __version__, spec
from ..config import split_codes
from ..context import Context
from ..findings import COLUMN_DOCS
from ..options import FORMATS, OUTPUT_NAMES
from ..report import machine, xlsx
from ..runner import Options, exit_code
from ..trafficking import load_flowchart
from . import views
from .checks import Checked, Job, JobStore, run_job
from .uploads import Limits, UploadRejected, make_work_folder, remove_work_folder, save_uploads

log = logging.getLogger("wibrs_check.web")
HERE = Path(__file__).parent
COOKIE = "wibrs_check_session"
MB = 1024 * 1024
MULTIPART_SLACK = 1 * MB  # form boundaries and fields around the files
OPEN_PATHS = ("/static/", "/login")


@dataclass(frozen=True)
class WebSettings:
    """How ``wibrs-check serve`` runs (options, else the settings file, else these defaults)."""

    agencies: object = None  # agency master file, loaded (DataFrame) or None
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    strict: bool = False
    max_upload_mb: float = 100
    max_zip_entries: int = 2000
    max_unzipped_mb: float = 1024
    max_files: int = 500
    token: str | None = None
    time_limit: float = 600  # seconds for one check
    workers: int = 2  # checks at the same time (worker threads)
    keep_minutes: float = 60  # results stay in memory this long for downloads
    work_root: Path | None = None  # where the temporary upload folders go (default: the system's)

    @property
    def limits(self) -> Limits:
        return Limits(max_upload_bytes=int(self.max_upload_mb * MB), max_files=self.max_files,
                      max_zip_entries=self.max_zip_entries, max_unzipped_bytes=int(self.max_unzipped_mb * MB))


# ---------------------------------------------------------------------------------------
# Outputs (downloads and the API's format parameter): the writers of `check`

# The media type of each download; the writers and file names are those of `check`
# (options.FORMATS, options.OUTPUT_NAMES). GitHub annotations are for CI logs, not downloads.
MEDIA_TYPES = {
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "xlsx": xlsx.MEDIA_TYPE,
    "eds": "text/plain; charset=us-ascii",
    "html": "text/html; charset=utf-8",
    "text": "text/plain; charset=utf-8",
    "sarif": "application/sarif+json",
    "junit": "application/xml",
}
OUTPUTS = {fmt: (media, OUTPUT_NAMES[fmt]) for fmt, media in MEDIA_TYPES.items()}


def _render(checked: Checked, fmt: str) -> str | bytes:
    if fmt == "xlsx":  # the summary sheet is the page's per-agency table
        return xlsx.render(checked.report, summary=checked.summary)
    return FORMATS[fmt](checked.report)


PAGE_DOWNLOADS = ("eds", "csv", "xlsx", "json", "html")


def download(checked: Checked, fmt: str, stem: str = "wibrs-check") -> Response:
    media, name = OUTPUTS[fmt]
    body = _render(checked, fmt)
    return Response(body if isinstance(body, bytes) else body.encode("utf-8"), media_type=media,
                    headers={"Content-Disposition": f'attachment; filename="{stem}-{name}"'})


# ---------------------------------------------------------------------------------------
# Guards: token, request size, security headers (plain ASGI, in front of everything)


class BodyTooLarge(Exception):
    pass


def _session_value(token: str) -> str:
    return hmac.new(token.encode("utf-8"), b"wibrs-check web session", hashlib.sha256).hexdigest()


class Guard:
    def __init__(self, app, settings: WebSettings, templates: Jinja2Templates):
        self.app = app
        self.settings = settings
        self.templates = templates
        self.body_limit = int(settings.max_upload_mb * MB) + MULTIPART_SLACK

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope.get("path", "")
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        api = path.startswith("/api/")

        async def send_secured(message):
            if message["type"] == "http.response.start":
                extra = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
                         (b"x-frame-options", b"DENY"),
                         (b"content-security-policy", b"default-src 'self'; img-src 'self' data:; "
                                                      b"style-src 'self' 'unsafe-inline'; frame-ancestors 'none'")]
                message = {**message, "headers": list(message.get("headers", [])) + extra}
            await send(message)

        if self.settings.token and not path.startswith(OPEN_PATHS) and not self._authorised(headers):
            if api:
                response = JSONResponse({"error": "this server needs a token: send 'Authorization: Bearer <token>'"},
                                        status_code=401, headers={"WWW-Authenticate": "Bearer"})
            else:
                response = RedirectResponse("/login?" + urlencode({"next": path}), status_code=303)
            return await response(scope, receive, send_secured)
        if scope.get("method") == "POST":
            declared = headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.body_limit:
                return await self._too_large(scope, receive, send_secured, api)
            seen = 0

            async def counted():
                nonlocal seen
                message = await receive()
                if message["type"] == "http.request":
                    seen += len(message.get("body", b""))
                    if seen > self.body_limit:
                        raise BodyTooLarge()
                return message

            return await self.app(scope, counted, send_secured)
        return await self.app(scope, receive, send_secured)

    def _authorised(self, headers: dict[str, str]) -> bool:
        token = self.settings.token
        given = headers.get("authorization", "")
        if given.lower().startswith("bearer ") and hmac.compare_digest(given[7:].strip().encode(), token.encode()):
            return True
        for part in headers.get("cookie", "").split(";"):
            name, _, value = part.strip().partition("=")
            if name == COOKIE and hmac.compare_digest(value.encode(), _session_value(token).encode()):
                return True
        return False

    async def _too_large(self, scope, receive, send, api: bool):
        message = (f"the upload is larger than the limit of {self.settings.max_upload_mb:g} MB; "
                   "send fewer or smaller files")
        if api:
            response = JSONResponse({"error": message}, status_code=413)
        else:
            response = HTMLResponse(self.templates.get_template("error.html").render(
                title="Upload too large", message=message, status=413),
                status_code=413)
        # The client is still sending; tell it not to keep the connection.
        response.headers["Connection"] = "close"
        await response(scope, receive, send)


# ---------------------------------------------------------------------------------------
# The application


class ClassifyRequest(BaseModel):
    """Answers by fact key (yes/no, true/false or 1/0; null or absent: not known)."""

    answers: dict[str, bool | str | int | None] = {}


def create_app(settings: WebSettings | None = None) -> FastAPI:
    settings = settings or WebSettings()
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    templates.env.globals.update(version=__version__, token_required=bool(settings.token))
    templates.env.filters["num"] = lambda v: f"{int(v):,}" if v == v and v is not None else ""
    executor = concurrent.futures.ThreadPoolExecutor(max_workers=settings.workers, thread_name_prefix="wibrs-check")
    jobs = JobStore(keep_seconds=settings.keep_minutes * 60)
    folders: set[Path] = set()  # upload folders not yet removed (all removed at shutdown too)
    chart = load_flowchart()

    @asynccontextmanager
    async def lifespan(app):
        # Load the rules and tables now, in a worker, so the first user's check does not wait for them.
        asyncio.get_running_loop().run_in_executor(executor, warm_up)
        yield
        executor.shutdown(wait=False, cancel_futures=True)
        for folder in list(folders):
            remove_work_folder(folder)

    app = FastAPI(title="wibrs-check", version=__version__, lifespan=lifespan,
                  description="Checks WIBRS / NIBRS submissions against the FBI NIBRS 2019.1 edits: the same "
                              "checks as the wibrs-check command. See /api for the endpoints in plain words.",
                  docs_url=None, redoc_url=None, openapi_url="/api/v1/openapi.json")
    app.state.settings = settings
    app.state.jobs = jobs
    app.state.folders = folders
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def page(request: Request, name: str, status_code: int = 200, **context) -> HTMLResponse:
        return templates.TemplateResponse(request, name, context, status_code=status_code)

    def error_page(request: Request, status: int, title: str, message: str) -> HTMLResponse:
        return page(request, "error.html", status, title=title, message=message, status=status)

    # ---- errors: clear messages, never a traceback

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        message = exc.detail if isinstance(exc.detail, str) else "request not understood"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=exc.status_code)
        return error_page(request, exc.status_code, "Not found" if exc.status_code == 404 else "Request refused",
                          message)

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, exc: RequestValidationError):
        problems = "; ".join(f"{'.'.join(str(x) for x in e.get('loc', ()))}: {e.get('msg', '')}" for e in exc.errors())
        return JSONResponse({"error": f"bad request: {problems}"}, status_code=400)

    @app.exception_handler(Exception)
    async def unexpected(request: Request, exc: Exception):
        log.exception("unexpected error on %s", request.url.path)  # the server's log, never the response
        message = "something went wrong on the server; the details are in its log"
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": message}, status_code=500)
        return error_page(request, 500, "Server error", message)

    # ---- uploads

    async def receive_files(request: Request) -> tuple[list, dict[str, str], Path]:
        """Parse the multipart form and save its files; the folder is the caller's to remove."""
        folder = make_work_folder(settings.work_root)
        folders.add(folder)
        try:
            try:
                async with request.form(max_files=settings.max_files + 10, max_fields=50) as form:
                    uploads = [v for k, v in form.multi_items() if k in ("file", "files") and hasattr(v, "read")]
                    fields = {k: v for k, v in form.multi_items() if isinstance(v, str)}
                    saved = await save_uploads(uploads, folder, settings.limits)
            except BodyTooLarge:
                raise UploadRejected(413, f"the upload is larger than the limit of {settings.max_upload_mb:g} MB; "
                                          "send fewer or smaller files") from None
            except (UploadRejected, StarletteHTTPException):
                raise
            except (AssertionError, ValueError, KeyError) as exc:  # a form the multipart parser refuses
                raise UploadRejected(400, f"the upload could not be read as a form with files ({exc})") from None
        except BaseException:
            discard(folder)
            raise
        return saved, fields, folder

    def discard(folder: Path) -> None:
        remove_work_folder(folder)
        folders.discard(folder)

    def options_from(fields) -> Options:
        select = split_codes([fields.get("select", "")]) or settings.select
        ignore = split_codes([fields.get("ignore", "")]) or settings.ignore
        strict_text = str(fields.get("strict", "")).strip().lower()
        if strict_text and strict_text not in ("1", "true", "yes", "on", "0", "false", "no", "off"):
            raise UploadRejected(400, f"strict must be true or false, not {strict_text!r}")
        strict = strict_text in ("1", "true", "yes", "on") if strict_text else settings.strict
        return Options(select, ignore, strict)

    def start(saved, folder: Path, options: Options) -> tuple[Job, concurrent.futures.Future]:
        job = Job([s.name for s in saved], settings.time_limit)
        ctx = Context(agencies=settings.agencies, today=dt.date.today())
        future = executor.submit(run_job, job, saved, partial(discard, folder), ctx, options)
        return job, future

    # ---- pages

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    async def index(request: Request):
        return page(request, "index.html", limits=settings.limits, time_limit=settings.time_limit,
                    keep_minutes=settings.keep_minutes)

    @app.post("/check", include_in_schema=False)
    async def check_page(request: Request):
        try:
            saved, fields, folder = await receive_files(request)
        except UploadRejected as exc:
            return error_page(request, exc.status, "The upload was not checked", exc.message)
        try:
            options = options_from(fields)
        except UploadRejected as exc:
            discard(folder)
            return error_page(request, exc.status, "The upload was not checked", exc.message)
        job, _ = start(saved, folder, options)
        jobs.add(job)
        return RedirectResponse(f"/results/{job.id}", status_code=303)

    def job_or_404(job_id: str) -> Job:
        job = jobs.get(job_id)
        if job is None:
            raise StarletteHTTPException(404, "this result is not (or no longer) here: results are kept for "
                                              f"{settings.keep_minutes:g} minutes, then forgotten. Check the files again.")
        return job

    @app.get("/results/{job_id}", response_class=HTMLResponse, include_in_schema=False)
    async def results(request: Request, job_id: str, code: str = "", severity: str = "", incident: str = ""):
        job = job_or_404(job_id)
        job.over_time()
        if job.state != "done":
            status = {"checking": 200, "failed": 500, "timed out": 503}[job.state]
            return page(request, "progress.html", status, job=job, total=len(job.names))
        page_text = request.query_params.get("page", "1")
        page_number = int(page_text) if page_text.isdigit() and 0 < len(page_text) < 7 else 1
        filters = views.Filters(code=code, severity=severity if severity in ("error", "warning", "flag") else "",
                                incident=incident, page=page_number)
        checked = job.result
        report = checked.report
        shown = views.filter_findings(report.findings, filters)
        groups, pages = views.incident_groups(report, shown, checked.classifiable, filters.page)
        summary = checked.summary.to_dict(orient="records")
        codes_on_page = sorted({f["code"] for g in groups for f in g["findings"]})
        return page(request, "results.html", job=job, checked=checked, report=report, summary=summary,
                    totals=machine.totals(report), filters=filters, groups=groups, pages=pages,
                    shown=len(shown), codes=views.code_choices(report.findings),
                    fixes=[(c, views.title_of(c), views.fix_text(c)) for c in codes_on_page],
                    downloads=PAGE_DOWNLOADS, not_checked=sorted(report.not_checked.items()),
                    classifiable=len(checked.classifiable))

    @app.get("/results/{job_id}/download/{fmt}", include_in_schema=False)
    async def results_download(job_id: str, fmt: str):
        job = job_or_404(job_id)
        if job.state != "done" or fmt not in PAGE_DOWNLOADS:
            raise StarletteHTTPException(404, "no such download")
        return await asyncio.get_running_loop().run_in_executor(executor, download, job.result, fmt)

    @app.post("/results/{job_id}/forget", include_in_schema=False)
    async def forget(job_id: str):
        jobs.forget(job_id)
        return RedirectResponse("/", status_code=303)

    @app.get("/rules", response_class=HTMLResponse, include_in_schema=False)
    async def rules_page(request: Request, q: str = ""):
        rows = rule_list(q)
        return page(request, "rules.html", rows=rows, q=q, total=len(spec.edit_catalog()))

    @app.get("/rules/{code}", response_class=HTMLResponse, include_in_schema=False)
    async def rule_page(request: Request, code: str):
        found = rule_doc(code)
        if found is None:
            raise StarletteHTTPException(404, f"there is no code {code!r}; the list is at /rules")
        return page(request, "rule.html", rule=found)

    @app.get("/classify", response_class=HTMLResponse, include_in_schema=False)
    async def classify_page(request: Request):
        params = request.query_params
        try:
            known = views.read_answers(params, chart)
        except views.BadAnswers as exc:
            return error_page(request, 400, "Answer not understood", str(exc))
        filled = {f for f in params.get("filled", "").split(",") if f in known}
        why = {f: params.get(f"why_{f}", "") for f in filled}
        state = views.flowchart_state(known, chart, filled, why)
        source = {k: params.get(k, "") for k in ("incident", "ori", "file") if params.get(k)}
        carry = source | {"filled": ",".join(f for f in filled if f in state["answers"])} if filled or source else {}
        carry |= {f"why_{f}": why[f] for f in filled if f in state["answers"]}
        hidden = list(state["answers"].items()) + [(k, v) for k, v in carry.items() if v]
        return page(request, "classify.html", state=state, hidden=hidden, source=source,
                    back=views.back_link(state, {k: v for k, v in carry.items() if v}) if state["path"] else "",
                    restart="/classify?" + urlencode(source) if source else "/classify",
                    filled=filled, chart_source=chart.source)

    @app.get("/login", response_class=HTMLResponse, include_in_schema=False)
    async def login_form(request: Request, next: str = "/"):
        return page(request, "login.html", next=_local(next), failed=False)

    @app.post("/login", include_in_schema=False)
    async def login(request: Request):
        if not settings.token:
            return RedirectResponse("/", status_code=303)
        try:
            async with request.form(max_files=0, max_fields=5) as form:
                given, target = str(form.get("token", "")), _local(str(form.get("next", "/")))
        except (BodyTooLarge, AssertionError, ValueError, StarletteHTTPException):
            given, target = "", "/"
        if not hmac.compare_digest(given.encode(), settings.token.encode()):
            return page(request, "login.html", 401, next=target, failed=True)
        response = RedirectResponse(target, status_code=303)
        response.set_cookie(COOKIE, _session_value(settings.token), httponly=True, samesite="strict",
                            secure=request.url.scheme == "https")
        return response

    @app.get("/api", response_class=HTMLResponse, include_in_schema=False)
    async def api_docs(request: Request):
        return page(request, "api.html", schema=app.openapi(), columns=COLUMN_DOCS, formats=sorted(OUTPUTS),
                    limits=settings.limits)

    # ---- JSON API

    @app.post("/api/v1/check", summary="Check submission files", openapi_extra=CHECK_OPENAPI,
              responses=CHECK_RESPONSES)
    async def api_check(request: Request):
        """Check one or more files (multipart field ``file``, repeated; a .zip is unpacked). With
        ``format=json`` (default) the body is the document ``wibrs-check check --format json``
        prints; other formats come back as a download. Header ``X-WIBRS-Check-Status`` carries the
        exit status ``check`` would give (0 clean, 1 errors, or warnings with strict)."""
        fmt = request.query_params.get("format", "")
        try:
            saved, fields, folder = await receive_files(request)
        except UploadRejected as exc:
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        try:
            merged = {**fields, **{k: v for k, v in request.query_params.items()}}
            fmt = str(merged.get("format", fmt) or "json").lower()
            if fmt not in OUTPUTS:
                raise UploadRejected(400, f"unknown format {fmt!r}; choose from {', '.join(sorted(OUTPUTS))}")
            options = options_from(merged)
        except UploadRejected as exc:
            discard(folder)
            return JSONResponse({"error": exc.message}, status_code=exc.status)
        job, future = start(saved, folder, options)
        try:
            await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout=settings.time_limit)
        except TimeoutError:
            pass
        if job.over_time():
            return JSONResponse({"error": job.message}, status_code=503)
        if job.state != "done":
            return JSONResponse({"error": job.message or "the check could not be completed"}, status_code=500)
        checked = job.result
        report = checked.report
        if report.fatal and not report.files:
            reasons = "; ".join(f"{bad['path']}: {bad['message']}" for bad in report.fatal[:5])
            return JSONResponse({"error": "none of the files could be checked as a NIBRS flat file, NIBRS XML or "
                                          f"an SBR summary return ({reasons})",
                                 "unreadable_files": report.fatal}, status_code=415)
        status = str(exit_code(report, options.strict))
        if fmt == "json":
            return Response(machine.render_json(report), media_type="application/json",
                            headers={"X-WIBRS-Check-Status": status})
        response = await asyncio.get_running_loop().run_in_executor(executor, download, checked, fmt)
        response.headers["X-WIBRS-Check-Status"] = status
        return response

    @app.get("/api/v1/rules", summary="Every edit code")
    async def api_rules(q: str = ""):
        """Every code (FBI error numbers and our own), with severity, level, data element, status
        and title; ``q`` searches numbers and words as the /rules page does."""
        return {"rules": [dict(zip(RULE_FIELDS, r)) for r in rule_list(q)]}

    @app.get("/api/v1/rules/{code}", summary="One edit code", responses={404: {"description": "no such code"}})
    async def api_rule(code: str):
        """One code with the text ``wibrs-check rules CODE`` prints and the catalog fields."""
        found = rule_doc(code)
        if found is None:
            return JSONResponse({"error": f"there is no code {code!r}"}, status_code=404)
        return found

    @app.post("/api/v1/classify", summary="Walk the sex-trafficking flowchart",
              responses={400: {"description": "an answer is not yes/no or names no fact"}})
    async def api_classify(body: ClassifyRequest):
        """Answers in (fact -> yes/no); out: the verdict and the path, or, when the answers run
        out first, verdict ``incomplete`` and the next question to answer."""
        unknown = sorted(set(body.answers) - set(chart.facts))
        if unknown:
            return JSONResponse({"error": f"not flowchart facts: {', '.join(unknown)}; the facts are "
                                          f"{', '.join(chart.facts)}"}, status_code=400)
        try:
            known = views.read_answers(body.answers, chart)
        except views.BadAnswers as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)
        state = views.flowchart_state(known, chart)
        verdict = state["verdict"]
        return {
            "verdict": verdict["id"] if verdict else "incomplete",
            "label": verdict["label"] if verdict else "Incomplete: more answers needed",
            "explanation": verdict["explanation"] if verdict else "",
            "path": [{"fact": p["fact"], "question": p["question"], "answer": p["answer"] == "yes"}
                     for p in state["path"]],
            "next_question": None if verdict else {k: state["question"][k] for k in ("fact", "question", "help")},
        }

    app.add_middleware(Guard, settings=settings, templates=templates)
    return app


def warm_up() -> None:
    from ..rules.registry import all_rules

    all_rules()
    spec.edit_catalog()
    rule_list()


RULE_FIELDS = ("code", "severity", "level", "data_element", "status", "title")


def rule_list(q: str = "") -> list[tuple]:
    """The catalog rows whose code or words contain every word of ``q``."""
    from ..rule_docs import rule_rows

    rows = rule_rows()
    words = q.lower().split()
    if not words:
        return rows
    catalog = spec.edit_catalog()

    def text(row) -> str:
        description = catalog.loc[row[0], "description"] if row[0] in catalog.index else ""
        return " ".join(str(x) for x in row).lower() + " " + str(description).lower()

    number = q.strip()
    exact = [r for r in rows if number.isdigit() and r[0] == number.zfill(3)]
    rest = [r for r in rows if r not in exact and all(w in text(r) for w in words)]
    return exact + rest


def rule_doc(code: str) -> dict | None:
    from ..rule_docs import normalise_code, rule_text

    code = normalise_code(code)
    catalog = spec.edit_catalog()
    if not code or code not in catalog.index:
        return None
    row = catalog.loc[code]
    return {"code": code, "severity": row["severity"], "level": row["level"], "data_element": row["data_element"],
            "title": row["title"], "fix": row["description"], "text": rule_text(code)}


def _local(target: str) -> str:
    """Only paths on this server (no //host or scheme) as a place to go after signing in."""
    return target if target.startswith("/") and not target.startswith("//") and "\\" not in target else "/"


CHECK_OPENAPI = {
    "parameters": [
        {"name": "format", "in": "query", "required": False,
         "schema": {"type": "string", "enum": sorted(OUTPUTS), "default": "json"},
         "description": "json: the document of `check --format json`; any other: that file as a download"},
        {"name": "select", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "only these codes or prefixes, comma-separated (e.g. 4,IO02)"},
        {"name": "ignore", "in": "query", "required": False, "schema": {"type": "string"},
         "description": "skip these codes or prefixes, comma-separated"},
        {"name": "strict", "in": "query", "required": False, "schema": {"type": "boolean"},
         "description": "warnings also make X-WIBRS-Check-Status 1"},
    ],
    "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
        "type": "object", "required": ["file"],
        "properties": {"file": {"type": "array", "items": {"type": "string", "format": "binary"},
                                "description": "one or more NIBRS flat, NIBRS XML or SBR files, or .zip files of them"},
                       "select": {"type": "string"}, "ignore": {"type": "string"},
                       "strict": {"type": "boolean"}, "format": {"type": "string"}}}}}},
}
CHECK_RESPONSES = {
    200: {"description": "checked: the findings (same columns and summary as `check --format json`)"},
    400: {"description": "bad request: no file, an empty file, an unknown format or option"},
    401: {"description": "the server needs a token and none (or a wrong one) was sent"},
    413: {"description": "too large: the upload, a zip's unpacked size or its number of files"},
    415: {"description": "not a submission: no file could be read as flat, XML or SBR; or a damaged zip"},
    503: {"description": "the check ran past the server's time limit"},
}

