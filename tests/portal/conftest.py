"""Browser fixtures for the portal's tests (Debian's Chromium driven by Playwright)."""
from tests.browser_support import browser, page  # noqa: F401  (re-exported pytest fixtures)
