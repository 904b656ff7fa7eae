"""The `clerkdesk` entry point: with a command it is the CLI (`app.cli`); without one it
opens the desk window. Qt is imported only when the window is wanted, so scripts and the
end-of-day sync run on machines without a display."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from app import cli


def has_display() -> bool:
    if os.environ.get("QT_QPA_PLATFORM"):
        return True
    # Only X11/Wayland desktops can lack a display; Windows and macOS always have one.
    on_linux = sys.platform.startswith("linux")
    return not on_linux or bool(os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY"))


def open_window() -> int:
    if not has_display():
        print(
            "clerkdesk: 没有可用的显示器，无法打开窗口；命令行用法见 clerkdesk --help / "
            "no display to open the desk window on; see clerkdesk --help",
            file=sys.stderr,
        )
        return 1
    from ui.main import run_desk

    return run_desk()


def main(argv: Sequence[str] | None = None) -> int:
    return cli.run(sys.argv[1:] if argv is None else argv, gui=open_window)


if __name__ == "__main__":
    raise SystemExit(main())
