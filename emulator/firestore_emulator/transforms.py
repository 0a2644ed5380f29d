"""Writes: set, update with a field mask, delete, field transforms, preconditions, validation.

``apply_writes`` computes the effect of a list of ``google.firestore.v1.Write`` on a working
copy of the documents and returns it without touching the store, so a commit can publish all
of it or nothing.
"""
from __future__ import annotations

import math
from typing import Callable, Optional

from google.cloud.firestore_v1 import types

from . import paths
from .errors import AlreadyExists, FailedPrecondition, InvalidArgument, NotFound
from .store import Document, set_timestamp, timestamp_us
from .values import FieldPathError, lookup, parse_field_path, sort_key

Value = types.Value.pb()
WriteResult = types.WriteResult.pb()

MAX_DOCUMENT_BYTES = 1_048_576
MAX_DEPTH = 20
INT64_MAX = 2**63 - 1
INT64_MIN = -(2**63)
_MIN_SECONDS = -62135596800  # 0001-01-01T00:00:00Z
_MAX_SECONDS = 253402300799  # 9999-12-31T23:59:59Z


# ---------------------------------------------------------------------------- field paths
def field_path(path: str) -> list[str]:
    try:
        segments = parse_field_path(path)
    except FieldPathError as exc:
        raise InvalidArgument(f"Invalid field path {path!r}: {exc}") from None
    if len(path) > 1500 * 4:
        raise InvalidArgument("Field path is too long.")
    if len(segments) > MAX_DEPTH:
        raise InvalidArgument(f"Field path {path!r} is deeper than {MAX_DEPTH} levels.")
    return segments


def set_path(fields, segments: list[str], value) -> None:
    """Set fields[a][b]... = value, turning non-maps on the way into maps."""
    cur = fields
    for seg in segments[:-1]:
        if seg in cur:
            v = cur[seg]
            if v.WhichOneof("value_type") != "map_value":
                v.map_value.SetInParent()
                v.map_value.Clear()
        else:
            v = cur[seg]
            v.map_value.SetInParent()
        cur = v.map_value.fields
    cur[segments[-1]].CopyFrom(value)


def delete_path(fields, segments: list[str]) -> None:
    cur = fields
    for seg in segments[:-1]:
        v = cur.get(seg)
        if v is None or v.WhichOneof("value_type") != "map_value":
            return
        cur = v.map_value.fields
    if segments[-1] in cur:
        del cur[segments[-1]]


def project(doc, mask_paths) -> object:
    """A copy of doc with only the fields named by a DocumentMask's field paths."""
    out = Document(name=doc.name)
    out.create_time.CopyFrom(doc.create_time)
    out.update_time.CopyFrom(doc.update_time)
    for path in mask_paths:
        segments = field_path(path)
        value = lookup(doc.fields, segments)
        if value is not None:
            set_path(out.fields, segments, value)
    return out


# ---------------------------------------------------------------------------- validation
def _check_key(key: str) -> None:
    if key.startswith("__") and key.endswith("__") and len(key) >= 4:
        raise InvalidArgument(f"Field name {key!r} is reserved (names may not match __.*__).")


def value_size(value, depth: int, in_array: bool = False) -> int:
    """Firestore's storage size of a value; validates it on the way."""
    kind = value.WhichOneof("value_type")
    if kind == "string_value":
        return len(value.string_value.encode("utf-8")) + 1
    if kind in ("integer_value", "double_value"):
        return 8
    if kind == "timestamp_value":
        ts = value.timestamp_value
        if not (_MIN_SECONDS <= ts.seconds <= _MAX_SECONDS) or not (0 <= ts.nanos < 1_000_000_000):
            raise InvalidArgument("Timestamp value out of range: Firestore supports 0001-01-01 to 9999-12-31.")
        extra = ts.nanos % 1000
        if extra:  # Firestore keeps microseconds
            ts.nanos -= extra
        return 8
    if kind == "map_value":
        if depth >= MAX_DEPTH:
            raise InvalidArgument(f"Value is nested deeper than {MAX_DEPTH} levels of maps and arrays.")
        size = 0
        fields = value.map_value.fields
        vector = "__type__" in fields and fields["__type__"].string_value == "__vector__"
        for k, v in fields.items():
            if not (vector and k == "__type__"):
                _check_key(k)
            size += len(k.encode("utf-8")) + 1 + value_size(v, depth + 1)
        return size
    if kind == "array_value":
        if in_array:
            raise InvalidArgument("Cannot convert an array value in an array value: nested arrays are not allowed.")
        if depth >= MAX_DEPTH:
            raise InvalidArgument(f"Value is nested deeper than {MAX_DEPTH} levels of maps and arrays.")
        return sum(value_size(v, depth + 1, True) for v in value.array_value.values)
    if kind in ("boolean_value", "null_value"):
        return 1
    if kind == "bytes_value":
        return len(value.bytes_value)
    if kind == "reference_value":
        ref = value.reference_value
        paths.document_name(ref)
        return len(ref.encode("utf-8")) + 1
    if kind == "geo_point_value":
        g = value.geo_point_value
        if not (-90 <= g.latitude <= 90 and -180 <= g.longitude <= 180):
            raise InvalidArgument("GeoPoint latitude must be in [-90, 90] and longitude in [-180, 180].")
        return 16
    if kind is None:
        raise InvalidArgument("A value has no value type set.")
    return 8


