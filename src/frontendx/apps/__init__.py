"""Built-in apps under test, one folder each (app.yaml, spec, backend, frontend builds)."""
