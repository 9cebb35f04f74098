"""mtaudit: a translation-artifact and quality auditor for news corpora.

The Python API (see ``audit.api``)::

    import audit
    findings = audit.check_text(text, select=["PU", "SD"])
    report = audit.check_corpus(["corpus/"], audit.load_config())
    cleaned = audit.fix_text(text)

Names are imported on first use, so ``import audit`` stays cheap.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

_EXPORTS: dict[str, str] = {
    "check_text": "api",
    "check_corpus": "api",
    "iter_corpus": "api",
    "fix_text": "api",
    "load_config": "api",
    "Report": "api",
    "ConfigError": "configfile",
    "Config": "config",
    "Article": "model",
    "ArticleResult": "model",
    "Finding": "model",
    "Fix": "model",
    "InputError": "model",
    "GateOutcome": "gate",
}

__all__ = ["__version__", *_EXPORTS]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and IDEs; names load lazily below
    from .api import Report, check_corpus, check_text, fix_text, iter_corpus, load_config  # noqa: F401
    from .config import Config  # noqa: F401
    from .configfile import ConfigError  # noqa: F401
    from .gate import GateOutcome  # noqa: F401
    from .model import Article, ArticleResult, Finding, Fix, InputError  # noqa: F401


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'audit' has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
