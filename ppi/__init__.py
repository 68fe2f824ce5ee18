"""PPI: public-private innovation, from a public body's challenge to a procurement route."""
import os
import secrets
from pathlib import Path

from flask import Flask, has_request_context, request, session
from flask_login import current_user
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import IntegerConverter

from config import CONFIGS

ROOT = Path(__file__).resolve().parent.parent


def create_app(config_name: str | None = None, **overrides) -> Flask:
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    app.config.from_object(CONFIGS[config_name or os.environ.get("PPI_CONFIG", "development")])
    app.config.from_pyfile("config.py", silent=True)
    app.config.update(overrides)
    os.makedirs(app.instance_path, exist_ok=True)
    _ensure_secret_key(app)
    from ppi.core.logs import register_request_ids

    register_request_ids(app)  # first: every later hook and log record has the request's id

    app.url_map.converters["int"] = DatabaseId
    if app.config["PPI_PROXY_COUNT"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PPI_PROXY_COUNT"], x_proto=app.config["PPI_PROXY_COUNT"],
                                x_host=app.config["PPI_PROXY_COUNT"])
    register_extensions(app)
    from ppi.core.pagecache import register_page_cache

    register_page_cache(app)
    register_blueprints(app)
    register_commands(app)
    from ppi.core.errors import register_error_handlers
    from ppi.core.security import register_security
    from ppi.core.templating import register_templating

    from ppi.core.timeutil import mark_arrival

    app.before_request(mark_arrival)
    register_error_handlers(app)
    register_security(app)
    register_templating(app)
    return app


class DatabaseId(IntegerConverter):
    """`<int:…>` in URLs: ids beyond what the database stores are simply not found (404), never an error."""

    def __init__(self, url_map, fixed_digits=0, min=None, max=2**31 - 1, signed=False):
        super().__init__(url_map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def _ensure_secret_key(app: Flask) -> None:
    """Production must set SECRET_KEY; development keeps a random one in the instance folder."""
    if app.config.get("SECRET_KEY"):
        return
    if not app.config.get("GENERATE_DEV_SECRET"):
        raise RuntimeError("SECRET_KEY is not set: export SECRET_KEY (see README, Configuration).")
    key_file = Path(app.instance_path) / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    app.config["SECRET_KEY"] = key_file.read_text().strip()


def _select_locale() -> str:
    from flask import current_app

    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    if session.get("locale") in languages:
        return session["locale"]
    return request.accept_languages.best_match(list(languages)) or current_app.config["BABEL_DEFAULT_LOCALE"]


def _select_timezone() -> str | None:
    if has_request_context() and current_user.is_authenticated and current_user.timezone:
        return current_user.timezone
    return None


def register_extensions(app: Flask) -> None:
    from ppi.extensions import babel, csrf, db, limiter, login_manager, migrate

    db.init_app(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"))
    csrf.init_app(app)
    limiter.init_app(app)
    babel.init_app(app, locale_selector=_select_locale, timezone_selector=_select_timezone)

    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    login_manager.login_message_category = "info"
    from flask_babel import lazy_gettext as _l

    login_manager.login_message = _l("Please sign in to see this page.")

    import sqlalchemy as sa
    from sqlalchemy.orm import with_expression

    from ppi.accounts.models import User
    from ppi.core.notify import unread_count_of

    @login_manager.user_loader
    def load_user(session_id: str):
        user_id, _, fingerprint = session_id.partition(":")
        user = db.session.scalar(
            sa.select(User).where(User.id == int(user_id))
            .options(with_expression(User.unread_notifications, unread_count_of(User.id)))) if user_id.isdigit() else None
        if user is None or not user.active or user.password_fingerprint != fingerprint:
            return None
        return user

    import ppi.core.models  # noqa: F401  (tables of the shared audit log and outbox)


def register_blueprints(app: Flask) -> None:
    from ppi.accounts.views import bp as accounts_bp
    from ppi.api.views import bp as api_bp
    from ppi.cases.views import bp as cases_bp
    from ppi.challenges.views import bp as challenges_bp
    from ppi.core.health import bp as health_bp
    from ppi.main.views import bp as main_bp
    from ppi.matching.views import bp as matching_bp
    from ppi.pilots.views import bp as pilots_bp
    from ppi.pools.views import bp as pools_bp
    from ppi.procurement.views import bp as procurement_bp
    from ppi.proposals.views import bp as proposals_bp
    from ppi.reports.views import bp as reports_bp

    app.register_blueprint(health_bp)
    app.register_blueprint(main_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(challenges_bp)
    app.register_blueprint(proposals_bp)
    app.register_blueprint(matching_bp)
    app.register_blueprint(pilots_bp)
    app.register_blueprint(pools_bp)
    app.register_blueprint(procurement_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(api_bp)


def register_commands(app: Flask) -> None:
    import ppi.accounts.cli  # noqa: F401  (adds its commands to the group)
    import ppi.core.backup_cli  # noqa: F401
    import ppi.core.files_cli  # noqa: F401
    import ppi.challenges.cli  # noqa: F401
    import ppi.proposals.cli  # noqa: F401
    import ppi.matching.cli  # noqa: F401
    import ppi.reports.cli  # noqa: F401
    import ppi.demo  # noqa: F401
    from ppi.core.cli import ppi_cli

    app.cli.add_command(ppi_cli)
