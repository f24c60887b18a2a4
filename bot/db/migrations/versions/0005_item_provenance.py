"""item provenance: what each topic, focus area, partner and Q&A entry cites

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 08:00:00

Each item gets `source` ("page": the source page; "staff": the municipality's
staff) and `source_date` (the date its citation gives). Items that staff have
created, changed or restored (according to the history) cite the
municipality and the day of that last change; the others cite the page and
its date. Q&A entries are written by staff. The source page's own address
was seeded as the municipality's home page, which the citation must not
link to, so it is cleared where it equals the home page (staff set it).
"""
import datetime as dt
import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"

# table → entity type in content_version
_TABLES = {"topic": "topic", "focus_area": "focus_area", "partner": "partner", "qa_entry": "qa"}
_STAFF_ACTIONS = ("skapad", "ändrad", "återställd")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("source", sa.String(length=10), nullable=False,
                                       server_default="staff" if table == "qa_entry" else "page"))
            batch.add_column(sa.Column("source_date", sa.Date(), nullable=True))
    _backfill()


def _backfill() -> None:
    bind = op.get_bind()
    site = sa.table("site_info", sa.column("municipality_url", sa.String()),
                    sa.column("source_url", sa.String()), sa.column("last_updated", sa.Date()))
    page_date = bind.execute(sa.select(site.c.last_updated)).scalar()
    bind.execute(site.update().where(site.c.source_url == site.c.municipality_url).values(source_url=""))
    history = sa.table("content_version", sa.column("entity_type", sa.String()),
                       sa.column("entity_id", sa.Integer()), sa.column("action", sa.String()),
                       sa.column("created_at", sa.DateTime()))
    for table_name, entity_type in _TABLES.items():
        table = sa.table(table_name, sa.column("id", sa.Integer()), sa.column("source", sa.String()),
                         sa.column("source_date", sa.Date()), sa.column("updated_at", sa.DateTime()))
        changed = dict(bind.execute(
            sa.select(history.c.entity_id, sa.func.max(history.c.created_at))
            .where(history.c.entity_type == entity_type, history.c.entity_id.isnot(None),
                   history.c.action.in_(_STAFF_ACTIONS))
            .group_by(history.c.entity_id)
        ).all())
        for row_id, updated_at in bind.execute(sa.select(table.c.id, table.c.updated_at)).all():
            when = changed.get(row_id) or (updated_at if table_name == "qa_entry" else None)
            if when is not None:
                day = when.date() if isinstance(when, dt.datetime) else dt.date.fromisoformat(str(when)[:10])
                values = {"source": "staff", "source_date": day}
            else:
                values = {"source": "page", "source_date": page_date}
            bind.execute(table.update().where(table.c.id == row_id).values(**values))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.drop_column("source_date")
            batch.drop_column("source")
