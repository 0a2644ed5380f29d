import pytest

from hearth.search import terms as t
from hearth.search.text import plain_text


def found_by(text: str, query_word: str) -> bool:
    """Whether a text's terms hold every term of a query word (as a search checks them)."""
    return set(t.text_terms(query_word)) <= set(t.text_terms(text)) and bool(t.text_terms(query_word))


@pytest.mark.parametrize(
    "text, word",
    [
        ("Rendering markdown on write", "render"),
        ("render the page", "rendering"),
        ("The cats sat", "cat"),
        ("Café au lait", "CAFE"),
        ("naïve approach", "naive"),
        ("STRASSE und Straße", "strasse"),
        ("ﬁrebase ligature", "firebase"),  # NFKC: the ligature is two letters
        ("東京都に住んでいます", "東京"),
        ("Привет, Мир", "мир"),
    ],
)
def test_words_are_found_by_their_folded_stemmed_forms(text, word):
    assert found_by(text, word)


def test_unrelated_words_are_not_found():
    assert not found_by("Rendering markdown", "firebase")
    assert not found_by("東京都", "大阪")


@pytest.mark.parametrize(
    "identifier, parts",
    [
        ("get_all", ["get_all", "get"]),  # "all" is a stop word
        ("markdownToHTML", ["markdowntohtml", "markdown", "html"]),
        ("HTMLParser", ["htmlparser", "html", "parser"]),
        ("os.path.join", ["os.path.join", "os", "path", "join"]),
        ("firebase-tools", ["firebase-tools", "firebas", "tool"]),
        ("python311", ["python311", "python", "311"]),
    ],
)
def test_code_identifiers_are_terms_whole_and_by_their_parts(identifier, parts):
    assert t.text_terms(identifier) == parts


def test_stop_words_and_single_characters_are_dropped():
    assert t.text_terms("the and of a x 1 is it how") == []
    assert t.text_terms("don't isn't") == []


def test_contractions_that_spell_other_words_are_kept():
    assert t.text_terms("she'll we'll") == ["shell", "well"]


def test_terms_are_distinct_in_order_of_first_appearance():
    assert t.text_terms("render rendering rendered markdown render") == ["render", "markdown"]


def test_long_terms_are_cut():
    assert t.text_terms("x" * 500) == ["x" * t.MAX_TERM_CHARS]


def test_a_long_body_stops_at_the_term_cap():
    words = " ".join(f"word{n}" for n in range(2000))
    assert len(t.text_terms(words)) == t.MAX_TERMS


def test_post_terms_put_the_handle_and_tags_first_and_cap_the_total():
    words = [f"w{n}" for n in range(400)]
    got = t.post_terms(words, "Ada", ["firebase", "python"])
    assert got[:3] == ["@ada", "#firebase", "#python"]
    assert len(got) == t.MAX_TERMS


def test_plain_text_keeps_prose_link_text_and_code_but_not_urls_or_markup():
    body = (
        '# Heading\n\nSome *emph* and [link text](http://example.com/secretpath "title") '
        "![alt words](img.png) <https://auto.example/zzz> &amp; `inline_code`\n\n"
        "```py\ndef fooBar():\n    pass\n```\n\n> quoted\n\n- item\n\n[r]: http://ref.example/hidden"
    )
    text = plain_text(body)
    for kept in ("Heading", "emph", "link text", "alt words", "&", "inline_code", "def fooBar", "quoted", "item"):
        assert kept in text
    for gone in ("secretpath", "example.com", "auto.example", "ref.example", "img.png", "`", "#", "*", "[", "]"):
        assert gone not in text
    assert plain_text("**bold** and __strong__ in a snake_case_name") == "bold and strong in a snake_case_name"


def test_terms_of_a_post_include_code_identifiers_from_its_code_block():
    terms = t.text_terms(t.post_text("A title", "Prose.\n\n```js\nconst renderQueue = [];\n```"))
    assert {"titl", "prose", "renderqueue", "render", "queue", "const"} <= set(terms)


def test_camel_parts_in_any_script():
    assert t.camel_parts("ÉtéÀ") == ["Été", "À"]
    assert t.camel_parts("lowercase") == ["lowercase"]
