"""Commands of the build front end."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
