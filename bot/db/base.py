"""The declarative base shared by the content, portal-user and review tables, so
one Alembic history migrates them all."""
from __future__ import annotations

from sqlalchemy.orm import declarative_base

Base = declarative_base()
