"""Durable, owner-only file writes shared by the CLI, the checkpoint and the bundle."""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path


def write_private(path: Path, data: bytes) -> None:
    """Create ``path`` (it must not exist: FileExistsError) with mode 0600 and
    write ``data`` durably (fsync); on failure the new file is removed."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o600)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            os.fsync(fd)
        finally:
            os.close(fd)
    except BaseException:
        # ours (O_EXCL): never leave a truncated file behind
        with contextlib.suppress(OSError):
            os.unlink(path)
        raise


def atomic_write(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically: an owner-only temporary sibling, fsync,
    rename, fsync of the directory. After a crash the file is either the old
    one, absent, or complete; a failed write leaves no temporary behind."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        write_private(tmp, data)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    fsync_dir(path.parent)


def fsync_dir(directory: Path) -> None:
    """Make a rename in ``directory`` durable (where directories can be fsynced)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def staged_dir(out: Path, mode: int = 0o777) -> Iterator[Path]:
    """A new temporary sibling directory of ``out`` to fill; renamed to ``out``
    (and the rename made durable) when the block succeeds, removed with
    everything in it when it fails. ``out`` must not exist."""
    parent = out.parent if str(out.parent) else Path(".")
    tmp = parent / f".{out.name}.tmp-{secrets.token_hex(6)}"
    tmp.mkdir(mode=mode)
    try:
        yield tmp
        os.rename(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    fsync_dir(parent)
