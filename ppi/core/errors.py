"""Domain errors and the HTTP error pages they map to."""
from flask import Flask, Response, has_request_context, jsonify, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException


class DomainError(Exception):
    """A rule of the domain refused the operation; the message is shown to the user."""

    status_code = 400

    def __init__(self, message: str = ""):
        super().__init__(message)
        self.message = message


class PermissionDenied(DomainError):
    status_code = 403


class InvalidTransition(DomainError):
    status_code = 409

    def __init__(self, current, target):
        super().__init__(str(_l("This action is not possible in the current state.")))
        self.current = current
        self.target = target


class Conflict(DomainError):
    status_code = 409


ERROR_TITLES = {
    400: _l("The request could not be understood"),
    403: _l("You may not do this"),
    404: _l("Page not found"),
    405: _l("Method not allowed"),
    409: _l("This action is not possible now"),
    410: _l("This file is not available"),
    413: _l("The upload is too large"),
    429: _l("Too many attempts"),
    500: _l("Something went wrong on our side"),
    503: _l("This service is not available just now"),
}


API_PREFIX = "/api/"  # below it, errors are JSON: {"error": {"status": …, "message": …}}


def is_api_request() -> bool:
    return has_request_context() and request.path.startswith(API_PREFIX)


def json_error(code: int, message: str, **details) -> Response:
    """The API's error envelope; `details` adds fields such as the invalid query parameters."""
    response = jsonify({"error": {"status": code, "message": message, **details}})
    response.status_code = code
    return response


def render_error(code: int, message: str = ""):
    if is_api_request():
        return json_error(code, message or str(ERROR_TITLES.get(code, _l("Error"))))
    template = f"errors/{code}.html" if code in (403, 404, 429, 500) else "errors/generic.html"
    title = ERROR_TITLES.get(code, _l("Error"))
    return render_template(template, code=code, title=title, message=message), code


def register_error_handlers(app: Flask) -> None:
    from ppi.extensions import db

    @app.errorhandler(DomainError)
    def domain_error(error: DomainError):
        db.session.rollback()
        return render_error(error.status_code, error.message)

    @app.errorhandler(CSRFError)
    def csrf_error(error: CSRFError):
        return render_error(400, str(_l("Your form expired or was sent from elsewhere. Please reload the page and try again.")))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        if request.path.startswith("/static/"):
            return error
        message = error.description if error.code == 400 or is_api_request() else ""
        return render_error(error.code or 500, message)

    @app.errorhandler(Exception)
    def unexpected_error(error: Exception):
        db.session.rollback()
        app.logger.exception("Unhandled error on %s %s", request.method, request.path)
        return render_error(500)
