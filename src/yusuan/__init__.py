"""yusuan (预算): Chinese public budget disclosure as data.

Parse a published disclosure, check it, compile one from budget data, render it, store
and publish many.  The front door::

    result = yusuan.load(path)      # parse + check; never raises for problems *in* the document
    result.disclosure, result.findings
"""

__version__ = "0.1.0"

from .api import NotADisclosure, Result, load, read  # noqa: E402

__all__ = ["NotADisclosure", "Result", "__version__", "load", "read"]
