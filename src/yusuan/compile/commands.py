"""Command-line commands of this package, registered by ``yusuan.cli``."""

from __future__ import annotations

import click

COMMANDS: tuple[click.Command, ...] = ()
