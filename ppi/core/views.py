"""What every blueprint's POST views share: run one service call, commit once, answer."""
from collections.abc import Callable

from flask import flash, redirect

from ppi.core.errors import DomainError
from ppi.extensions import db


def run_service(action: Callable[[], object], *, success: str, redirect_to: str, on_refusal: Callable[[DomainError], object]):
    """Run `action` and commit, then flash `success` and redirect. When a rule of the domain refuses it, roll
    back and answer `on_refusal(error)` (the page again, with the message); a permission refusal goes on to
    the 403 page."""
    try:
        action()
    except DomainError as error:
        if error.status_code == 403:
            raise
        db.session.rollback()
        return on_refusal(error)
    db.session.commit()
    flash(success, "success")
    return redirect(redirect_to)
