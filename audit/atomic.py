"""Atomic file writes: a temporary file beside the target, renamed over it.

Readers of the target see the old file or the new one, never a truncated
one — whether the writer is interrupted (Ctrl-C, SIGTERM), the disk fills
up, or the process dies. Every file mtaudit writes (reports, baselines,
fixed articles) goes through ``AtomicFile``.
"""

from __future__ import annotations

import gzip
import os
import shutil
import tempfile
from typing import IO, Any


class AtomicWriteError(OSError):
    """Writing ``path`` failed; the message names the file and the reason.
    The target is left as it was."""


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


class AtomicFile:
    """Write to a temporary file beside ``path``; ``commit`` renames it over
    ``path``, ``abort`` removes it.

    ``commit`` is ``finish`` (flush, fsync, close: where a full disk shows)
    then ``install`` (the rename), so a caller with several files can finish
    all before installing any. ``text=True`` takes ``str`` (UTF-8, ``\\n``
    line ends; a lone surrogate is written as ``?`` rather than failing),
    else ``bytes``; ``gz=True`` compresses reproducibly (no timestamp).
    The new file gets the mode a plain ``open()`` would give it, or that of
    ``mode_from``. Any ``OSError`` becomes an ``AtomicWriteError``.
    Used as a context manager it commits on success and aborts on error.
    """

    def __init__(self, path: str, *, text: bool = True, gz: bool = False, mode_from: str | None = None):
        self.path = path
        self.mode_from = mode_from
        d = os.path.dirname(os.path.abspath(path))
        try:
            os.makedirs(d, exist_ok=True)
            fd, self.tmp = tempfile.mkstemp(prefix=".mtaudit-", suffix=".tmp", dir=d)
        except OSError as exc:
            raise self._error(exc) from None
        self._raw: IO[bytes] = os.fdopen(fd, "wb")
        self._gz: IO[bytes] | None = (
            gzip.GzipFile(filename="", mode="wb", fileobj=self._raw, mtime=0) if gz else None
        )
        self._text = text

    def _error(self, exc: OSError) -> AtomicWriteError:
        return AtomicWriteError(f"cannot write {self.path}: {exc.strerror or exc}")

    def write(self, data: Any) -> None:
        if not data:
            return
        if self._text:
            data = data.encode("utf-8", "replace")
        try:
            (self._gz or self._raw).write(data)
        except OSError as exc:
            raise self._error(exc) from None

    def finish(self) -> None:
        try:
            if self._gz is not None:
                self._gz.close()
            self._raw.flush()
            os.fsync(self._raw.fileno())
            self._raw.close()
            if self.mode_from is not None:
                shutil.copymode(self.mode_from, self.tmp)
            else:
                # mkstemp creates the file private (0600).
                os.chmod(self.tmp, 0o666 & ~_umask())
        except OSError as exc:
            raise self._error(exc) from None

    def install(self) -> None:
        try:
            os.replace(self.tmp, self.path)
        except OSError as exc:
            raise self._error(exc) from None

    def commit(self) -> None:
        self.finish()
        self.install()

    def abort(self) -> None:
        """Remove the temporary file; never raises (it runs while another
        error or an interruption is on its way out)."""
        for fh in (self._gz, self._raw):
            try:
                if fh is not None:
                    fh.close()
            except (OSError, ValueError):
                pass
        try:
            os.unlink(self.tmp)
        except OSError:
            pass

    def __enter__(self) -> "AtomicFile":
        return self

    def __exit__(self, exc_type: Any, *_: Any) -> None:
        if exc_type is None:
            self.commit()
        else:
            self.abort()
