"""Security tests share tests/conftest.py's session ``server``; helpers live in ``tests.security.world``."""
