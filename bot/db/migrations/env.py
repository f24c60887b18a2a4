"""Alembic environment: migrates the content database named by the caller."""
from alembic import context
from sqlalchemy import engine_from_config, pool

import bot.content.types  # noqa: F401  (each content type declares its own table)
import bot.conversations.models  # noqa: F401  (the review tables share the metadata)
import bot.portal.models  # noqa: F401  (and the portal's users)
import bot.retraining.models  # noqa: F401  (and the model store)
from bot.db.base import Base
from bot.db.engine import database_url

config = context.config
url = config.get_main_option("sqlalchemy.url") or database_url()

if context.is_offline_mode():
    context.configure(url=url, target_metadata=Base.metadata, literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()
else:
    connectable = engine_from_config(
        {"sqlalchemy.url": url}, prefix="sqlalchemy.", poolclass=pool.NullPool
    )
    with connectable.connect() as connection:
        context.configure(
            connection=connection,
            target_metadata=Base.metadata,
            render_as_batch=connection.dialect.name == "sqlite",
        )
        with context.begin_transaction():
            context.run_migrations()
