"""Which indexes a Firestore query needs, by production's rules, against a firestore.indexes.json.

Google's Firestore emulator serves every query without indexes; production refuses (FAILED_PRECONDITION,
"The query requires an index") a query no declared index can serve. tests/api/test_indexes.py checks
every query the API ran against the project's firestore.indexes.json with `plan`.

The rules (production's index selection in native mode, as documented):

1. Single-field indexes exist automatically for every field, ascending, descending and
   array-contains, in COLLECTION scope only. A ``fieldOverrides`` entry for a (collection group,
   field) replaces them with exactly the indexes it lists (an empty list exempts the field); it is
   also the only way to get COLLECTION_GROUP single-field indexes.
2. The filter is put in disjunctive normal form; every disjunct must be served.
3. For one disjunct: equality fields E (==, in, IS_NULL, IS_NAN; ``__name__`` equality needs
   nothing), at most one array field A (array-contains / array-contains-any), and the sort S = the
   query's normalized order (explicit order_by, then the inequality fields not ordered explicitly,
   in field-path order, then ``__name__``), without fields of E, and without the trailing
   ``__name__`` when it runs in the direction of the field before it (every index ends with
   ``__name__`` in the direction of its last field; ``__name__`` alone is the built-in key index).
4. An index (single-field or composite, same collection group and query scope) is usable when its
   fields are some fields of E ∪ {A} (in any order; equality fields in either direction, A as
   CONTAINS) followed by exactly S. Usable indexes are merged (zig-zag merge join), so the disjunct
   is served when the usable indexes together cover E ∪ {A}, or, when E ∪ {A} is empty, when S is
   empty or some index is exactly S. Exception: the single-field array-contains index is not merged
   with equality filters.
   So: equality filters alone never need a composite index; one range filter or one order-by field
   alone uses a single-field index; equality with array-contains, equality or array-contains with a
   range or order on another field, and order or range on two fields need a composite index.

Known simplification: production may also scan an index backwards or pick other plans; this check
accepts exact directions only, so it can be stricter than production, never looser.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from dataclasses import field as _dataclass_field
from typing import Any, Iterator, Mapping

from google.cloud.firestore_v1 import field_path as _field_path
from google.cloud.firestore_v1.types import StructuredQuery as _StructuredQuery

StructuredQuery = _StructuredQuery.pb()
_FOp = StructuredQuery.FieldFilter.Operator
_UOp = StructuredQuery.UnaryFilter.Operator
_COp = StructuredQuery.CompositeFilter.Operator

NAME = "__name__"
ASC, DESC, CONTAINS = "ASCENDING", "DESCENDING", "CONTAINS"
COLLECTION, COLLECTION_GROUP = "COLLECTION", "COLLECTION_GROUP"

_EQUALITY = frozenset({_FOp.EQUAL, _FOp.IN})
_ARRAY = frozenset({_FOp.ARRAY_CONTAINS, _FOp.ARRAY_CONTAINS_ANY})
_INEQUALITY = frozenset(
    {
        _FOp.LESS_THAN,
        _FOp.LESS_THAN_OR_EQUAL,
        _FOp.GREATER_THAN,
        _FOp.GREATER_THAN_OR_EQUAL,
        _FOp.NOT_EQUAL,
        _FOp.NOT_IN,
    }
)
_UNARY_EQUALITY = frozenset({_UOp.IS_NULL, _UOp.IS_NAN})
_UNARY_INEQUALITY = frozenset({_UOp.IS_NOT_NULL, _UOp.IS_NOT_NAN})

Field = tuple[str, ...] | None  # a field's path segments; None is __name__
IndexField = tuple[Field, str]  # (field, ASC | DESC | CONTAINS)


class IndexFileError(ValueError):
    """firestore.indexes.json is not what the Firebase CLI accepts."""


@dataclass(frozen=True)
class Index:
    """A composite index (or a needed single-field one) of one collection group and query scope."""

    collection_group: str
    query_scope: str
    fields: tuple[IndexField, ...]

    def to_json(self) -> dict[str, Any]:
        """This index as an entry of firestore.indexes.json's "indexes" list."""
        fields = [
            {"fieldPath": format_field(f), **({"arrayConfig": CONTAINS} if mode == CONTAINS else {"order": mode})}
            for f, mode in self.fields
        ]
        return {"collectionGroup": self.collection_group, "queryScope": self.query_scope, "fields": fields}

    def describe(self) -> str:
        return ", ".join(f"{format_field(f)} {mode}" for f, mode in self.fields)


