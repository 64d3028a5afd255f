"""Alembic environment for the desktop store: SQLite, batch mode, foreign keys off while tables are rebuilt."""

from alembic import context
from sqlalchemy import create_engine, text

from nwrc_desktop.store.models import Base

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    url = config.get_main_option("sqlalchemy.url")
    engine = create_engine(url)
    with engine.connect() as connection:
        # A batch migration copies a table and drops the old one; with foreign keys on, that drop
        # would cascade or fail. The pragma only takes effect outside a transaction.
        connection.execute(text("PRAGMA foreign_keys=OFF"))
        connection.commit()
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True)
        with context.begin_transaction():
            context.run_migrations()
        connection.execute(text("PRAGMA foreign_keys=ON"))
        foreign_key_errors = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if foreign_key_errors:
            raise RuntimeError(f"migration left broken foreign keys: {foreign_key_errors[:5]}")
    engine.dispose()


run_migrations()
