"""The query engine: structured queries and aggregations as pure functions over protobufs.

Public entry points (all take and return raw ``google.firestore.v1`` protobuf messages):

``run_query(query, documents) -> list[Document]``
    ``query`` is a ``StructuredQuery``; ``documents`` is an iterable of the *candidate*
    ``Document`` messages: every live document of the query's collection (for
    ``from_[0].all_descendants == False``: the documents whose name is
    ``{parent}/{collection_id}/{id}``) or collection group (``all_descendants == True``: every
    document below ``parent`` whose last collection id is ``collection_id``) at the read time
    of the request. ``matches_parent`` below decides exactly that, so the core may simply pass
    ``(d for d in store if matches_parent(d.name, parent, cid, all_descendants))``.
    Missing documents (no fields, never written) must not be passed. The result is the
    documents in query order, after filters, order, cursors, offset, limit and projection.
    Documents are returned as given (the same objects) unless a projection applies, in which
    case new Document messages carrying name, create/update time and the selected fields are
    returned. Raises ``errors.InvalidArgument`` for queries production rejects.

``run_aggregation(aggregation_query, documents) -> AggregationResult``
    ``aggregation_query`` is a ``StructuredAggregationQuery``; ``documents`` as above for its
    ``structured_query``. Returns the ``AggregationResult`` (count with up_to, sum, avg, keyed by
    alias; unaliased aggregations get ``field_1``, ``field_2``... as production does).

``validate_query(query)``
    Only the validation part of run_query (also done by run_query itself).

``normalized_order(query) -> list[(segments | None, descending)]``
    The effective order: explicit order_by, then inequality fields not already ordered
    (sorted by field path, in the direction of the last explicit order, ascending if none),
    then ``__name__`` in that direction unless already ordered. ``None`` stands for ``__name__``.

Semantics (production's):
- range filters (<, <=, >, >=) only match values of the filter value's type class
  (integers and doubles are one class; NaN sorts first among numbers);
- ==, in, array-contains(-any) use Firestore equality (1 == 1.0, NaN equal to nothing);
- != and not-in never match a missing field nor null; not-in with null in its list matches
  nothing;
- IS_NAN / IS_NULL match NaN / null; IS_NOT_NAN / IS_NOT_NULL match existing fields that are
  not NaN (and not null) / not null;
- a document missing any order-by field is excluded;
- cursors compare position-wise against the order (a prefix of the order may be given);
  a ``__name__`` position takes a reference value.
"""
from __future__ import annotations

import heapq as _heapq
from operator import itemgetter as _itemgetter
from typing import Any, Callable, Iterable, Optional, Sequence

from google.cloud.firestore_v1 import types as _types

from . import values as V
from .errors import InvalidArgument, Unimplemented

StructuredQuery = _types.StructuredQuery.pb()
Document = _types.Document.pb()
Value = _types.Value.pb()
AggregationResult = _types.AggregationResult.pb()

_FOp = StructuredQuery.FieldFilter.Operator
_UOp = StructuredQuery.UnaryFilter.Operator
_COp = StructuredQuery.CompositeFilter.Operator
DESCENDING = StructuredQuery.Direction.DESCENDING

NAME = "__name__"

# Production limits.
MAX_DISJUNCTIONS = 30  # terms in disjunctive normal form; also bounds `in` / array-contains-any lists
MAX_NOT_IN = 10  # values in a not-in list
MAX_INEQUALITY_FIELDS = 10
MAX_AGGREGATIONS = 5

RANGE_OPS = frozenset({_FOp.LESS_THAN, _FOp.LESS_THAN_OR_EQUAL, _FOp.GREATER_THAN, _FOp.GREATER_THAN_OR_EQUAL})
INEQUALITY_FIELD_OPS = RANGE_OPS | {_FOp.NOT_EQUAL, _FOp.NOT_IN}
INEQUALITY_UNARY_OPS = frozenset({_UOp.IS_NOT_NAN, _UOp.IS_NOT_NULL})
LIST_OPS = frozenset({_FOp.IN, _FOp.NOT_IN, _FOp.ARRAY_CONTAINS_ANY})

