"""The `design-system` app: a design-system site with a component gallery."""
