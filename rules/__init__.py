"""Rule modules, one per family. Every module here that does not start
with an underscore is imported by ``audit.registry.discover`` and its
``@rule`` functions are registered; there is no hand-kept list."""
