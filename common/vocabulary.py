"""Words of the method that every stage shares and that must not depend on Django: the engine uses
them as much as the models do."""

from __future__ import annotations

from enum import StrEnum


class Stage(StrEnum):
    """The stages a unit's result is computed at (seed 004: self-assessment, appraisal, final)."""

    SELF = "self"
    APPRAISED = "appraised"
    FINAL = "final"


# The headline aggregate of every framework: the DTI itself.
HEADLINE = "DTI"
