"""The installable entry point: ``atelier`` or ``python -m atelier``.

Deliberately empty of imports: gevent must patch the standard library before
Flask or anything else loads it, and Python imports this package before
running ``__main__``. The application itself is the ``app`` package (in the
wheel it is installed as ``atelier.app``).
"""
__version__ = "0.2.0"