@dataclass(frozen=True)
class IndexSet:
    """The declared composite indexes and single-field overrides of one database."""

    indexes: tuple[Index, ...] = ()
    # (collection group, field) -> the (mode, scope) single-field indexes an override lists
    overrides: Mapping[tuple[str, Field], frozenset[tuple[str, str]]] = _dataclass_field(default_factory=dict)

    def exempted(self) -> frozenset[tuple[str, Field]]:
        """(collection group, field) pairs an override exempts from indexing (an empty list of indexes)."""
        return frozenset(key for key, listed in self.overrides.items() if not listed)

    def has_single_field(self, group: str, field: tuple[str, ...], mode: str, scope: str) -> bool:
        listed = self.overrides.get((group, field))
        if listed is None:
            return scope == COLLECTION  # automatic single-field indexes: collection scope only
        return (mode, scope) in listed


@dataclass(frozen=True)
class Plan:
    """What one query needs: the indexes it lacks (empty when production serves it) and the declared ones it can use."""

    missing: tuple[Index, ...]
    used: frozenset[Index]


# --------------------------------------------------------------------------- field paths


def parse_field(path: Any, where: str = "a field path") -> Field:
    """The segments of a field path string (back-quoted segments allowed); None for __name__."""
    if not isinstance(path, str) or not path:
        raise IndexFileError(f"{where} needs a non-empty fieldPath")
    try:
        segments = tuple(_field_path.parse_field_path(path))
    except ValueError as exc:
        raise IndexFileError(f"bad fieldPath {path!r} in {where}: {exc}") from None
    return None if segments == (NAME,) else segments


def format_field(field: Field) -> str:
    return NAME if field is None else _field_path.render_field_path(field)


# --------------------------------------------------------------------------- firestore.indexes.json


def _mode(entry: Mapping[str, Any], where: str) -> str | None:
    """ASC / DESC / CONTAINS, or None for a vector field (a vector index serves no structured query)."""
    if "order" in entry:
        if entry["order"] not in (ASC, DESC):
            raise IndexFileError(f"order must be ASCENDING or DESCENDING in {where}, not {entry['order']!r}")
        return entry["order"]
    if "arrayConfig" in entry:
        if entry["arrayConfig"] != CONTAINS:
            raise IndexFileError(f"arrayConfig must be CONTAINS in {where}")
        return CONTAINS
    if "vectorConfig" in entry:
        return None
    raise IndexFileError(f"{where} needs order, arrayConfig or vectorConfig")


def _scope(value: Any, where: str) -> str:
    scope = value or COLLECTION
    if scope not in (COLLECTION, COLLECTION_GROUP):
        raise IndexFileError(f"queryScope must be COLLECTION or COLLECTION_GROUP in {where}")
    return scope


def _objects(data: Mapping[str, Any], key: str) -> list[Mapping[str, Any]]:
    entries = data.get(key, [])
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise IndexFileError(f"{key!r} must be a list of objects")
    return entries


def _group(entry: Mapping[str, Any], where: str) -> str:
    group = entry.get("collectionGroup") or entry.get("collectionId")
    if not isinstance(group, str) or not group:
        raise IndexFileError(f"{where} needs a collectionGroup")
    return group


def _index(entry: Mapping[str, Any], where: str) -> Index | None:
    group, scope = _group(entry, where), _scope(entry.get("queryScope"), where)
    fields = entry.get("fields")
    if not isinstance(fields, list) or not fields or not all(isinstance(f, dict) for f in fields):
        raise IndexFileError(f"{where} needs a non-empty list of field objects")
    parsed = []
    for n, f in enumerate(fields):
        mode = _mode(f, f"{where}.fields[{n}]")
        if mode is None:
            return None  # a vector index
        parsed.append((parse_field(f.get("fieldPath"), f"{where}.fields[{n}]"), mode))
    return Index(group, scope, tuple(parsed))


