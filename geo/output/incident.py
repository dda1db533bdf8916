"""An unexpected error, logged once with a short reference the person on the page can quote.

Nobody should see a traceback (issue 13): the page shows a sentence and this reference, the
server log holds the traceback under the same reference, so an administrator finds it with grep.

>>> import logging
>>> ref = log_incident(ValueError("boom"), "map", logger=logging.getLogger("atlas.doctest"))
>>> len(ref.split("-")), len(ref.split("-")[-1])
(3, 6)
"""

from __future__ import annotations

import logging
import secrets
from datetime import UTC, datetime

LOG = logging.getLogger("atlas")


def log_incident(err: BaseException, where: str, logger: logging.Logger = LOG) -> str:
    """Log ``err`` with its traceback under a new reference (``20261202-151530-a1b2c3``) and return it."""
    ref = f"{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"
    logger.error("unexpected error %s on page %s", ref, where, exc_info=(type(err), err, err.__traceback__))
    return ref
