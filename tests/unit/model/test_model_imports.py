"""No module of the model imports one that imports it back, directly or through others."""

from __future__ import annotations

import grimp


def test_no_import_cycles_inside_the_model() -> None:
    graph = grimp.build_graph("labecon", cache_dir=None)  # no cache: it would be written where the tests run
    modules = sorted(m for m in graph.modules if m.startswith("labecon.model."))
    cycles = []
    for importer in modules:
        for imported in graph.find_modules_directly_imported_by(importer):
            if imported.startswith("labecon.model.") and graph.find_shortest_chain(imported, importer):
                cycles.append(f"{importer} -> {imported}")
    assert not cycles, "import cycles in labecon.model: " + "; ".join(cycles)
