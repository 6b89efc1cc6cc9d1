"""MkDocs hooks: draw service-blueprint diagrams at build time, render them offline.

Two fenced-block languages become diagrams:

``mermaid``
    Mermaid source, drawn as it is.
``servicekit-diagram``
    The arguments of ``servicekit diagram`` (a model path, relative to the
    project root, and optionally ``--focus NODE``, ``--depth N``, ``--select
    SELECTOR``, ``--by department``, ``--customer ID`` and ``--log FILE``). The hook
    loads the model and draws it with ``ServiceChain.to_mermaid`` (the roll-up's
    Mermaid with ``--by``; with a log, ``model.conformance(log).to_mermaid()``), so a
    diagram in the docs can never drift from the model it shows.

Both become ``<pre class="sk-mermaid">``, which ``javascripts/diagrams.js``
hands to the vendored ``mermaid.min.js``. Material for MkDocs' own Mermaid
integration is not used: it loads Mermaid from a CDN.

Pages also ask for tables generated from the model's one table of fields, with an HTML
comment the hook replaces (``on_page_markdown``): the YAML reference's keys, and each
entity's constructor parameters on the API reference.
"""

from __future__ import annotations

import argparse
import html
import re
import shlex
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _pre(source: str) -> str:
    return f'<pre class="sk-mermaid">{html.escape(source)}</pre>'


def format_mermaid(
    source: str, language: str, css_class: str, options: Any, md: Any, **kwargs: Any
) -> str:
    """A ``mermaid`` fence: the source, for the browser to draw."""
    return _pre(source)


def diagram_source(arguments: str) -> str:
    """The Mermaid text ``servicekit diagram ARGUMENTS`` prints, from the project root."""
    import servicekit

    parser = argparse.ArgumentParser(prog="servicekit-diagram", exit_on_error=False)
    parser.add_argument("model")
    parser.add_argument("--focus")
    parser.add_argument("--depth", type=int)
    parser.add_argument("--select", action="append")
    parser.add_argument("--by")
    parser.add_argument("--customer")
    parser.add_argument("--log")
    args = parser.parse_args(shlex.split(arguments))
    model = servicekit.load(ROOT / args.model)
    selected = model.chain.select(*args.select) if args.select else None
    if args.by is not None:
        from servicekit.chain.rollup import roll_up
        from servicekit.render.diagram import rollup_mermaid

        return rollup_mermaid(roll_up(model.chain, args.by, roles=selected), model.name)
    from servicekit.render.diagram import to_mermaid

    return to_mermaid(
        model.chain,
        focus=args.focus,
        depth=args.depth,
        select=selected,
        customer=args.customer,
        observed=model.conformance(ROOT / args.log) if args.log else None,
    )


def format_servicekit_diagram(
    source: str, language: str, css_class: str, options: Any, md: Any, **kwargs: Any
) -> str:
    """A ``servicekit-diagram`` fence: the model's blueprint, drawn at build time."""
    return _pre(diagram_source(source.strip()))


#: Where the YAML reference page shows the tables of keys, generated from the field table.
KEY_TABLES = "<!-- servicekit: key tables -->"
#: Where the API reference shows an entity's constructor parameters: ``fields CLASS``.
FIELDS = re.compile(r"<!-- servicekit: fields (?P<name>\S+) -->")
#: Any servicekit marker: one left after the replacements is a mistake in the page.
MARKER = re.compile(r"<!-- servicekit:.*?-->")


def on_page_markdown(markdown: str, page: Any, config: Any, files: Any) -> str:
    """Put the generated tables where a page asks for them.

    ``<!-- servicekit: key tables -->`` becomes the YAML reference's tables of keys and
    ``<!-- servicekit: fields CLASS -->`` the table of ``CLASS``'s constructor parameters.
    An unknown class or marker stops the build: a page never silently loses a table.
    """
    if "<!-- servicekit:" not in markdown:
        return markdown
    from servicekit.readwrite.schema import field_table, key_tables

    if KEY_TABLES in markdown:
        markdown = markdown.replace(KEY_TABLES, key_tables())

    def fields(match: re.Match[str]) -> str:
        name = match["name"]
        return f"`{name}` takes these keyword arguments:\n\n{field_table(name)}"

    markdown = FIELDS.sub(fields, markdown)
    left = MARKER.search(markdown)
    if left is not None:
        raise ValueError(f"{page.file.src_path}: unknown servicekit marker {left.group(0)!r}")
    return markdown


def on_config(config: Any) -> Any:
    """Register the two diagram fences with pymdownx.superfences."""
    superfences = config["mdx_configs"].setdefault("pymdownx.superfences", {})
    fences = superfences.setdefault("custom_fences", [])
    fences.extend(
        [
            {"name": "mermaid", "class": "sk-mermaid", "format": format_mermaid},
            {
                "name": "servicekit-diagram",
                "class": "sk-mermaid",
                "format": format_servicekit_diagram,
            },
        ]
    )
    return config
