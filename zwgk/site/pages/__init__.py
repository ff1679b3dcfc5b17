"""Pure page builders, one module per kind of page: model objects in, `(uri, markdown)` out. Only the
hooks turn these into MkDocs files.

Each builder computes a view of the data (what the page shows: text, numbers, URLs) and renders a
template of zwgk/site/templates/ with it (how the page looks). Templates escape everything they are
given; contributor text is never marked safe.

Generated pages are Markdown whose HTML parts are raw HTML blocks (`{% filter block %}`), so that
nothing a contributor writes is read as Markdown; headings with fixed Chinese labels stay Markdown,
for the table of contents."""
