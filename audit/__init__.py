"""mtaudit: a translation-artifact and quality auditor for news corpora."""

__version__ = "0.1.0"
