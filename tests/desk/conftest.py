from tests.portal.browser import browser

__all__ = ["browser"]  # Chromium for the browser tests of this folder