_OP_NAMES = {
    _FOp.LESS_THAN: "<",
    _FOp.LESS_THAN_OR_EQUAL: "<=",
    _FOp.GREATER_THAN: ">",
    _FOp.GREATER_THAN_OR_EQUAL: ">=",
    _FOp.EQUAL: "==",
    _FOp.NOT_EQUAL: "!=",
    _FOp.ARRAY_CONTAINS: "array-contains",
    _FOp.IN: "in",
    _FOp.ARRAY_CONTAINS_ANY: "array-contains-any",
    _FOp.NOT_IN: "not-in",
}
_UNARY_NAMES = {_UOp.IS_NAN: "IS_NAN", _UOp.IS_NULL: "IS_NULL", _UOp.IS_NOT_NAN: "IS_NOT_NAN", _UOp.IS_NOT_NULL: "IS_NOT_NULL"}


# --------------------------------------------------------------------------- collections


def matches_parent(doc_name: str, parent: str, collection_id: str, all_descendants: bool) -> bool:
    """Whether ``doc_name`` is a candidate of a query on ``parent`` / ``collection_id``.

    ``parent`` is ``projects/{p}/databases/{d}/documents`` or a document name below it.
    Without all_descendants: direct children of ``{parent}/{collection_id}``. With it: any
    document under ``parent`` whose own collection id is ``collection_id`` (any collection
    when ``collection_id`` is empty).
    """
    prefix = parent + "/"
    if not doc_name.startswith(prefix):
        return False
    rest = doc_name[len(prefix):]
    if not all_descendants:
        cid, sep, doc_id = rest.partition("/")
        return sep == "/" and cid == collection_id and doc_id != "" and "/" not in doc_id
    parts = rest.split("/")
    if len(parts) % 2 != 0:
        return False
    return collection_id == "" or parts[-2] == collection_id


# --------------------------------------------------------------------------- helpers


def _path(field_reference, what: str) -> Optional[list[str]]:
    """Parsed segments of a FieldReference; None for ``__name__``."""
    path = field_reference.field_path
    if path == NAME:
        return None
    try:
        segments = V.parse_field_path(path)
    except V.FieldPathError as exc:
        raise InvalidArgument(f"Invalid field path {path!r} in {what}: {exc}.") from None
    if segments == [NAME]:
        return None
    return segments


def _display(segments: Optional[Sequence[str]]) -> str:
    return NAME if segments is None else V.format_field_path(segments)


class _Desc:
    """Reverses the order of a sort key (for descending order-bys)."""

    __slots__ = ("k",)

    def __init__(self, k):
        self.k = k

    def __lt__(self, other):
        return other.k < self.k

    def __gt__(self, other):
        return other.k > self.k

    def __le__(self, other):
        return other.k <= self.k

    def __ge__(self, other):
        return other.k >= self.k

    def __eq__(self, other):
        return self.k == other.k

    def __ne__(self, other):
        return self.k != other.k

    __hash__ = None  # type: ignore[assignment]


def _value_getter(segments: Optional[Sequence[str]]) -> Callable[[Any], Any]:
    """doc -> Value | None."""
    if segments is None:
        return lambda doc: Value(reference_value=doc.name)
    get = V.make_getter(segments)
    return lambda doc: get(doc.fields)


def _key_getter(segments: Optional[Sequence[str]]) -> Callable[[Any], Optional[tuple]]:
    """doc -> sort key of the field's value, or None when absent."""
    if segments is None:
        return lambda doc: (V.REFERENCE, V.reference_key(doc.name))
    get = V.make_getter(segments)
    sort_key = V.sort_key

    def key(doc):
        value = get(doc.fields)
        return None if value is None else sort_key(value)

    return key


# --------------------------------------------------------------------------- filters


def _iter_leaves(filt):
    kind = filt.WhichOneof("filter_type")
    if kind == "composite_filter":
        for sub in filt.composite_filter.filters:
            yield from _iter_leaves(sub)
    elif kind is not None:
        yield filt


def _leaf_field(filt) -> Optional[list[str]]:
    kind = filt.WhichOneof("filter_type")
    if kind == "field_filter":
        return _path(filt.field_filter.field, "a filter")
    return _path(filt.unary_filter.field, "a filter")


