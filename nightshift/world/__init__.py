"""Dealership configuration: the scenario `world` block (../shared/EVAL_FORMAT.md).

`load_world_file` validates a YAML file and reports every problem with file, line and key;
`apply_world` upserts a validated world into the CRM store in one transaction.
"""

from nightshift.world.apply import LoadSummary, apply_world
from nightshift.world.loader import WorldFileError, load_world_file, parse_world
from nightshift.world.schema import WorldSpec

__all__ = [
    "LoadSummary",
    "WorldFileError",
    "WorldSpec",
    "apply_world",
    "load_world_file",
    "parse_world",
]