def load_indexes(data: Mapping[str, Any] | str | bytes) -> IndexSet:
    """Read firestore.indexes.json (its text or parsed): "indexes" and "fieldOverrides" ("ttl" is ignored)."""
    if isinstance(data, (str, bytes, bytearray)):
        try:
            data = json.loads(data)
        except ValueError as exc:
            raise IndexFileError(f"not valid JSON: {exc}") from None
    if not isinstance(data, dict):
        raise IndexFileError("must be a JSON object with 'indexes' and 'fieldOverrides'")
    indexes = [_index(e, f"indexes[{n}]") for n, e in enumerate(_objects(data, "indexes"))]
    overrides: dict[tuple[str, Field], frozenset[tuple[str, str]]] = {}
    for n, entry in enumerate(_objects(data, "fieldOverrides")):
        where = f"fieldOverrides[{n}]"
        group, field = _group(entry, where), parse_field(entry.get("fieldPath"), where)
        listed = entry.get("indexes")
        if listed is None:
            continue  # ttl only: the automatic indexes stay
        if not isinstance(listed, list) or not all(isinstance(i, dict) for i in listed):
            raise IndexFileError(f"{where}.indexes must be a list of objects")
        modes = ((_mode(i, f"{where}.indexes[{m}]"), _scope(i.get("queryScope"), where)) for m, i in enumerate(listed))
        overrides[(group, field)] = frozenset((mode, scope) for mode, scope in modes if mode is not None)
    return IndexSet(tuple(i for i in indexes if i is not None), overrides)


# --------------------------------------------------------------------------- what a query needs


def _leaves(filt: Any) -> Iterator[Any]:
    kind = filt.WhichOneof("filter_type")
    if kind == "composite_filter":
        for sub in filt.composite_filter.filters:
            yield from _leaves(sub)
    elif kind is not None:
        yield filt


def _leaf(filt: Any) -> tuple[Field, Any, bool]:
    """(field, operator, unary) of a field or unary filter."""
    if filt.WhichOneof("filter_type") == "field_filter":
        return parse_field(filt.field_filter.field.field_path, "a filter"), filt.field_filter.op, False
    return parse_field(filt.unary_filter.field.field_path, "a filter"), filt.unary_filter.op, True


def _dnf(filt: Any) -> list[list[Any]]:
    """The filter's disjuncts, each a list of leaves (in / array-contains-any stay single leaves)."""
    kind = filt.WhichOneof("filter_type")
    if kind is None:
        return [[]]
    if kind != "composite_filter":
        return [[filt]]
    subs = [_dnf(f) for f in filt.composite_filter.filters if f.WhichOneof("filter_type") is not None]
    if not subs:
        return [[]]
    if filt.composite_filter.op == _COp.OR:
        return [term for sub in subs for term in sub]
    terms: list[list[Any]] = [[]]
    for sub in subs:
        terms = [a + b for a in terms for b in sub]
    return terms


def fields_used(query: Any) -> set[Field]:
    """Every field a query filters or orders on (__name__ as None)."""
    used = {_leaf(leaf)[0] for leaf in _leaves(query.where)} if query.HasField("where") else set()
    return used | {parse_field(order.field.field_path, "an order_by") for order in query.order_by}


def exempted_fields_used(query: Any, index_set: IndexSet) -> list[str]:
    """The fields this query filters or orders on that firestore.indexes.json exempts from indexing
    in its collection group: the exemption says no query uses them, so such a query is refused."""
    group = query.from_[0].collection_id
    return sorted(format_field(f) for f in fields_used(query) if f is not None and (group, f) in index_set.exempted())


def normalized_order(query: Any) -> list[tuple[Field, bool]]:
    """(field, descending) of every effective order-by: explicit ones, implicit inequality fields, __name__."""
    orders: list[tuple[Field, bool]] = []
    for order in query.order_by:
        field = parse_field(order.field.field_path, "an order_by")
        if all(field != seen for seen, _ in orders):
            orders.append((field, order.direction == StructuredQuery.Direction.DESCENDING))
    last_desc = orders[-1][1] if orders else False
    ordered = {field for field, _ in orders}
    inequalities = {
        field
        for field, op, unary in map(_leaf, _leaves(query.where))
        if op in (_UNARY_INEQUALITY if unary else _INEQUALITY)
    } - ordered
    orders += [(field, last_desc) for field in sorted(f for f in inequalities if f is not None)]
    if None not in ordered:
        orders.append((None, last_desc))
    return orders


@dataclass(frozen=True)
class _Need:
    equality: tuple[tuple[str, ...], ...]
    array: Field
    sort: tuple[IndexField, ...]


def _need(term: list[Any], orders: list[tuple[Field, bool]]) -> _Need:
    equality: list[tuple[str, ...]] = []
    array = None
    for field, op, unary in map(_leaf, term):
        if field is None:
            continue  # a __name__ filter is served by the key in every index
        if op in (_UNARY_EQUALITY if unary else _EQUALITY) and field not in equality:
            equality.append(field)
        elif not unary and op in _ARRAY:
            array = field
    sort = [(field, DESC if desc else ASC) for field, desc in orders if field not in equality]
    if len(sort) >= 2 and sort[-1][0] is None and sort[-1][1] == sort[-2][1]:
        sort.pop()  # every index ends with __name__ in its last field's direction
    if len(sort) == 1 and sort[0][0] is None:
        sort = []  # the built-in key index, both directions
    return _Need(tuple(equality), array, tuple(sort))


