"""``wibrs-check serve``: the precheck web page, the flowchart form and the JSON API.

Wiring only: :func:`wibrs_check.web.app.create_app` builds the application and uvicorn
serves it. FastAPI and uvicorn are imported here, never by ``check``: they are the ``web``
extra (``pip install 'wibrs-check[web]'``).
"""

from __future__ import annotations

import click


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on. The default serves this computer only; 0.0.0.0 serves the network "
                   "(then set --token and put it behind HTTPS).")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option("--agencies", type=click.Path(exists=True, dir_okay=False),
              help="Agency master file (CSV): agency names and the agency edits (default: the agencies setting).")
@click.option("--select", multiple=True, help="Only these codes or code prefixes (default: the select setting).")
@click.option("--ignore", multiple=True, help="Skip these codes or code prefixes (default: the ignore setting).")
@click.option("--strict/--no-strict", default=None, help="Warnings also count as failing in the API status header.")
@click.option("--max-upload-mb", type=click.FloatRange(min=0.001), default=100, show_default=True,
              help="Largest upload (all files of one request together).")
@click.option("--max-zip-entries", type=click.IntRange(min=1), default=2000, show_default=True,
              help="Most files in one uploaded zip.")
@click.option("--max-unzipped-mb", type=click.FloatRange(min=0.001), default=1024, show_default=True,
              help="Largest total size of one zip's files once unpacked.")
@click.option("--time-limit", type=click.FloatRange(min=1), default=600, show_default=True,
              help="Seconds one check may take before it is stopped with a message.")
@click.option("--workers", type=click.IntRange(min=1), default=2, show_default=True,
              help="Checks that run at the same time (each in its own thread, off the web server's loop).")
@click.option("--keep-minutes", type=click.FloatRange(min=1), default=60, show_default=True,
              help="How long results stay in memory for downloads (uploaded files are deleted at once).")
@click.option("--token", envvar="WIBRS_CHECK_TOKEN", metavar="TEXT",
              help="Require this token on every page and API call (env WIBRS_CHECK_TOKEN). "
                   "Browsers sign in once; programs send 'Authorization: Bearer TEXT'.")
def serve(host, port, agencies, select, ignore, strict, max_upload_mb, max_zip_entries, max_unzipped_mb, time_limit,
          workers, keep_minutes, token):
    """Serve the precheck page (upload files, see every problem and its fix, download the
    results), the error-code pages, the sex-trafficking flowchart as a form and the JSON API
    for records systems (docs/web.md).

    Settings file keys used: select, ignore, agencies, strict (options win).
    """
    try:
        import uvicorn

        from ..web.app import WebSettings, create_app
    except ImportError as exc:
        raise click.UsageError(f"the web server needs FastAPI and uvicorn: pip install 'wibrs-check[web]' ({exc})")
    from ..config import resolve_cli
    from .batch import codes, load_agencies

    settings = resolve_cli(codes(select), codes(ignore), agencies, strict)
    web = WebSettings(agencies=load_agencies(settings.agencies), select=settings.select, ignore=settings.ignore,
                      strict=settings.strict, max_upload_mb=max_upload_mb, max_zip_entries=max_zip_entries,
                      max_unzipped_mb=max_unzipped_mb, time_limit=time_limit, workers=workers,
                      keep_minutes=keep_minutes, token=token or None)
    if host not in ("127.0.0.1", "localhost", "::1") and not token:
        click.echo("wibrs-check: serving beyond this computer without --token: anyone who can reach "
                   f"{host}:{port} can use it", err=True)
    click.echo(f"wibrs-check serve: http://{host}:{port}/ (Ctrl-C stops)", err=True)
    uvicorn.run(create_app(web), host=host, port=port, log_level="info", server_header=False)

