from hearth.search import query as qp
from hearth.search.snippet import AFTER, BEFORE, marked, snippet


def text_of(segments):
    return "".join(s["text"] for s in segments)


def test_matched_words_are_marked_in_their_original_form():
    segs = snippet("We were Rendering the page twice.", qp.parse("render page"))
    assert [s["text"] for s in segs if s["match"]] == ["Rendering", "page"]
    assert text_of(segs) == "We were Rendering the page twice."


def test_a_long_text_is_cut_around_the_first_match_at_word_boundaries():
    text = ("lorem " * 100) + "needle here " + ("ipsum " * 100)
    segs = snippet(text, qp.parse("needle"))
    out = text_of(segs)
    assert out.startswith("…") and out.endswith("…")
    assert len(out) <= BEFORE + AFTER + 20
    assert [s["text"] for s in segs if s["match"]] == ["needle"]
    assert all(w in ("lorem", "ipsum", "needle", "here", "…") for w in out.replace("…", " … ").split())


def test_no_match_in_the_text_gives_its_start():
    segs = snippet("Nothing relevant in this body at all", qp.parse("@ada"))
    assert segs == [{"text": "Nothing relevant in this body at all", "match": False}]


def test_phrase_words_are_marked_even_when_they_are_stop_words():
    segs = marked("Out of memory in the emulator", qp.parse('"out of memory"'))
    assert [s["text"] for s in segs if s["match"]] == ["Out", "of", "memory"]


def test_non_bmp_text_keeps_whole_characters():
    segs = snippet("🔥 Firestore 🔥 search", qp.parse("search"))
    assert text_of(segs) == "🔥 Firestore 🔥 search"
    assert segs[-1] == {"text": "search", "match": True}
