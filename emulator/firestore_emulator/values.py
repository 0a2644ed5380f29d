"""Firestore values: the total order across types, equality, and field paths.

Everything here works on raw protobuf messages (``google.firestore.v1.Value`` and the
``fields`` map of a ``google.firestore.v1.Document``).

Order (production's, https://firebase.google.com/docs/firestore/manage-data/data-types):

    null < booleans < numbers < timestamps < strings < bytes < references < geopoints
         < arrays < vectors < maps

- numbers: NaN first, then integers and doubles compared by their exact numeric value
  (-0.0 == 0.0, 1 == 1.0);
- strings by UTF-8 bytes (which is the order of code points, so Python ``str`` order);
- references segment by segment;
- geopoints by latitude then longitude;
- arrays element by element, then by length;
- vectors (maps ``{"__type__": "__vector__", "value": [...]}``) by length, then elements;
- maps by their keys in sorted order, key then value, then by size.

``sort_key(value)`` turns a Value into a plain Python tuple with exactly this order, so
``sorted(values, key=sort_key)`` works and keys can be computed once and compared many times.
Keys are hashable: equal keys mean equal values in the ordering sense (NaN == NaN there).
Firestore *equality* (``equals``) differs in one point: NaN is never equal to anything.
"""
from __future__ import annotations

import math
import re
from typing import Any, Callable, Iterable, Mapping, Optional, Sequence

# Type ranks, in Firestore's order across types.
NULL = 0
BOOLEAN = 1
NUMBER = 2
TIMESTAMP = 3
STRING = 4
BYTES = 5
REFERENCE = 6
GEO_POINT = 7
ARRAY = 8
VECTOR = 9
MAP = 10

_KIND_RANK = {
    "null_value": NULL,
    "boolean_value": BOOLEAN,
    "integer_value": NUMBER,
    "double_value": NUMBER,
    "timestamp_value": TIMESTAMP,
    "string_value": STRING,
    "bytes_value": BYTES,
    "reference_value": REFERENCE,
    "geo_point_value": GEO_POINT,
    "array_value": ARRAY,
    "map_value": MAP,
}

_NAN_KEY = (NUMBER, 0, 0)
_NULL_KEY = (NULL,)


def _key_map(value) -> tuple:
    fields = value.map_value.fields
    kind = fields.get("__type__")
    if kind is not None and kind.WhichOneof("value_type") == "string_value" and kind.string_value == "__vector__":
        inner = fields.get("value")
        if inner is not None and inner.WhichOneof("value_type") == "array_value":
            elements = tuple(sort_key(v) for v in inner.array_value.values)
            return (VECTOR, len(elements), elements)
    return (MAP, tuple(sorted((k, sort_key(v)) for k, v in fields.items())))


def _key_double(value) -> tuple:
    d = value.double_value
    if d != d:
        return _NAN_KEY
    return (NUMBER, 1, d)


_KEYERS: dict[Optional[str], Callable[[Any], tuple]] = {
    None: lambda v: _NULL_KEY,  # an unset Value is treated as null
    "null_value": lambda v: _NULL_KEY,
    "boolean_value": lambda v: (BOOLEAN, v.boolean_value),
    "integer_value": lambda v: (NUMBER, 1, v.integer_value),
    "double_value": _key_double,
    "timestamp_value": lambda v: (TIMESTAMP, v.timestamp_value.seconds, v.timestamp_value.nanos),
    "string_value": lambda v: (STRING, v.string_value),
    "bytes_value": lambda v: (BYTES, v.bytes_value),
    "reference_value": lambda v: (REFERENCE, reference_key(v.reference_value)),
    "geo_point_value": lambda v: (GEO_POINT, v.geo_point_value.latitude, v.geo_point_value.longitude),
    "array_value": lambda v: (ARRAY, tuple(sort_key(e) for e in v.array_value.values)),
    "map_value": _key_map,
}


_STORABLE = frozenset(_KIND_RANK)


def invalid_value_reason(value) -> Optional[str]:
    """Why ``value`` cannot be stored or compared (None when it is fine).

    Rejects unset values and the pipeline-only kinds (field_reference_value,
    function_value, pipeline_value...), at any depth.
    """
    kind = value.WhichOneof("value_type")
    if kind is None:
        return "a Value with no type set"
    if kind not in _STORABLE:
        return f"a {kind} is not allowed here"
    if kind == "array_value":
        for e in value.array_value.values:
            reason = invalid_value_reason(e)
            if reason:
                return reason
    elif kind == "map_value":
        for e in value.map_value.fields.values():
            reason = invalid_value_reason(e)
            if reason:
                return reason
    return None


def reference_key(name: str) -> tuple:
    """The ordering key of a document name (a reference): its path segments."""
    return tuple(name.split("/"))


def sort_key(value) -> tuple:
    """A plain tuple ordering exactly like Firestore orders ``value`` (see module docstring)."""
    return _KEYERS[value.WhichOneof("value_type")](value)


def type_rank(value) -> int:
    """The rank of the value's type class in the cross-type order (numbers share one rank)."""
    kind = value.WhichOneof("value_type")
    if kind == "map_value":
        return _key_map(value)[0]
    return _KIND_RANK.get(kind, NULL)


def compare(a, b) -> int:
    """-1, 0 or 1 as ``a`` sorts before, with or after ``b`` in Firestore's total order."""
    ka = sort_key(a)
    kb = sort_key(b)
    return (ka > kb) - (ka < kb)


