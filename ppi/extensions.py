"""Extension singletons, bound to an app in `create_app`. Models import `db` from here."""
import sqlite3

from flask import request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


db = SQLAlchemy(model_class=Base)
migrate = Migrate(compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
limiter = Limiter(key_func=get_remote_address)
babel = Babel()


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _sqlite_setup(dbapi_connection, _record) -> None:
    """SQLite ignores foreign keys unless each connection asks for them, and its lower() knows only ASCII:
    `casefold()` gives searches the same case rules for every alphabet (Æ/æ, Ö/ö)."""
    if isinstance(dbapi_connection, sqlite3.Connection):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
        dbapi_connection.create_function("casefold", 1, _casefold, deterministic=True)


def submitted_email() -> str:
    """Rate-limit key for per-account limits: the e-mail address typed into the form."""
    return "account:" + (request.form.get("email") or "").strip().lower()
