"""Request ids and logging to stdout.

Every request gets an id: the proxy's `X-Request-ID` when it is a sane token, else a new one. It is echoed in the
response's `X-Request-ID` and carried by every log record emitted while the request runs, so one line of nginx's or
gunicorn's access log leads to the application's lines about the same request.
"""
import logging
import re
import sys
import uuid

from flask import Flask, Response, g, has_app_context, request
from flask.logging import default_handler

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
LOG_FORMAT = "%(asctime)s %(levelname)s [%(request_id)s] %(name)s: %(message)s"


def assign_request_id() -> None:
    """Before every request (first of all): the id the proxy sent, or a new uuid4 when it sent none or garbage."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = incoming if _SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def echo_request_id(response: Response) -> Response:
    if "request_id" in g:
        response.headers[REQUEST_ID_HEADER] = g.request_id
    return response


class RequestIdFilter(logging.Filter):
    """Puts the current request's id on each record as `request_id` ("-" outside a request)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = g.get("request_id", "-") if has_app_context() else "-"
        return True


REQUEST_ID_FILTER = RequestIdFilter()


def stdout_handler(stream=None) -> logging.Handler:
    """The handler `configure_logging` installs: one line per record, with the time, level, request id and logger."""
    handler = logging.StreamHandler(stream or sys.stdout)
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    handler.addFilter(REQUEST_ID_FILTER)  # on the handler: records propagated from any logger get the id
    return handler


def configure_logging(app: Flask) -> None:
    """Log to stdout at PPI_LOG_LEVEL, unless testing or logging was configured already (handlers on the root logger,
    say gunicorn's `logconfig_dict` or a `--log-config`, or on the app's logger beyond Flask's default)."""
    app.logger.addFilter(REQUEST_ID_FILTER)  # the app's own records carry the id whoever handles them
    level = app.config["PPI_LOG_LEVEL"]
    if not isinstance(logging.getLevelName(level), int):
        raise RuntimeError(f"PPI_LOG_LEVEL={level!r}: use DEBUG, INFO, WARNING, ERROR or CRITICAL.")
    root = logging.getLogger()
    if app.testing or root.handlers or any(handler is not default_handler for handler in app.logger.handlers):
        return
    app.logger.removeHandler(default_handler)  # the root's handler writes the app's records
    root.addHandler(stdout_handler())
    root.setLevel(level)
    # Alembic tells at INFO of its plugins at start-up and of its context on each /readyz: noise in the app's log
    # (`flask db upgrade` configures its own logging from migrations/alembic.ini and still shows its steps).
    logging.getLogger("alembic").setLevel(logging.WARNING)


def register_request_ids(app: Flask) -> None:
    """Call before registering any other request hook: the id must exist before anything logs."""
    app.before_request(assign_request_id)
    app.after_request(echo_request_id)
    configure_logging(app)