def _dnf_size(filt) -> int:
    kind = filt.WhichOneof("filter_type")
    if kind == "composite_filter":
        comp = filt.composite_filter
        sizes = [_dnf_size(f) for f in comp.filters if f.WhichOneof("filter_type") is not None]
        if not sizes:
            return 1
        if comp.op == _COp.OR:
            return sum(sizes)
        total = 1
        for s in sizes:
            total *= s
            if total > 10 * MAX_DISJUNCTIONS:
                return total
        return total
    if kind == "field_filter" and filt.field_filter.op in (_FOp.IN, _FOp.ARRAY_CONTAINS_ANY):
        return max(1, len(filt.field_filter.value.array_value.values))
    return 1


def _dnf_terms(filt) -> list[list]:
    """Conjunctions of leaves (in / array-contains-any kept as single leaves)."""
    kind = filt.WhichOneof("filter_type")
    if kind == "composite_filter":
        comp = filt.composite_filter
        subs = [_dnf_terms(f) for f in comp.filters if f.WhichOneof("filter_type") is not None]
        if not subs:
            return [[]]
        if comp.op == _COp.OR:
            return [t for s in subs for t in s]
        terms: list[list] = [[]]
        for s in subs:
            terms = [a + b for a in terms for b in s]
            if len(terms) > 10 * MAX_DISJUNCTIONS:
                break
        return terms
    if kind is None:
        return [[]]
    return [[filt]]


def _has_or(filt) -> bool:
    if filt.WhichOneof("filter_type") != "composite_filter":
        return False
    comp = filt.composite_filter
    live = [f for f in comp.filters if f.WhichOneof("filter_type") is not None]
    if comp.op == _COp.OR and len(live) > 1:
        return True
    return any(_has_or(f) for f in live)


def _validate_leaf(filt) -> None:
    kind = filt.WhichOneof("filter_type")
    if kind == "unary_filter":
        uf = filt.unary_filter
        if uf.op not in _UNARY_NAMES:
            raise InvalidArgument("A unary filter must have an operator (IS_NAN, IS_NULL, IS_NOT_NAN or IS_NOT_NULL).")
        if not uf.HasField("field"):
            raise InvalidArgument("A unary filter must name a field.")
        _path(uf.field, "a filter")
        return
    ff = filt.field_filter
    if ff.op not in _OP_NAMES:
        raise InvalidArgument("A field filter must have an operator.")
    reason = V.invalid_value_reason(ff.value)
    if reason:
        raise InvalidArgument(f"Invalid value in a filter on {ff.field.field_path!r}: {reason}.")
    if not ff.HasField("field"):
        raise InvalidArgument("A field filter must name a field.")
    segments = _path(ff.field, "a filter")
    op_name = _OP_NAMES[ff.op]
    value = ff.value
    if ff.op in LIST_OPS:
        if value.WhichOneof("value_type") != "array_value" or len(value.array_value.values) == 0:
            raise InvalidArgument(f"A '{op_name}' filter requires a non-empty array value.")
        if ff.op == _FOp.NOT_IN and len(value.array_value.values) > MAX_NOT_IN:
            raise InvalidArgument(
                f"A 'not-in' filter supports at most {MAX_NOT_IN} values; got {len(value.array_value.values)}."
            )
    if segments is None:
        if ff.op in (_FOp.ARRAY_CONTAINS, _FOp.ARRAY_CONTAINS_ANY):
            raise InvalidArgument(f"A '{op_name}' filter cannot be used on __name__.")
        candidates = value.array_value.values if ff.op in LIST_OPS else [value]
        for v in candidates:
            if v.WhichOneof("value_type") != "reference_value":
                raise InvalidArgument(
                    "__key__ filter value must be a Key: a filter on __name__ takes reference values "
                    f"(document references), not a {v.WhichOneof('value_type') or 'empty value'}."
                )