def key_has_nan(key: tuple) -> bool:
    """Whether a sort key contains a NaN anywhere (such a value equals nothing)."""
    if key == _NAN_KEY:
        return True
    rank = key[0]
    if rank == ARRAY:
        return any(key_has_nan(k) for k in key[1])
    if rank == VECTOR:
        return any(key_has_nan(k) for k in key[2])
    if rank == MAP:
        return any(key_has_nan(k) for _, k in key[1])
    return False


def equals(a, b) -> bool:
    """Firestore equality: numbers by value (1 == 1.0, -0.0 == 0.0), NaN equal to nothing."""
    ka = sort_key(a)
    return ka == sort_key(b) and not key_has_nan(ka)


def is_nan(value) -> bool:
    return value.WhichOneof("value_type") == "double_value" and math.isnan(value.double_value)


def is_null(value) -> bool:
    return value.WhichOneof("value_type") in ("null_value", None)


def is_number(value) -> bool:
    return value.WhichOneof("value_type") in ("integer_value", "double_value")


# --------------------------------------------------------------------------- field paths

_SIMPLE_SEGMENT = re.compile(r"[A-Za-z_][A-Za-z_0-9]*\Z")


class FieldPathError(ValueError):
    """A field path that does not parse."""


def parse_field_path(path: str) -> list[str]:
    """Split a Firestore field path into its segments.

    Segments are separated by dots; a segment may be back-quoted to hold any characters
    (`` `a.b` ``), with ``\\``` and ``\\\\`` as escapes inside the quotes. Raises
    FieldPathError (a ValueError) for an empty path, an empty segment, an unterminated
    quote or stray characters after a closing quote.
    """
    if not isinstance(path, str) or path == "":
        raise FieldPathError("field path must be a non-empty string")
    segments: list[str] = []
    i = 0
    n = len(path)
    while True:
        if i < n and path[i] == "`":
            i += 1
            chars: list[str] = []
            while True:
                if i >= n:
                    raise FieldPathError(f"unterminated back-quote in field path {path!r}")
                c = path[i]
                if c == "\\":
                    if i + 1 >= n:
                        raise FieldPathError(f"dangling escape in field path {path!r}")
                    chars.append(path[i + 1])
                    i += 2
                elif c == "`":
                    i += 1
                    break
                else:
                    chars.append(c)
                    i += 1
            segment = "".join(chars)
            if segment == "":
                raise FieldPathError(f"empty segment in field path {path!r}")
            segments.append(segment)
            if i == n:
                return segments
            if path[i] != ".":
                raise FieldPathError(f"unexpected {path[i]!r} after back-quoted segment in field path {path!r}")
            i += 1
            if i == n:
                raise FieldPathError(f"field path {path!r} ends with a dot")
        else:
            j = path.find(".", i)
            end = n if j < 0 else j
            segment = path[i:end]
            if segment == "":
                raise FieldPathError(f"empty segment in field path {path!r}")
            if "`" in segment or "\\" in segment:
                raise FieldPathError(f"invalid character in unquoted segment {segment!r} of field path {path!r}")
            segments.append(segment)
            if j < 0:
                return segments
            i = j + 1
            if i == n:
                raise FieldPathError(f"field path {path!r} ends with a dot")


def format_field_segment(segment: str) -> str:
    if _SIMPLE_SEGMENT.match(segment):
        return segment
    return "`" + segment.replace("\\", "\\\\").replace("`", "\\`") + "`"


def format_field_path(segments: Sequence[str]) -> str:
    """The canonical string of a field path: simple segments bare, others back-quoted."""
    return ".".join(format_field_segment(s) for s in segments)


def canonical_field_path(path: str) -> str:
    """Re-format a field path string canonically (``a.`b`` -> ``a.b``)."""
    return format_field_path(parse_field_path(path))


def lookup(fields: Mapping, segments: Sequence[str]):
    """The Value at ``segments`` inside a ``fields`` map, or None when absent."""
    value = fields.get(segments[0])
    for segment in segments[1:]:
        if value is None or value.WhichOneof("value_type") != "map_value":
            return None
        value = value.map_value.fields.get(segment)
    return value


def get_field(fields: Mapping, field_path) -> Any:
    """The Value at ``field_path`` (a string or a list of segments) in ``fields``, or None."""
    segments = parse_field_path(field_path) if isinstance(field_path, str) else field_path
    return lookup(fields, segments)


def make_getter(segments: Sequence[str]) -> Callable[[Mapping], Any]:
    """A fast ``fields -> Value | None`` function for one parsed field path."""
    if len(segments) == 1:
        (only,) = segments
        return lambda fields: fields.get(only)
    first = segments[0]
    rest = tuple(segments[1:])

    def get(fields):
        value = fields.get(first)
        for segment in rest:
            if value is None or value.WhichOneof("value_type") != "map_value":
                return None
            value = value.map_value.fields.get(segment)
        return value

    return get


def compare_field_paths(a: Sequence[str], b: Sequence[str]) -> int:
    """Order of field paths segment by segment (how implicit order-bys are sorted)."""
    ta, tb = tuple(a), tuple(b)
    return (ta > tb) - (ta < tb)


def sorted_values(values: Iterable) -> list:
    """The values sorted in Firestore's order."""
    return sorted(values, key=sort_key)
