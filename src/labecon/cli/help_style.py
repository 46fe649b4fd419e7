"""How each command's help says what an option takes: in words, as click does, not as Python types.

Typer 0.29 shows an option's Python type beside it: ``--seed <int>``, ``--variant
<list[str]>``, and ``--json <bool>`` beside a flag, as if it took a value (``--json
true`` is then refused). Here a flag shows nothing, an argument its name
(``SCENARIO``), and an option without a metavar of its own click's word for its type
(``INTEGER``, ``TEXT``, ``PATH``).
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand, TyperGroup

_TYPE_WORDS = {
    "integer": "INTEGER",
    "int": "INTEGER",
    "text": "TEXT",
    "str": "TEXT",
    "float": "NUMBER",
    "path": "PATH",
    "Path": "PATH",
}


def plain(param: Any) -> None:
    """Give ``param`` (a click parameter) the metavar its help shows, unless it has one."""
    if param.param_type_name == "argument":
        param.display_type_rich = lambda ctx: None  # its name says what it is; no type beside it
    if param.metavar is not None:
        return
    if getattr(param, "is_flag", False):
        param.metavar = ""  # a flag takes no value: nothing beside it
    elif param.param_type_name == "argument":
        param.metavar = str(param.name).upper()
    else:
        param.metavar = _TYPE_WORDS.get(_type_name(param), "VALUE")


def _type_name(param: Any) -> str:
    """Return the name of what ``param`` takes: click's type name, or (Typer 0.29) its Python type's."""
    if hasattr(param, "type"):
        return str(param.type.name)
    name = str(param.bare_type())
    return name[len("list[") : -1] if name.startswith("list[") else name


class _PlainHelp:
    """Gives a command's (or group's) options, and its ``--help``, the metavars :func:`plain` gives."""

    params: list[Any]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for param in self.params:
            plain(param)

    def get_help_option(self, ctx: Any) -> Any:
        """Return the ``--help`` option, a flag like the others (nothing shown beside it)."""
        option = super().get_help_option(ctx)  # type: ignore[misc]
        if option is not None:
            plain(option)
        return option


class PlainCommand(_PlainHelp, TyperCommand):
    """A command whose help says in words what each option takes (:func:`plain`)."""


class PlainGroup(_PlainHelp, TyperGroup):
    """A group of commands whose own options read as :class:`PlainCommand`'s."""