Candidate = tuple[tuple[IndexField, ...], Index | None]  # (fields, the declared index or None for a single-field one)


def _candidates(index_set: IndexSet, group: str, scope: str, need: _Need) -> list[Candidate]:
    """Every index of the group and scope that may serve the need."""
    out: list[Candidate] = [
        (i.fields, i) for i in index_set.indexes if i.collection_group == group and i.query_scope == scope
    ]
    for field in need.equality:
        mode = next((m for m in (ASC, DESC) if index_set.has_single_field(group, field, m, scope)), None)
        if mode:
            out.append((((field, mode),), None))
    # Production does not merge the single-field array-contains index with equality filters.
    if need.array is not None and not need.equality and index_set.has_single_field(group, need.array, CONTAINS, scope):
        out.append((((need.array, CONTAINS),), None))
    if len(need.sort) == 1:
        ((sort_field, mode),) = need.sort
        if sort_field is not None and index_set.has_single_field(group, sort_field, mode, scope):
            out.append(((need.sort[0],), None))
    return out


def _served_by(need: _Need, candidates: list[Candidate]) -> set[Index | None] | None:
    """The indexes that serve the need together (None stands for single-field ones); None when unserved."""
    prefix: set[IndexField] = {(f, "=") for f in need.equality}
    if need.array is not None:
        prefix.add((need.array, CONTAINS))
    if not prefix:
        if not need.sort:
            return set()
        exact = {index for fields, index in candidates if fields == need.sort}
        return exact or None
    covered: set[IndexField] = set()
    used: set[Index | None] = set()
    cut = len(need.sort)
    for fields, index in candidates:
        head, tail = fields[: len(fields) - cut], fields[len(fields) - cut :]
        if len(fields) < cut or tail != need.sort:
            continue
        keys = {(f, CONTAINS if mode == CONTAINS else "=") for f, mode in head}
        if keys <= prefix:
            covered |= keys
            used.add(index)
    return used if prefix <= covered else None


def _suggest(group: str, scope: str, need: _Need) -> Index:
    fields = [(f, ASC) for f in need.equality]
    if need.array is not None:
        fields.append((need.array, CONTAINS))
    return Index(group, scope, tuple(fields) + need.sort)


def plan(query: Any, index_set: IndexSet) -> Plan:
    """The indexes a StructuredQuery (protobuf) lacks, one per unserved disjunct, and the declared ones it can use."""
    if len(query.from_) != 1:
        return Plan((), frozenset())
    group = query.from_[0].collection_id
    scope = COLLECTION_GROUP if query.from_[0].all_descendants else COLLECTION
    orders = normalized_order(query)
    missing: list[Index] = []
    used: set[Index] = set()
    for term in _dnf(query.where):
        need = _need(term, orders)
        served = _served_by(need, _candidates(index_set, group, scope, need))
        if served is None:
            suggestion = _suggest(group, scope, need)
            if suggestion not in missing:
                missing.append(suggestion)
        else:
            used |= {index for index in served if index is not None}
    return Plan(tuple(missing), frozenset(used))


def advice(index: Index) -> str:
    """What to add to firestore.indexes.json for a missing index, with the JSON entry."""
    if len(index.fields) > 1:
        return (
            f'Add to the "indexes" list of firestore.indexes.json (a composite index on '
            f"{index.describe()}):\n{json.dumps(index.to_json(), indent=2)}"
        )
    # A missing single-field index: collection-group scope, or exempted. An override replaces the
    # automatic indexes, so it lists them again beside the one needed.
    ((field, mode),) = index.fields
    wanted = {"arrayConfig": CONTAINS} if mode == CONTAINS else {"order": mode}
    override = {
        "collectionGroup": index.collection_group,
        "fieldPath": format_field(field),
        "indexes": [
            {"order": ASC, "queryScope": COLLECTION},
            {"order": DESC, "queryScope": COLLECTION},
            {"arrayConfig": CONTAINS, "queryScope": COLLECTION},
            {**wanted, "queryScope": index.query_scope},
        ],
    }
    return (
        f'Add to the "fieldOverrides" list of firestore.indexes.json (a single-field index on '
        f"{index.describe()} in {index.query_scope} scope, which is not automatic):\n{json.dumps(override, indent=2)}"
    )
