import pytest

from hearth import validation
from hearth.errors import Invalid, NotFound


@pytest.mark.parametrize(
    "value",
    [
        "t",
        "x" * 150,
        "  padded  ",
        "\u00c9t\u00e9 \U0001f525",
        "\u05e9\u05dc\u05d5\u05dd",
        "a\u200bb",
        "\u200fRTL mark",
        "tab\tand\nnewline",
        "\u0301",
        "\ue000",
    ],
)
def test_title_accepts_1_to_150_characters_with_something_visible(value):
    assert validation.title(value) == value.strip()


@pytest.mark.parametrize("value", ["", "   ", "x" * 151, " " + "x" * 150, None, 5, ["a"]])
def test_title_refuses_empty_long_or_non_string(value):
    with pytest.raises(Invalid) as err:
        validation.title(value)
    assert err.value.field == "title"


INVISIBLE_ONLY = [
    "\u200b\u200b",
    "\u200d",
    "\u3164",
    "\u2800",
    "\u115f\u1160",
    "\ufe0f",
    "\u00ad",
    "\U000e0041\U000e0042",
    "\u2060",
    "\ufeff",
    " \u3000 \u00a0 \u200b ",
]
CONTROLS = ["a\x00b", "a\x07b", "a\rb", "a\x1bb", "a\x7fb", "a\x85b", "a\x9fb", "a\x0bb", "a\x0cb"]
BIDI = [
    "a\u202ab",
    "a\u202bb",
    "a\u202cb",
    "a\u202db",
    "evil\u202eexe.txt",
    "a\u2066b",
    "a\u2067b",
    "a\u2068b",
    "a\u2069b",
]


@pytest.mark.parametrize("check", [validation.title, validation.display_name])
@pytest.mark.parametrize("value", INVISIBLE_ONLY + CONTROLS + BIDI + ["a\ud800b", "\udfff"])
def test_titles_and_display_names_refuse_invisible_control_bidi_and_surrogates(check, value):
    with pytest.raises(Invalid) as err:
        check(value)
    assert err.value.field in ("title", "displayName")


@pytest.mark.parametrize("check,field", [(validation.body, "body"), (validation.bio, "bio")])
@pytest.mark.parametrize("value", CONTROLS + ["a\ud800b", "\udc00"])
def test_every_text_field_refuses_controls_and_lone_surrogates(check, field, value):
    with pytest.raises(Invalid) as err:
        check(value)
    assert err.value.field == field


@pytest.mark.parametrize("value", ["\u202eright to left override", "\u2067isolate\u2069", "\u200b"])
def test_bodies_may_hold_bidi_controls_and_invisible_characters(value):
    # A body is rendered as its own block of HTML, where an override cannot reach the page around it.
    assert validation.body(value) == value


def test_bio_may_be_blank_and_is_trimmed():
    assert validation.bio("   ") == "" and validation.bio(None) == "" and validation.bio(" hi ") == "hi"


@pytest.mark.parametrize("value", ["", " \n\t ", "\u3000"])
def test_body_must_not_be_blank(value):
    with pytest.raises(Invalid, match="required"):
        validation.body(value)


def test_body_limit_is_20000_characters():
    assert len(validation.body("b" * 20_000)) == 20_000
    with pytest.raises(Invalid, match="at most 20000"):
        validation.body("b" * 20_001)


@pytest.mark.parametrize("tags", [[], ["a"], ["python", "firebase", "web-dev", "x" * 30], None])
def test_tags_accepts_up_to_four_valid_tags(tags):
    assert validation.tags(tags) == (tags or [])


@pytest.mark.parametrize(
    "tags", [["A"], ["with space"], ["x" * 31], [""], ["a", "b", "c", "d", "e"], ["dup", "dup"], "python", [3]]
)
def test_tags_refuses_bad_tags(tags):
    with pytest.raises(Invalid) as err:
        validation.tags(tags)
    assert err.value.field == "tags"


@pytest.mark.parametrize("handle", ["abc", "user_1", "a" * 30])
def test_handle_accepts_3_to_30_of_a_z_0_9_underscore(handle):
    assert validation.handle(handle) == handle


@pytest.mark.parametrize("handle", ["ab", "a" * 31, "Abc", "a-b", "a b", "", None, "ünï"])
def test_handle_refuses_anything_else(handle):
    with pytest.raises(Invalid) as err:
        validation.handle(handle)
    assert err.value.field == "handle"


@pytest.mark.parametrize("raw,expected", [(None, 20), ("1", 1), ("50", 50), ("007", 7), ("+5", 5)])
def test_limit_defaults_to_20_and_allows_1_to_50(raw, expected):
    assert validation.limit(raw) == expected


@pytest.mark.parametrize("raw", ["", "0", "51", "-1", "ten", "1.5", " 5", "1_0", "\u0663", "9" * 5000])
def test_limit_refuses_out_of_range_or_non_numbers(raw):
    with pytest.raises(Invalid) as err:
        validation.limit(raw)
    assert err.value.field == "limit"


def test_reaction_type_must_be_one_of_devtos_five():
    for kind in ("like", "unicorn", "exploding_head", "raised_hands", "fire"):
        assert validation.reaction_type(kind) == kind
    with pytest.raises(Invalid):
        validation.reaction_type("heart")


@pytest.mark.parametrize("value", ["../x", "a/b", "", "x" * 65, "a b", "__x__", "__main__", "____", "abc\n", ".", ".."])
def test_ids_from_urls_that_cannot_exist_are_not_found(value):
    with pytest.raises(NotFound):
        validation.doc_id(value, "thread")


@pytest.mark.parametrize("value", ["__main__", "__x__", "a/b", "", "x" * 65, 5, ["a"], {"a": 1}])
def test_ids_in_bodies_that_cannot_exist_are_invalid_on_their_field(value):
    with pytest.raises(Invalid) as err:
        validation.id_field(value, "parentId")
    assert err.value.field == "parentId"


@pytest.mark.parametrize("value", ["abc", "__x", "x__", "_a_", "a" * 64, "AZaz09-_", "Xy3kPq8LmN2vB7cD1eFg"])
def test_ids_of_hearths_shape_are_accepted(value):
    assert validation.doc_id(value, "thread") == value == validation.id_field(value, "parentId")


@pytest.mark.parametrize(
    "value,ok",
    [
        ("abc", True),
        ("caf\u00e9", True),
        ("a" * 1500, True),
        ("a" * 1501, False),
        ("\u00e9" * 751, False),
        ("__x__", False),
        ("__\n__", False),
        (".", False),
        ("..", False),
        ("...", True),
        ("a/b", False),
        ("", False),
        ("a\ud800", False),
        (None, False),
    ],
)
def test_firestore_document_id_rules(value, ok):
    assert validation.is_firestore_id(value) is ok


@pytest.mark.parametrize("handle", ["__abc__", "____", "__x_y__"])
def test_handles_firestore_reserves_are_refused(handle):
    with pytest.raises(Invalid) as err:
        validation.handle(handle)
    assert err.value.field == "handle"
    assert not validation.is_handle(handle)


def test_tag_filter_is_absent_or_one_valid_tag():
    assert validation.tag_filter(None) is None and validation.tag_filter("py-3") == "py-3"
    for raw in ("", "A", "a b", "x" * 31):
        with pytest.raises(Invalid):
            validation.tag_filter(raw)