def validate_filters(where) -> None:
    """Raise InvalidArgument for filters production rejects."""
    if where.WhichOneof("filter_type") is None:
        return
    for leaf in _iter_leaves(where):
        _validate_leaf(leaf)

    def check_composites(f):
        if f.WhichOneof("filter_type") == "composite_filter":
            comp = f.composite_filter
            if comp.op not in (_COp.AND, _COp.OR):
                raise InvalidArgument("A composite filter must have an operator (AND or OR).")
            if len(comp.filters) == 0:
                raise InvalidArgument("A composite filter must contain at least one filter.")
            for sub in comp.filters:
                check_composites(sub)

    check_composites(where)

    size = _dnf_size(where)
    if size > MAX_DISJUNCTIONS:
        raise InvalidArgument(
            f"The query has {size} disjunctions in disjunctive normal form; Firestore allows at most "
            f"{MAX_DISJUNCTIONS} (an 'in' or 'array-contains-any' list counts one per value)."
        )

    ops = [
        leaf.field_filter.op if leaf.WhichOneof("filter_type") == "field_filter" else None
        for leaf in _iter_leaves(where)
    ]
    not_in = ops.count(_FOp.NOT_IN)
    if not_in > 1:
        raise InvalidArgument("A query can have at most one 'not-in' filter.")
    if not_in:
        if _FOp.NOT_EQUAL in ops:
            raise InvalidArgument("A 'not-in' filter cannot be combined with a '!=' filter in the same query.")
        if _FOp.IN in ops:
            raise InvalidArgument("A 'not-in' filter cannot be combined with an 'in' filter in the same query.")
        if _FOp.ARRAY_CONTAINS_ANY in ops:
            raise InvalidArgument(
                "A 'not-in' filter cannot be combined with an 'array-contains-any' filter in the same query."
            )
        if _has_or(where):
            raise InvalidArgument("A 'not-in' filter cannot be combined with an OR filter in the same query.")

    for term in _dnf_terms(where):
        array_ops = [
            leaf.field_filter.op
            for leaf in term
            if leaf.WhichOneof("filter_type") == "field_filter"
            and leaf.field_filter.op in (_FOp.ARRAY_CONTAINS, _FOp.ARRAY_CONTAINS_ANY)
        ]
        if array_ops.count(_FOp.ARRAY_CONTAINS) > 1:
            raise InvalidArgument("A query can have at most one 'array-contains' filter per disjunction.")
        if array_ops.count(_FOp.ARRAY_CONTAINS_ANY) > 1:
            raise InvalidArgument("A query can have at most one 'array-contains-any' filter per disjunction.")
        if len(array_ops) > 1:
            raise InvalidArgument(
                "'array-contains' and 'array-contains-any' cannot be combined in the same disjunction."
            )

    fields = inequality_fields(where)
    if len(fields) > MAX_INEQUALITY_FIELDS:
        raise InvalidArgument(
            f"A query can have range or inequality filters on at most {MAX_INEQUALITY_FIELDS} fields; "
            f"this one has {len(fields)}."
        )


def inequality_fields(where) -> list[Optional[tuple]]:
    """Distinct fields (segment tuples, None for __name__) under range/!=/not-in/IS_NOT_* filters."""
    seen: dict = {}
    if where.WhichOneof("filter_type") is None:
        return []
    for leaf in _iter_leaves(where):
        if leaf.WhichOneof("filter_type") == "field_filter":
            if leaf.field_filter.op not in INEQUALITY_FIELD_OPS:
                continue
            segments = _path(leaf.field_filter.field, "a filter")
        else:
            if leaf.unary_filter.op not in INEQUALITY_UNARY_OPS:
                continue
            segments = _path(leaf.unary_filter.field, "a filter")
        key = None if segments is None else tuple(segments)
        seen.setdefault(key, None)
    return list(seen)


