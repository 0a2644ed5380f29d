"""Query explain (explain_options): a plan without results, or results with execution stats."""
from __future__ import annotations

from google.cloud import firestore
from google.cloud.firestore_v1.query_profile import ExplainOptions


def _seed(db):
    for i in range(4):
        db.document(f"posts/{i}").set({"n": i})
    return db.collection("posts").where(filter=firestore.FieldFilter("n", ">=", 2))


def test_explain_without_analyze_returns_a_plan_and_no_documents(db):
    results = _seed(db).get(explain_options=ExplainOptions(analyze=False))
    assert len(results) == 0
    metrics = results.get_explain_metrics()
    assert metrics.plan_summary.indexes_used


def test_explain_with_analyze_returns_documents_and_execution_stats(db):
    results = _seed(db).get(explain_options=ExplainOptions(analyze=True))
    assert sorted(s.id for s in results) == ["2", "3"]
    stats = results.get_explain_metrics().execution_stats
    assert stats.results_returned == 2
    assert stats.read_operations >= 2


def test_explain_of_an_aggregation_reports_one_result(db):
    _seed(db)
    results = db.collection("posts").count().get(explain_options=ExplainOptions(analyze=True))
    assert results[0][0].value == 4
    assert results.get_explain_metrics().execution_stats.results_returned == 1
