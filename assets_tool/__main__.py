"""Allow `python -m assets_tool`."""

from __future__ import annotations

from .cli import main

if __name__ == "__main__":
    main(prog_name="assets-tool")
