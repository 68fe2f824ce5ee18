"""The public, read-only JSON API under /api/v1/: open data on challenges, organisations, procurement cases
(as OCDS release packages), the case library's published summaries and the public indicator tables, described by
an OpenAPI 3.1 document.

The api reads every domain; no domain imports it.
"""

MAX_PER_PAGE = 100  # a larger per_page is clamped to it
MAX_PAGE = 100_000  # a larger page is clamped to it
