"""The composition root: settings, app factory, pipeline wiring, CLI, background jobs, staff pages.

The only package that wires the others together; it may import all of them.
"""
