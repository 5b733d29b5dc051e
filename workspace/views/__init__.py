"""Views of the county workspace, one module per area. Each is thin: it resolves the county
(`workspace.access`), reads through the selectors and acts through the services."""
