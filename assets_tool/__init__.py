"""assets-tool: make the photos on a static blog fast and safe to publish."""

from __future__ import annotations

__version__ = "0.1.0"