def _compile_leaf(filt) -> Callable[[Any], bool]:
    if filt.WhichOneof("filter_type") == "unary_filter":
        uf = filt.unary_filter
        get = _value_getter(_path(uf.field, "a filter"))
        op = uf.op
        if op == _UOp.IS_NAN:
            return lambda doc: (v := get(doc)) is not None and V.is_nan(v)
        if op == _UOp.IS_NULL:
            return lambda doc: (v := get(doc)) is not None and V.is_null(v)
        if op == _UOp.IS_NOT_NAN:
            return lambda doc: (v := get(doc)) is not None and not V.is_null(v) and not V.is_nan(v)
        return lambda doc: (v := get(doc)) is not None and not V.is_null(v)

    ff = filt.field_filter
    op = ff.op
    segments = _path(ff.field, "a filter")
    key_of = _key_getter(segments)
    sort_key = V.sort_key

    if op in RANGE_OPS:
        fkey = sort_key(ff.value)
        rank = fkey[0]
        if op == _FOp.LESS_THAN:
            def test(k):
                return k < fkey
        elif op == _FOp.LESS_THAN_OR_EQUAL:
            def test(k):
                return k <= fkey
        elif op == _FOp.GREATER_THAN:
            def test(k):
                return k > fkey
        else:
            def test(k):
                return k >= fkey

        def range_match(doc):
            k = key_of(doc)
            return k is not None and k[0] == rank and test(k)

        return range_match

    if op == _FOp.EQUAL:
        fkey = sort_key(ff.value)
        if V.key_has_nan(fkey):
            return lambda doc: False
        return lambda doc: key_of(doc) == fkey

    if op == _FOp.NOT_EQUAL:
        fkey = sort_key(ff.value)
        if V.key_has_nan(fkey):
            return lambda doc: (k := key_of(doc)) is not None and k[0] != V.NULL
        return lambda doc: (k := key_of(doc)) is not None and k[0] != V.NULL and k != fkey

    list_keys = [sort_key(v) for v in ff.value.array_value.values]
    key_set = frozenset(k for k in list_keys if not V.key_has_nan(k))

    if op == _FOp.IN:
        return lambda doc: key_of(doc) in key_set

    if op == _FOp.NOT_IN:
        if any(k[0] == V.NULL for k in list_keys):
            return lambda doc: False
        return lambda doc: (k := key_of(doc)) is not None and k[0] != V.NULL and k not in key_set

    get = _value_getter(segments)

    if op == _FOp.ARRAY_CONTAINS:
        fkey = sort_key(ff.value)
        if V.key_has_nan(fkey):
            return lambda doc: False

        def array_contains(doc):
            v = get(doc)
            if v is None or v.WhichOneof("value_type") != "array_value":
                return False
            return any(sort_key(e) == fkey for e in v.array_value.values)

        return array_contains

    # ARRAY_CONTAINS_ANY
    def array_contains_any(doc):
        v = get(doc)
        if v is None or v.WhichOneof("value_type") != "array_value":
            return False
        return any(sort_key(e) in key_set for e in v.array_value.values)

    return array_contains_any


def compile_filter(where) -> Optional[Callable[[Any], bool]]:
    """A ``doc -> bool`` predicate for a (validated) filter; None when there is no filter."""
    kind = where.WhichOneof("filter_type")
    if kind is None:
        return None
    if kind != "composite_filter":
        return _compile_leaf(where)
    comp = where.composite_filter
    parts = [p for p in (compile_filter(f) for f in comp.filters) if p is not None]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    if comp.op == _COp.OR:
        if len(parts) == 2:
            a, b = parts
            return lambda doc: a(doc) or b(doc)

        def any_part(doc):
            for p in parts:
                if p(doc):
                    return True
            return False

        return any_part
    if len(parts) == 2:
        a, b = parts
        return lambda doc: a(doc) and b(doc)

    def all_parts(doc):
        for p in parts:
            if not p(doc):
                return False
        return True

    return all_parts


# --------------------------------------------------------------------------- order & cursors


def normalized_order(query) -> list[tuple[Optional[tuple], bool]]:
    """(segments or None for __name__, descending) for every effective order-by, in order."""
    orders: list[tuple[Optional[tuple], bool]] = []
    seen: set = set()
    for order in query.order_by:
        if not order.HasField("field"):
            raise InvalidArgument("An order_by must name a field.")
        segments = _path(order.field, "an order_by")
        key = None if segments is None else tuple(segments)
        if key in seen:
            continue
        seen.add(key)
        orders.append((key, order.direction == DESCENDING))
    last_desc = orders[-1][1] if orders else False
    if query.HasField("where"):
        implicit = [f for f in inequality_fields(query.where) if f is not None and f not in seen]
        for f in sorted(implicit):
            seen.add(f)
            orders.append((f, last_desc))
    if None not in seen:
        orders.append((None, last_desc))
    return orders


def _cursor_key(cursor, orders, which: str) -> tuple:
    vals = cursor.values
    if len(vals) > len(orders):
        names = ", ".join(_display(o[0]) for o in orders)
        raise InvalidArgument(
            f"Too many cursor values in {which}: {len(vals)} values for {len(orders)} order-by fields "
            f"({names}). A cursor can only have as many values as the query has order-by fields."
        )
    parts = []
    for value, (segments, desc) in zip(vals, orders):
        reason = V.invalid_value_reason(value)
        if reason:
            raise InvalidArgument(f"Invalid value in the {which} cursor: {reason}.")
        if segments is None and value.WhichOneof("value_type") != "reference_value":
            raise InvalidArgument(
                f"The {which} cursor value for __name__ must be a reference value (a document name); "
                f"got {value.WhichOneof('value_type') or 'an empty value'}."
            )
        k = V.sort_key(value)
        parts.append(_Desc(k) if desc else k)
    return tuple(parts)