def document_size(doc) -> int:
    """Firestore's size of a document: name + field names + values + 32 bytes."""
    name = doc.name
    size = 16
    for seg in name.split("/")[5:]:
        size += len(seg.encode("utf-8")) + 1
    for k, v in doc.fields.items():
        _check_key(k)
        size += len(k.encode("utf-8")) + 1 + value_size(v, 1)
    return size + 32


def check_document(doc) -> None:
    size = document_size(doc)
    if size > MAX_DOCUMENT_BYTES:
        raise InvalidArgument(
            f"Document {doc.name!r} cannot be written because its size ({size:,} bytes) exceeds the "
            f"maximum allowed size of {MAX_DOCUMENT_BYTES:,} bytes.")


# ---------------------------------------------------------------------------- transforms
def _number(v):
    kind = v.WhichOneof("value_type") if v is not None else None
    if kind == "integer_value":
        return v.integer_value
    if kind == "double_value":
        return v.double_value
    return None


def _num_value(x) -> object:
    if isinstance(x, int):
        return Value(integer_value=max(INT64_MIN, min(INT64_MAX, x)))
    return Value(double_value=x)


def _require_number(operand, what: str):
    n = _number(operand)
    if n is None:
        raise InvalidArgument(f"{what} operand must be an integer or a double value.")
    return n


def _increment(current, operand):
    n = _require_number(operand, "Increment")
    c = _number(current)
    if c is None:
        return _copy(operand)
    if isinstance(c, int) and isinstance(n, int):
        return _num_value(c + n)
    return Value(double_value=float(c) + float(n))


def _is_zero(x) -> bool:
    return x == 0


def _extreme(current, operand, want_max: bool, what: str):
    n = _require_number(operand, what)
    c = _number(current)
    if c is None:
        return _copy(operand)
    if isinstance(c, float) and math.isnan(c):
        return _copy(current)
    if isinstance(n, float) and math.isnan(n):
        return _copy(operand)
    if c == n:  # equivalent (3 vs 3.0, 0 vs -0.0): the stored value stays
        return _copy(current)
    if (n > c) == want_max:
        return _copy(operand)
    return _copy(current)


def _copy(v):
    out = Value()
    out.CopyFrom(v)
    return out


def _array_union(current, operand):
    out = Value()
    out.array_value.SetInParent()
    if current is not None and current.WhichOneof("value_type") == "array_value":
        out.array_value.values.extend(current.array_value.values)
    seen = {sort_key(v) for v in out.array_value.values}
    for v in operand.values:  # an ArrayValue, not a Value
        k = sort_key(v)
        if k not in seen:
            seen.add(k)
            out.array_value.values.append(v)
    return out


def _array_remove(current, operand):
    out = Value()
    out.array_value.SetInParent()
    if current is not None and current.WhichOneof("value_type") == "array_value":
        drop = {sort_key(v) for v in operand.values}
        out.array_value.values.extend(v for v in current.array_value.values if sort_key(v) not in drop)
    return out


_NULL = Value(null_value=0)


