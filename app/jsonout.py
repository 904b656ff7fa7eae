"""Domain values as JSON-ready data for `--json` output and report exports: dataclasses as
objects, dates as ISO text, enums as their value. One converter for every command."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
from collections.abc import Sequence
from typing import Any


def jsonable(value: Any, properties: Sequence[str] = ()) -> Any:
    """`properties` names computed properties to keep beside the fields (e.g. "label")."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        data = {
            f.name: jsonable(getattr(value, f.name), properties) for f in dataclasses.fields(value)
        }
        for extra in properties:
            if isinstance(getattr(type(value), extra, None), property):
                data[extra] = jsonable(getattr(value, extra), properties)
        return data
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {str(k): jsonable(v, properties) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(v, properties) for v in value]
    return value
