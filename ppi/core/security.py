"""Request-level security: response headers, safe redirects, and the 403 gate views use."""
from urllib.parse import urlsplit

from flask import Flask, Response, abort, request
from flask_babel import gettext as _

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    return response


def is_safe_next(target: str | None) -> bool:
    """Only a path on this site may be a redirect target: no scheme, no host, no `//host`."""
    if not target:
        return False
    target = target.replace("\\", "/").strip()
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//")


def require(allowed: bool) -> None:
    """Abort with 403 unless a permission predicate allowed the action."""
    if not allowed:
        abort(403)


def refuse_nul_characters() -> None:
    """No text anyone types contains NUL; PostgreSQL cannot store it, so it is refused up front."""
    if any("\x00" in value for values in request.values.listvalues() for value in values):
        abort(400, _("The request contains characters that are not allowed."))


def register_security(app: Flask) -> None:
    app.before_request(refuse_nul_characters)
    app.after_request(add_security_headers)