def apply_transform(fields, transform, commit_time: int):
    """Apply one FieldTransform to a fields map in place; returns the transform result Value."""
    segments = field_path(transform.field_path)
    current = lookup(fields, segments)
    kind = transform.WhichOneof("transform_type")
    if kind == "set_to_server_value":
        if transform.set_to_server_value != 1:
            raise InvalidArgument("Unsupported server value; only REQUEST_TIME is defined.")
        new = Value()
        set_timestamp(new.timestamp_value, commit_time)
        result = new
    elif kind == "increment":
        new = result = _increment(current, transform.increment)
    elif kind == "maximum":
        new = result = _extreme(current, transform.maximum, True, "Maximum")
    elif kind == "minimum":
        new = result = _extreme(current, transform.minimum, False, "Minimum")
    elif kind == "append_missing_elements":
        for v in transform.append_missing_elements.values:
            value_size(v, 1, True)
        new = _array_union(current, transform.append_missing_elements)
        result = _NULL
    elif kind == "remove_all_from_array":
        new = _array_remove(current, transform.remove_all_from_array)
        result = _NULL
    else:
        raise InvalidArgument(f"Field transform on {transform.field_path!r} has no transform type.")
    set_path(fields, segments, new)
    return result


# ---------------------------------------------------------------------------- writes
def write_target(write) -> str:
    kind = write.WhichOneof("operation")
    if kind == "update":
        return write.update.name
    if kind == "delete":
        return write.delete
    if kind == "transform":
        return write.transform.document
    raise InvalidArgument("A write has no operation (update, delete or transform).")


def check_precondition(write, name: str, current) -> None:
    if not write.HasField("current_document"):
        return
    pre = write.current_document
    kind = pre.WhichOneof("condition_type")
    if kind == "exists":
        if pre.exists and current is None:
            raise NotFound(f"No document to update: {name}")
        if not pre.exists and current is not None:
            raise AlreadyExists(f"Document already exists: {name}")
    elif kind == "update_time":
        want = timestamp_us(pre.update_time)
        if current is None or timestamp_us(current.update_time) != want:
            raise FailedPrecondition(
                f"The document {name} does not have the update time the precondition requires "
                f"(the document was modified or does not exist).")


def apply_write(write, name: str, current, commit_time: int):
    """Compute (new document or None, WriteResult, changed) for one write against current."""
    kind = write.WhichOneof("operation")
    check_precondition(write, name, current)
    result = WriteResult()
    if kind == "delete":
        if write.update_transforms:
            raise InvalidArgument("A delete cannot have field transforms.")
        return None, result, current is not None
    new = Document(name=name)
    if kind == "update":
        if write.HasField("update_mask"):
            if current is not None:
                new.fields.MergeFrom(current.fields)
            src = write.update.fields
            for path in write.update_mask.field_paths:
                segments = field_path(path)
                value = lookup(src, segments)
                if value is None:
                    delete_path(new.fields, segments)
                else:
                    set_path(new.fields, segments, value)
        else:
            new.fields.MergeFrom(write.update.fields)
        transforms = write.update_transforms
    else:  # transform (the deprecated stand-alone form)
        if current is not None:
            new.fields.MergeFrom(current.fields)
        transforms = write.transform.field_transforms
    if transforms:
        seen = set()
        for t in transforms:
            if t.field_path in seen:
                raise InvalidArgument(f"Field {t.field_path!r} is transformed more than once in one write.")
            seen.add(t.field_path)
            result.transform_results.append(apply_transform(new.fields, t, commit_time))
    check_document(new)
    if current is not None and current.fields == new.fields:
        # nothing changed: the document keeps its times, the result names the old update time
        result.update_time.CopyFrom(current.update_time)
        return current, result, False
    if current is not None:
        new.create_time.CopyFrom(current.create_time)
    else:
        set_timestamp(new.create_time, commit_time)
    set_timestamp(new.update_time, commit_time)
    result.update_time.CopyFrom(new.update_time)
    return new, result, True


def resolve_names(writes, database: tuple[str, str]) -> list[str]:
    """Validate each write's document name; returns the names in order."""
    names = []
    for w in writes:
        name = write_target(w)
        paths.document_name(name, database)
        names.append(name)
    return names


def apply_writes(writes, names: list[str], get: Callable[[str], Optional[object]], commit_time: int):
    """All-or-nothing: returns ({name: new doc or None}, [WriteResult]) or raises."""
    overlay: dict[str, object] = {}
    results = []
    for write, name in zip(writes, names):
        current = overlay[name] if name in overlay else get(name)
        new, result, changed = apply_write(write, name, current, commit_time)
        if changed:
            overlay[name] = new
        results.append(result)
    return overlay, results
