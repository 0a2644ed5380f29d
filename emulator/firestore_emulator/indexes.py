"""Composite-index enforcement: refuse, like production, queries no declared index can serve.

Public API (the core wires these):

``load_indexes(data) -> IndexSet``
    ``data`` is a parsed ``firestore.indexes.json`` (dict), or its text (str / bytes).
    Understands ``indexes`` (collectionGroup, queryScope COLLECTION | COLLECTION_GROUP,
    fields with ``order`` ASCENDING | DESCENDING or ``arrayConfig`` CONTAINS; fields with
    ``vectorConfig`` make a vector index, which serves no structured query) and
    ``fieldOverrides`` (collectionGroup, fieldPath, ``indexes`` list of order/arrayConfig +
    queryScope; ``ttl`` is ignored). Raises InvalidArgument for a malformed file.

``check_query(query, all_descendants, index_set) -> None``
    ``query`` is a StructuredQuery protobuf; ``all_descendants`` is True for a
    collection-group query (the strings "COLLECTION" / "COLLECTION_GROUP" are accepted too).
    Raises FailedPrecondition ("The query requires an index. ...", naming the fields and the
    JSON entry to add) when production would refuse the query for lack of an index.

``check_aggregation(aggregation_query, all_descendants, index_set)`` does the same for the
structured query inside a StructuredAggregationQuery.

The rule implemented (production's index selection, as documented for native mode):

1. Single-field indexes exist automatically for every field, ascending, descending and
   array-contains, in COLLECTION scope only; a ``fieldOverrides`` entry for a
   (collection group, field) replaces them with exactly the indexes it lists (an empty list
   exempts the field), which is also the only way to get COLLECTION_GROUP single-field
   indexes.
2. The query's filter is put in disjunctive normal form; every disjunct must be served.
3. For one disjunct: equality fields E (==, in, IS_NULL, IS_NAN; ``__name__`` equality needs
   nothing), at most one array field A (array-contains / array-contains-any), and the sort
   S = the query's normalized order (explicit order_by, implicit inequality fields, then
   ``__name__``) without fields in E, and without the trailing ``__name__`` when it runs in
   the direction of the field before it (every index ends with ``__name__`` in the direction
   of its last field; an ascending ``__name__`` alone is the built-in key index).
4. An index (single-field or composite, same collection group and query scope) is usable
   when its fields are some fields of E ∪ {A} (in any order, equality fields in any
   direction, A as CONTAINS) followed by exactly S (same fields, same order, same
   directions). Usable indexes are merged (zig-zag merge join), so the disjunct is served
   when the usable indexes together cover all of E ∪ {A} — or, when E ∪ {A} is empty, when
   S is empty or some index is exactly S.
   Exception: the single-field array-contains index is only used when there is no
   equality filter (production does not merge it with equality indexes).
   Consequences: equality filters alone never need a composite index; one range filter or
   one order-by field alone uses the single-field index; equality combined with
   array-contains, equality or array-contains combined with a range filter or order-by on
   another field, and order/range on two fields each need a composite index.

Known simplification: production can also scan an index backwards in some cases and may
pick other plans; this module only accepts exact directions, so it can be stricter than
production, never looser for the rules above.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Optional, Union

from google.cloud.firestore_v1 import types as _types

from . import values as V
from .errors import FailedPrecondition, InvalidArgument
from .query import NAME, normalized_order

StructuredQuery = _types.StructuredQuery.pb()
_FOp = StructuredQuery.FieldFilter.Operator
_UOp = StructuredQuery.UnaryFilter.Operator
_COp = StructuredQuery.CompositeFilter.Operator

ASC = "ASCENDING"
DESC = "DESCENDING"
CONTAINS = "CONTAINS"
COLLECTION = "COLLECTION"
COLLECTION_GROUP = "COLLECTION_GROUP"

# A field of an index: (segments tuple, mode) with mode ASC / DESC / CONTAINS; segments None = __name__.
IndexField = tuple


@dataclass(frozen=True)
class Index:
    collection_group: str
    query_scope: str
    fields: tuple  # of IndexField


@dataclass
class IndexSet:
    """The declared composite indexes and single-field overrides of one database."""

    indexes: list = field(default_factory=list)
    # (collection_group, segments) -> list of (mode, scope)
    overrides: dict = field(default_factory=dict)

    def composite(self, collection_group: str, scope: str) -> list:
        return [i for i in self.indexes if i.collection_group == collection_group and i.query_scope == scope]

    def single_field(self, collection_group: str, segments: tuple, mode: str, scope: str) -> bool:
        """Whether the single-field index (field, mode) exists for that group and scope."""
        listed = self.overrides.get((collection_group, segments))
        if listed is None:
            # Automatic single-field indexes: COLLECTION scope only.
            return scope == COLLECTION
        return (mode, scope) in listed


def _field_segments(path: Any, where: str) -> Optional[tuple]:
    if not isinstance(path, str) or not path:
        raise InvalidArgument(f"firestore.indexes.json: {where} needs a non-empty fieldPath.")
    if path == NAME:
        return None
    try:
        return tuple(V.parse_field_path(path))
    except V.FieldPathError as exc:
        raise InvalidArgument(f"firestore.indexes.json: bad fieldPath {path!r} in {where}: {exc}.") from None


def _mode(entry: dict, where: str) -> Optional[str]:
    if "order" in entry:
        order = entry["order"]
        if order not in (ASC, DESC):
            raise InvalidArgument(f"firestore.indexes.json: order must be ASCENDING or DESCENDING in {where}; got {order!r}.")
        return order
    if "arrayConfig" in entry:
        if entry["arrayConfig"] != CONTAINS:
            raise InvalidArgument(f"firestore.indexes.json: arrayConfig must be CONTAINS in {where}.")
        return CONTAINS
    if "vectorConfig" in entry:
        return None
    raise InvalidArgument(f"firestore.indexes.json: {where} needs order, arrayConfig or vectorConfig.")


def _scope(value: Any, where: str) -> str:
    scope = value or COLLECTION
    if scope not in (COLLECTION, COLLECTION_GROUP):
        raise InvalidArgument(f"firestore.indexes.json: queryScope must be COLLECTION or COLLECTION_GROUP in {where}.")
    return scope


def load_indexes(data: Union[dict, str, bytes]) -> IndexSet:
    """Parse a firestore.indexes.json document (dict or JSON text) into an IndexSet."""
    if isinstance(data, (str, bytes, bytearray)):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise InvalidArgument(f"firestore.indexes.json is not valid JSON: {exc}.") from None
    if not isinstance(data, dict):
        raise InvalidArgument("firestore.indexes.json must be a JSON object with 'indexes' and 'fieldOverrides'.")
    result = IndexSet()
    indexes = data.get("indexes")
    if indexes is None:
        indexes = []
    if not isinstance(indexes, list):
        raise InvalidArgument("firestore.indexes.json: 'indexes' must be a list.")
    for n, entry in enumerate(indexes):
        where = f"indexes[{n}]"
        if not isinstance(entry, dict):
            raise InvalidArgument(f"firestore.indexes.json: {where} must be an object.")
        group = entry.get("collectionGroup") or entry.get("collectionId")
        if not isinstance(group, str) or not group:
            raise InvalidArgument(f"firestore.indexes.json: {where} needs a collectionGroup.")
        scope = _scope(entry.get("queryScope"), where)
        fields_ = entry.get("fields")
        if not isinstance(fields_, list) or not fields_:
            raise InvalidArgument(f"firestore.indexes.json: {where} needs a non-empty 'fields' list.")
        parsed = []
        vector = False
        for m, f in enumerate(fields_):
            fwhere = f"{where}.fields[{m}]"
            if not isinstance(f, dict):
                raise InvalidArgument(f"firestore.indexes.json: {fwhere} must be an object.")
            segments = _field_segments(f.get("fieldPath"), fwhere)
            mode = _mode(f, fwhere)
            if mode is None:
                vector = True
                continue
            parsed.append((segments, mode))
        if not vector:
            result.indexes.append(Index(group, scope, tuple(parsed)))
    overrides = data.get("fieldOverrides")
    if overrides is None:
        overrides = []
    if not isinstance(overrides, list):
        raise InvalidArgument("firestore.indexes.json: 'fieldOverrides' must be a list.")
    for n, entry in enumerate(overrides):
        where = f"fieldOverrides[{n}]"
        if not isinstance(entry, dict):
            raise InvalidArgument(f"firestore.indexes.json: {where} must be an object.")
        group = entry.get("collectionGroup")
        if not isinstance(group, str) or not group:
            raise InvalidArgument(f"firestore.indexes.json: {where} needs a collectionGroup.")
        segments = _field_segments(entry.get("fieldPath"), where)
        listed = entry.get("indexes")
        if listed is None:
            continue  # only ttl or similar: automatic indexes stay
        if not isinstance(listed, list):
            raise InvalidArgument(f"firestore.indexes.json: {where}.indexes must be a list.")
        modes = []
        for m, idx in enumerate(listed):
            iwhere = f"{where}.indexes[{m}]"
            if not isinstance(idx, dict):
                raise InvalidArgument(f"firestore.indexes.json: {iwhere} must be an object.")
            mode = _mode(idx, iwhere)
            if mode is not None:
                modes.append((mode, _scope(idx.get("queryScope"), iwhere)))
        result.overrides[(group, segments)] = modes
    return result


# --------------------------------------------------------------------------- requirements


def _dnf(filt) -> list:
    """Disjuncts of leaves; in / array-contains-any stay single leaves."""
    kind = filt.WhichOneof("filter_type")
    if kind is None:
        return [[]]
    if kind != "composite_filter":
        return [[filt]]
    comp = filt.composite_filter
    subs = [_dnf(f) for f in comp.filters if f.WhichOneof("filter_type") is not None]
    if not subs:
        return [[]]
    if comp.op == _COp.OR:
        return [t for s in subs for t in s]
    terms: list = [[]]
    for s in subs:
        terms = [a + b for a in terms for b in s]
    return terms


def _segments_of(ref) -> Optional[tuple]:
    if ref.field_path == NAME:
        return None
    segments = tuple(V.parse_field_path(ref.field_path))
    return None if segments == (NAME,) else segments


@dataclass
class _Need:
    equality: list  # ordered distinct segments
    array: Optional[tuple]
    sort: list  # (segments | None, mode)


def _needs(query, term: list, orders: list) -> _Need:
    equality: list = []
    array = None
    for leaf in term:
        if leaf.WhichOneof("filter_type") == "field_filter":
            ff = leaf.field_filter
            seg = _segments_of(ff.field)
            if ff.op in (_FOp.EQUAL, _FOp.IN):
                if seg is not None and seg not in equality:
                    equality.append(seg)
            elif ff.op in (_FOp.ARRAY_CONTAINS, _FOp.ARRAY_CONTAINS_ANY):
                array = seg
        else:
            uf = leaf.unary_filter
            seg = _segments_of(uf.field)
            if uf.op in (_UOp.IS_NULL, _UOp.IS_NAN) and seg is not None and seg not in equality:
                equality.append(seg)
    sort = [(seg, DESC if desc else ASC) for seg, desc in orders if seg is None or seg not in equality]
    if len(sort) >= 2 and sort[-1][0] is None and sort[-1][1] == sort[-2][1]:
        sort.pop()
    if len(sort) == 1 and sort[0][0] is None:
        sort = []  # the built-in key index, both directions
    return _Need(equality, array, sort)


def _candidate_indexes(index_set: IndexSet, group: str, scope: str, need: _Need) -> list:
    """Composite indexes plus the relevant single-field ones, as tuples of IndexField."""
    out = [i.fields for i in index_set.composite(group, scope)]
    singles = set(need.equality)
    for seg in singles:
        for mode in (ASC, DESC):
            if index_set.single_field(group, seg, mode, scope):
                out.append(((seg, mode),))
                break
    # array-contains is not merged with equality filters: with equalities it needs a composite.
    if need.array is not None and not need.equality and index_set.single_field(group, need.array, CONTAINS, scope):
        out.append(((need.array, CONTAINS),))
    if len(need.sort) == 1 and need.sort[0][0] is not None:
        seg, mode = need.sort[0]
        if index_set.single_field(group, seg, mode, scope):
            out.append(((seg, mode),))
    return out


def _served(need: _Need, candidates: list) -> bool:
    prefix_fields = set(need.equality)
    if need.array is not None:
        prefix_fields.add(("__array__", need.array))
    if not prefix_fields:
        if not need.sort:
            return True
        return any(list(c) == need.sort for c in candidates)
    covered: set = set()
    n_sort = len(need.sort)
    for fields_ in candidates:
        if len(fields_) < n_sort:
            continue
        head = fields_[: len(fields_) - n_sort]
        tail = list(fields_[len(fields_) - n_sort:])
        if tail != need.sort:
            continue
        ok = True
        contributes = set()
        for seg, mode in head:
            if mode == CONTAINS:
                if need.array is None or seg != need.array:
                    ok = False
                    break
                contributes.add(("__array__", seg))
            else:
                if seg not in need.equality:
                    ok = False
                    break
                contributes.add(seg)
        if ok:
            covered |= contributes
    return prefix_fields <= covered


def _suggest(group: str, scope: str, need: _Need) -> dict:
    fields_ = [{"fieldPath": V.format_field_path(seg), "order": ASC} for seg in need.equality]
    if need.array is not None:
        fields_.append({"fieldPath": V.format_field_path(need.array), "arrayConfig": CONTAINS})
    for seg, mode in need.sort:
        fields_.append({"fieldPath": NAME if seg is None else V.format_field_path(seg), "order": mode})
    return {"collectionGroup": group, "queryScope": scope, "fields": fields_}


def _describe(index: dict) -> str:
    parts = []
    for f in index["fields"]:
        parts.append(f"{f['fieldPath']} {'CONTAINS' if 'arrayConfig' in f else f['order']}")
    return ", ".join(parts)


def _scope_of(all_descendants: Union[bool, str]) -> str:
    if isinstance(all_descendants, str):
        if all_descendants not in (COLLECTION, COLLECTION_GROUP):
            raise ValueError(f"scope must be COLLECTION or COLLECTION_GROUP, not {all_descendants!r}")
        return all_descendants
    return COLLECTION_GROUP if all_descendants else COLLECTION


def required_indexes(query, all_descendants: Union[bool, str], index_set: IndexSet) -> list[dict]:
    """The index entries (firestore.indexes.json form) the query lacks; empty when served."""
    scope = _scope_of(all_descendants)
    if len(query.from_) != 1:
        return []
    group = query.from_[0].collection_id
    orders = normalized_order(query)
    terms = _dnf(query.where) if query.HasField("where") else [[]]
    missing: list[dict] = []
    for term in terms:
        need = _needs(query, term, orders)
        if not _served(need, _candidate_indexes(index_set, group, scope, need)):
            if need.equality or need.array is not None or need.sort:
                suggestion = _suggest(group, scope, need)
                if suggestion not in missing:
                    missing.append(suggestion)
    return missing


def check_query(query, all_descendants: Union[bool, str], index_set: Optional[IndexSet]) -> None:
    """Raise FailedPrecondition when production would refuse ``query`` for want of an index."""
    if index_set is None:
        return
    missing = required_indexes(query, all_descendants, index_set)
    if not missing:
        return
    first = missing[0]
    if len(missing) == 1 and len(first["fields"]) == 1:
        (only,) = first["fields"]
        mode = {"arrayConfig": CONTAINS} if "arrayConfig" in only else {"order": only["order"]}
        override = {
            "collectionGroup": first["collectionGroup"],
            "fieldPath": only["fieldPath"],
            "indexes": [
                {"order": ASC, "queryScope": COLLECTION},
                {"order": DESC, "queryScope": COLLECTION},
                {"arrayConfig": CONTAINS, "queryScope": COLLECTION},
                {**mode, "queryScope": first["queryScope"]},
            ],
        }
        raise FailedPrecondition(
            f"The query requires an index. The collection group {first['collectionGroup']!r} "
            f"(query scope {first['queryScope']}) needs a single-field index on ({_describe(first)}), "
            "which is not automatic for this scope or was exempted. Add to the \"fieldOverrides\" list of "
            f"firestore.indexes.json: {json.dumps(override)}"
        )
    entries = json.dumps(missing[0] if len(missing) == 1 else missing, indent=None)
    raise FailedPrecondition(
        f"The query requires an index. The collection group {first['collectionGroup']!r} "
        f"(query scope {first['queryScope']}) needs a composite index on ({_describe(first)})"
        + (f" and {len(missing) - 1} more" if len(missing) > 1 else "")
        + f". Add to the \"indexes\" list of firestore.indexes.json: {entries}"
    )


def check_aggregation(aggregation_query, all_descendants: Union[bool, str], index_set: Optional[IndexSet]) -> None:
    check_query(aggregation_query.structured_query, all_descendants, index_set)


__all__ = ["IndexSet", "Index", "load_indexes", "check_query", "check_aggregation", "required_indexes"]
