"""Shorthands for the hand-written migrations: a table's columns in a line or two.

Every migration imports this module, so what it builds must never change:
add a shorthand, never edit one.
"""
from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from alembic import op
from sqlalchemy.types import TypeEngine

INT, TEXT, JSON, BOOL, DATE, TIME = sa.Integer(), sa.Text(), sa.JSON(), sa.Boolean(), sa.Date(), sa.DateTime()


def text(length: int) -> sa.String:
    return sa.String(length=length)


@dataclass(frozen=True)
class Nullable:
    type: TypeEngine


def nullable(type_: TypeEngine) -> Nullable:
    """A column that may be NULL (columns are NOT NULL unless marked)."""
    return Nullable(type_)


def columns(**types: TypeEngine | Nullable) -> list[sa.Column]:
    """Columns in the order given: NOT NULL unless wrapped in `nullable()`."""
    return [sa.Column(name, kind.type, nullable=True) if isinstance(kind, Nullable)
            else sa.Column(name, kind, nullable=False) for name, kind in types.items()]


def create_table(name: str, *items: sa.Column | sa.Constraint, key: str = "id", unique: str = "") -> sa.Table:
    """A table with its primary key (and one unique column, if named)."""
    constraints = [sa.PrimaryKeyConstraint(key)] + ([sa.UniqueConstraint(unique)] if unique else [])
    return op.create_table(name, *items, *constraints)


def create_content_table(name: str, *items: sa.Column, unique: str = "") -> sa.Table:
    """A content type's table: the editor's version counter and change time, then the id."""
    return create_table(name, *columns(version=INT, updated_at=TIME, id=INT), *items, unique=unique)
