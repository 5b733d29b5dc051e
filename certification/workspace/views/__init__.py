"""Views of the county workspace, one module per area. Each is thin: it resolves the county
(`certification.workspace.access`), reads through the selectors and acts through the services."""
