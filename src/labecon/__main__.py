"""``python -m labecon``: the same as the ``labecon`` command."""

from labecon.cli import main

main()
