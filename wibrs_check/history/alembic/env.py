"""Alembic environment of the history store.

The store runs migrations itself (``wibrs_check.history.store.open_store`` upgrades to head
on open) and hands its connection in ``config.attributes["connection"]``. From a shell, a
developer makes a new revision with::

    alembic -c wibrs_check/history/alembic.ini revision --autogenerate -m "what changed"

against a scratch database named by ``-x url=sqlite:///scratch.sqlite3``.
"""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from wibrs_check.history.models import Base

config = context.config
target_metadata = Base.metadata


def _url() -> str:
    return context.get_x_argument(as_dictionary=True).get("url") or config.get_main_option("sqlalchemy.url")


def run_migrations_offline() -> None:
    context.configure(url=_url(), target_metadata=target_metadata, literal_binds=True,
                      render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = create_engine(_url())
    with engine.begin() as connection:
        _run(connection)


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
