import pytest

from hearth.errors import Invalid
from hearth.search import query as qp
from hearth.search import terms as t


def test_words_are_tokenised_as_posts_are():
    plan = qp.parse("Rendering Markdown")
    assert set(plan.required) == {"render", "markdown"}


def test_the_lead_term_is_the_rarest_then_the_longest():
    assert qp.parse("use firestore").lead == "firestor"  # "use" is in the common table
    assert qp.parse("cat elephant").lead == "eleph"
    assert qp.parse("@ada elephant").lead == "eleph"  # a word before a handle
    assert qp.parse("@ada").lead == "@ada"


def test_handles_and_tags_are_their_own_terms():
    plan = qp.parse("@Ada #firebase rules")
    assert set(plan.required) == {"@ada", "#firebase", "rule"}


def test_phrases_require_their_words_and_keep_their_order():
    plan = qp.parse('"security rules" deploy')
    assert set(plan.required) == {"secur", "rule", "deploy"}
    assert plan.phrases == (("security", "rules"),)
    assert qp.phrases_match(plan, "Deploy your Security Rules first")
    assert not qp.phrases_match(plan, "rules for security")


def test_an_unclosed_quote_is_a_phrase_to_the_end():
    assert qp.parse('"hot thread').phrases == (("hot", "thread"),)


def test_excluded_words_leave_out_posts_that_hold_them():
    plan = qp.parse("firestore -emulator")
    assert plan.required == ("firestor",)
    assert plan.matches(["firestor", "rule"])
    assert not plan.matches(["firestor", "emul"])
    assert not plan.matches(["rule"])


def test_a_query_of_stop_words_only_is_refused_with_a_sentence():
    with pytest.raises(Invalid) as err:
        qp.parse("how to do the")
    assert err.value.field == "q"
    assert "too common" in str(err.value)


@pytest.mark.parametrize(
    "q",
    [
        None,
        "",
        "   ",
        "x" * (qp.Q_MAX + 1),
        "-only -excluded",
        '"the of"',
        " ".join(f"word{i}" for i in range(qp.MAX_REQUIRED + 1)),
    ],
)
def test_queries_that_cannot_be_planned_are_invalid(q):
    with pytest.raises(Invalid):
        qp.parse(q)


def test_the_key_tells_queries_apart_but_not_word_order():
    assert qp.parse("alpha beta").key() == qp.parse("beta alpha").key()
    assert qp.parse("alpha beta").key() != qp.parse("alpha -beta").key()


def test_a_query_finds_what_the_post_terms_hold():
    post = t.post_terms(t.text_terms(t.post_text("Sharded counters", "Use `firestore.Increment` on shards")), "ada")
    assert qp.parse("shard counter @ada").matches(post)
    assert qp.parse("firestore.Increment").matches(post)
    assert not qp.parse("shard -increment").matches(post)
