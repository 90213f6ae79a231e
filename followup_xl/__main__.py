"""`python -m followup_xl`: the `followup-xl` command, as a scheduled run starts it."""

from .cli import entry

entry()