def validate_query(query) -> None:
    """Raise InvalidArgument (or Unimplemented) for a query production would reject."""
    if len(query.from_) > 1:
        raise InvalidArgument("A query can only select from one collection (from_ has several entries).")
    if query.HasField("find_nearest"):
        raise Unimplemented("Vector search (find_nearest) is not supported by this emulator.")
    if query.HasField("where"):
        validate_filters(query.where)
    orders = normalized_order(query)
    if query.HasField("start_at"):
        _cursor_key(query.start_at, orders, "start_at")
    if query.HasField("end_at"):
        _cursor_key(query.end_at, orders, "end_at")
    if query.offset < 0:
        raise InvalidArgument(f"offset must be non-negative; got {query.offset}.")
    if query.HasField("limit") and query.limit.value < 0:
        raise InvalidArgument(f"limit must be non-negative; got {query.limit.value}.")
    if query.HasField("select"):
        for ref in query.select.fields:
            _path(ref, "the projection")


# --------------------------------------------------------------------------- projection


def _set_path(fields, segments: Sequence[str], value) -> None:
    target = fields
    for segment in segments[:-1]:
        inner = target.get(segment)
        if inner is None or inner.WhichOneof("value_type") != "map_value":
            target[segment].map_value.SetInParent()
        target = target[segment].map_value.fields
    target[segments[-1]].CopyFrom(value)


def _projector(query) -> Optional[Callable[[Any], Any]]:
    if not query.HasField("select") or len(query.select.fields) == 0:
        return None
    paths = []
    for ref in query.select.fields:
        segments = _path(ref, "the projection")
        if segments is not None:
            paths.append(segments)
    # A path covered by a shorter selected path adds nothing.
    paths.sort(key=len)
    kept: list[list[str]] = []
    for p in paths:
        if not any(p[: len(k)] == k for k in kept):
            kept.append(p)
    getters = [(p, V.make_getter(p)) for p in kept]

    def project(doc):
        out = Document(name=doc.name)
        if doc.HasField("create_time"):
            out.create_time.CopyFrom(doc.create_time)
        if doc.HasField("update_time"):
            out.update_time.CopyFrom(doc.update_time)
        for segments, get in getters:
            value = get(doc.fields)
            if value is not None:
                _set_path(out.fields, segments, value)
        return out

    return project


# --------------------------------------------------------------------------- run


def _window(query) -> Optional[int]:
    """How many leading results offset + limit can use (None: all)."""
    if not query.HasField("limit"):
        return None
    return query.offset + query.limit.value


def _ordered(query, documents: Iterable) -> list:
    """Filtered, ordered documents after cursors, offset and limit (no projection)."""
    validate_query(query)
    predicate = compile_filter(query.where) if query.HasField("where") else None
    orders = normalized_order(query)
    key_getters = [(_key_getter(seg), desc) for seg, desc in orders]
    bounds = []
    if query.HasField("start_at") and len(query.start_at.values):
        bounds.append((_cursor_key(query.start_at, orders, "start_at"), True, query.start_at.before))
    if query.HasField("end_at") and len(query.end_at.values):
        bounds.append((_cursor_key(query.end_at, orders, "end_at"), False, query.end_at.before))

    rows = []
    for doc in documents:
        if predicate is not None and not predicate(doc):
            continue
        key = []
        for get, desc in key_getters:
            k = get(doc)
            if k is None:
                break
            key.append(_Desc(k) if desc else k)
        else:
            key = tuple(key)
            inside = True
            for cursor, is_start, before in bounds:
                head = key[: len(cursor)]
                if is_start:
                    inside = head >= cursor if before else head > cursor
                else:
                    inside = head < cursor if before else head <= cursor
                if not inside:
                    break
            if inside:
                rows.append((key, doc))

    first = _itemgetter(0)
    take = _window(query)
    if take is not None and take * 4 < len(rows):
        rows = _heapq.nsmallest(take, rows, key=first)
    else:
        rows.sort(key=first)
    docs = [doc for _, doc in rows]
    if query.offset:
        docs = docs[query.offset:]
    if query.HasField("limit"):
        docs = docs[: query.limit.value]
    return docs


