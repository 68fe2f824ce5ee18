"""Request ids: one per request, from a sane X-Request-ID or new, echoed and carried by the request's log records."""
import io
import logging
import re
from contextlib import contextmanager

import pytest
from flask.logging import default_handler

from ppi import create_app
from ppi.core.logs import REQUEST_ID_HEADER, stdout_handler

NEW_ID = re.compile(r"[0-9a-f]{32}")  # uuid4().hex


def test_each_response_carries_a_new_request_id(client):
    first, second = (client.get("/healthz").headers[REQUEST_ID_HEADER] for _ in range(2))
    assert NEW_ID.fullmatch(first) and NEW_ID.fullmatch(second) and first != second


def test_the_proxys_request_id_is_kept(client):
    sane = "a" * 60 + ".-_9"  # 64 characters, the longest allowed
    assert client.get("/healthz", headers={REQUEST_ID_HEADER: sane}).headers[REQUEST_ID_HEADER] == sane
    # Error pages too.
    assert client.get("/no-such-page", headers={REQUEST_ID_HEADER: "nginx-42"}).headers[REQUEST_ID_HEADER] == "nginx-42"


@pytest.mark.parametrize("bad", ["a" * 65, "two words", "id;drop", "tab\there", "<script>", "ünïcode", "a/b", ""])
def test_a_bad_request_id_is_replaced(client, bad):
    answered = client.get("/healthz", headers={REQUEST_ID_HEADER: bad}).headers[REQUEST_ID_HEADER]
    assert NEW_ID.fullmatch(answered)


def test_log_records_of_a_request_carry_its_id(client, caplog):
    """/readyz warns that the test database is not migrated: the warning carries the request's id."""
    caplog.set_level(logging.WARNING, logger="ppi")
    response = client.get("/readyz", headers={REQUEST_ID_HEADER: "req-7"})
    warnings = [record for record in caplog.records if record.name == "ppi" and "Not ready" in record.getMessage()]
    assert response.status_code == 503 and len(warnings) == 1
    assert warnings[0].request_id == "req-7"


def test_the_stdout_handler_writes_the_id_of_any_loggers_record(app):
    """The handler's filter, not the logger's: records of other loggers (libraries, ppi.* modules) get the id too."""
    stream = io.StringIO()
    handler = stdout_handler(stream)
    logger = logging.getLogger("ppi.test_logs")
    logger.addHandler(handler)
    try:
        with app.test_request_context(headers={REQUEST_ID_HEADER: "abc-123"}):
            app.preprocess_request()  # the before-request hooks: the id is assigned
            logger.warning("inside")
        logger.warning("outside")
    finally:
        logger.removeHandler(handler)
    inside, outside = stream.getvalue().splitlines()
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} WARNING \[abc-123\] ppi\.test_logs: inside", inside)
    assert outside.endswith("WARNING [-] ppi.test_logs: outside")


@pytest.fixture
def bare_logging(monkeypatch):
    """Loggers as in a fresh process (see `bare_root`); the app's logger and alembic's put back after the test."""
    monkeypatch.setattr(logging.getLogger("ppi"), "handlers", [default_handler])
    monkeypatch.setattr(logging.getLogger("alembic"), "level", logging.NOTSET)
    return bare_root


@contextmanager
def bare_root():
    """The root logger without handlers (pytest's set aside, in place: pytest removes them itself later)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    root.handlers.clear()
    try:
        yield root
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


def production_app(**overrides):
    return create_app("production", SECRET_KEY="production-test", SQLALCHEMY_DATABASE_URI="sqlite://", **overrides)


def test_outside_tests_the_app_logs_to_stdout_with_request_ids(bare_logging, capsys):
    with bare_logging() as root:
        app = production_app(PPI_LOG_LEVEL="WARNING")
        production_app()  # a second app in the same process adds no second handler
        assert len(root.handlers) == 1 and root.level == logging.WARNING
        assert default_handler not in app.logger.handlers  # else each line twice, once on stderr
        response = app.test_client().get("/readyz", headers={REQUEST_ID_HEADER: "prod-1"})
        app.logger.info("below the level: not written")
    out = capsys.readouterr().out
    assert response.status_code == 503
    assert re.search(r"^\S+ \S+ WARNING \[prod-1\] ppi: Not ready: migrations missing", out, re.MULTILINE), out
    assert "below the level" not in out and "alembic" not in out


def test_logging_configured_elsewhere_is_left_alone(bare_logging):
    """gunicorn's logconfig_dict, a --log-config or the instance config may have set up handlers: no second one."""
    theirs = logging.StreamHandler(io.StringIO())
    with bare_logging() as root:
        root.addHandler(theirs)
        production_app()
        assert root.handlers == [theirs]


def test_a_wrong_log_level_stops_the_start(bare_logging):
    with bare_logging(), pytest.raises(RuntimeError, match="PPI_LOG_LEVEL"):
        production_app(PPI_LOG_LEVEL="LOUD")
