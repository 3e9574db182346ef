"""Commands of the hook front end."""

from __future__ import annotations

import click

COMMANDS: list[click.Command] = []