def run_query(query, documents: Iterable) -> list:
    """Run a StructuredQuery over the candidate documents; see the module docstring."""
    docs = _ordered(query, documents)
    project = _projector(query)
    if project is not None:
        docs = [project(d) for d in docs]
    return docs


# --------------------------------------------------------------------------- aggregation

_INT64_MIN = -(2**63)
_INT64_MAX = 2**63 - 1


def aggregation_aliases(aggregation_query) -> list[str]:
    """The alias of each aggregation, production's defaults (field_1, field_2...) filled in."""
    explicit = {a.alias for a in aggregation_query.aggregations if a.alias}
    aliases = []
    counter = 1
    for a in aggregation_query.aggregations:
        if a.alias:
            aliases.append(a.alias)
            continue
        while f"field_{counter}" in explicit:
            counter += 1
        aliases.append(f"field_{counter}")
        counter += 1
    return aliases


def validate_aggregation(aggregation_query) -> None:
    aggs = aggregation_query.aggregations
    if len(aggs) == 0:
        raise InvalidArgument("An aggregation query needs at least one aggregation.")
    if len(aggs) > MAX_AGGREGATIONS:
        raise InvalidArgument(f"An aggregation query can have at most {MAX_AGGREGATIONS} aggregations; got {len(aggs)}.")
    aliases = aggregation_aliases(aggregation_query)
    if len(set(aliases)) != len(aliases):
        dup = next(a for a in aliases if aliases.count(a) > 1)
        raise InvalidArgument(f"Aggregation aliases must be unique; {dup!r} is used more than once.")
    for a in aggs:
        kind = a.WhichOneof("operator")
        if kind is None:
            raise InvalidArgument("An aggregation must be one of count, sum or avg.")
        if kind == "count":
            if a.count.HasField("up_to") and a.count.up_to.value <= 0:
                raise InvalidArgument(f"count up_to must be greater than zero; got {a.count.up_to.value}.")
        else:
            ref = getattr(a, kind).field
            if not ref.field_path:
                raise InvalidArgument(f"A {kind} aggregation must name a field.")
            _path(ref, f"a {kind} aggregation")


def _sum(values_: list) -> Any:
    """Production's sum: integers stay integers unless they overflow int64 or a double joins."""
    total_int = 0
    total = 0.0
    is_double = False
    for v in values_:
        kind = v.WhichOneof("value_type")
        if kind == "integer_value":
            if is_double:
                total += v.integer_value
            else:
                total_int += v.integer_value
                if not _INT64_MIN <= total_int <= _INT64_MAX:
                    is_double = True
                    total = float(total_int)
        else:
            if not is_double:
                is_double = True
                total = float(total_int)
            total += v.double_value
    if is_double:
        return Value(double_value=total)
    return Value(integer_value=total_int)


def run_aggregation(aggregation_query, documents: Iterable):
    """Run a StructuredAggregationQuery; returns an AggregationResult (see module docstring)."""
    validate_aggregation(aggregation_query)
    docs = _ordered(aggregation_query.structured_query, documents)

    result = AggregationResult()
    for alias, agg in zip(aggregation_aliases(aggregation_query), aggregation_query.aggregations):
        kind = agg.WhichOneof("operator")
        if kind == "count":
            n = len(docs)
            if agg.count.HasField("up_to"):
                n = min(n, agg.count.up_to.value)
            result.aggregate_fields[alias].integer_value = n
            continue
        segments = _path(getattr(agg, kind).field, f"a {kind} aggregation")
        get = _value_getter(segments)
        numbers = []
        for d in docs:
            v = get(d)
            if v is not None and v.WhichOneof("value_type") in ("integer_value", "double_value"):
                numbers.append(v)
        if kind == "sum":
            result.aggregate_fields[alias].CopyFrom(_sum(numbers))
        elif not numbers:
            result.aggregate_fields[alias].null_value = 0
        else:
            s = _sum(numbers)
            total = s.double_value if s.WhichOneof("value_type") == "double_value" else s.integer_value
            result.aggregate_fields[alias].double_value = float(total / len(numbers))
    return result


__all__ = [
    "run_query",
    "run_aggregation",
    "validate_query",
    "validate_aggregation",
    "normalized_order",
    "matches_parent",
    "compile_filter",
    "aggregation_aliases",
]
