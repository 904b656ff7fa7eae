"""Real storage conditions for tests: a small disk that fills up, a read-only folder.

Built from real mounts (a tmpfs of a few MB, a read-only bind mount), because root — which
CI is — writes through permission bits, so `chmod` cannot make a folder read-only for it.
Every mount is undone when the test ends, pass or fail. Without root the tests cannot make
these conditions: on CI that is a failure, on a developer's machine a skip that says why.
"""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import pytest


class Mounts:
    def __init__(self, base: Path) -> None:
        self.base = base
        self._mounted: list[Path] = []

    def _mount(self, *args: str) -> None:
        done = subprocess.run(["mount", *args], capture_output=True, text=True, check=False)
        if done.returncode != 0:
            self._unavailable(f"mount {' '.join(args)}: {done.stderr.strip()}")

    @staticmethod
    def _unavailable(why: str) -> None:
        message = f"cannot make a real storage condition here ({why}); run the tests as root"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)

    def small_disk(self, name: str = "disk", size_kib: int = 3072) -> Path:
        """An empty tmpfs of `size_kib` KiB."""
        if os.geteuid() != 0:
            self._unavailable("not root")
        folder = self.base / name
        folder.mkdir()
        self._mount("-t", "tmpfs", "-o", f"size={size_kib}k,mode=0700", "tmpfs", str(folder))
        self._mounted.append(folder)
        return folder

    def read_only_view(self, folder: Path, name: str = "ro") -> Path:
        """The same files as `folder`, through a mount that refuses every write (root too)."""
        if os.geteuid() != 0:
            self._unavailable("not root")
        view = self.base / name
        view.mkdir()
        self._mount("--bind", str(folder), str(view))
        self._mounted.append(view)
        self._mount("-o", "remount,ro,bind", str(view))
        return view

    @staticmethod
    def fill(folder: Path) -> Path:
        """Write a filler file until the disk under `folder` has no space left."""
        filler = folder / "filler.bin"
        chunk = b"\0" * 65536
        with open(filler, "wb", buffering=0) as fh:
            try:
                while True:
                    fh.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
        return filler

    def cleanup(self) -> None:
        for folder in reversed(self._mounted):
            done = subprocess.run(["umount", str(folder)], capture_output=True, check=False)
            if done.returncode != 0:  # still busy (a leaked handle): detach it anyway
                subprocess.run(["umount", "-l", str(folder)], capture_output=True, check=False)
        self._mounted.clear()
