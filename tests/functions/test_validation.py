import pytest

from hearth import validation
from hearth.errors import BadRequest, Invalid, NotFound


@pytest.mark.parametrize("value", ["t", "x" * 150, "  padded  "])
def test_title_accepts_1_to_150_characters(value):
    assert validation.title(value) == value.strip()


@pytest.mark.parametrize("value", ["", "   ", "x" * 151, None, 5, ["a"], "a\x00b"])
def test_title_refuses_empty_long_or_non_string(value):
    with pytest.raises(Invalid) as err:
        validation.title(value)
    assert err.value.field == "title"


def test_body_limit_is_20000_characters():
    assert len(validation.body("b" * 20_000)) == 20_000
    with pytest.raises(Invalid, match="at most 20000"):
        validation.body("b" * 20_001)


@pytest.mark.parametrize("tags", [[], ["a"], ["python", "firebase", "web-dev", "x" * 30], None])
def test_tags_accepts_up_to_four_valid_tags(tags):
    assert validation.tags(tags) == (tags or [])


@pytest.mark.parametrize("tags", [["A"], ["with space"], ["x" * 31], [""], ["a", "b", "c", "d", "e"],
                                  ["dup", "dup"], "python", [3]])
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


@pytest.mark.parametrize("raw,expected", [(None, 20), ("", 20), ("1", 1), ("50", 50)])
def test_limit_defaults_to_20_and_allows_1_to_50(raw, expected):
    assert validation.limit(raw) == expected


@pytest.mark.parametrize("raw", ["0", "51", "-1", "ten", "1.5"])
def test_limit_refuses_out_of_range_or_non_numbers(raw):
    with pytest.raises(Invalid) as err:
        validation.limit(raw)
    assert err.value.field == "limit"


def test_reaction_type_must_be_one_of_devtos_five():
    for kind in ("like", "unicorn", "exploding_head", "raised_hands", "fire"):
        assert validation.reaction_type(kind) == kind
    with pytest.raises(Invalid):
        validation.reaction_type("heart")


def test_json_object_refuses_arrays_and_scalars():
    assert validation.json_object({"a": 1}) == {"a": 1}
    for value in ([], "x", 3, None):
        with pytest.raises(BadRequest):
            validation.json_object(value)


def test_only_fields_names_the_unknown_field():
    with pytest.raises(Invalid) as err:
        validation.only_fields({"title": "t", "titel": "x"}, ("title", "body"))
    assert err.value.field == "titel"


@pytest.mark.parametrize("value", ["../x", "a/b", "", "x" * 65, "a b"])
def test_ids_from_urls_that_cannot_exist_are_not_found(value):
    with pytest.raises(NotFound):
        validation.doc_id(value, "thread")
