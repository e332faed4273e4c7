from tests.api.conftest import _fast_passwords, _fresh_cache, _huey_immediate  # noqa: F401
