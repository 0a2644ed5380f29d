import pytest

from hearth.forum.mentions import MAX_MENTIONS, handles_in, mentioned_uids
from hearth.forum.render import markdown_to_html, sanitize


@pytest.mark.parametrize(
    "source, handles",
    [
        ("hi @ada", ["ada"]),
        ("@ada, @bob_2 and @ada again", ["ada", "bob_2"]),
        ("@Ada is @ada", ["ada"]),
        ("(@ada) @ada. @ada! *@bob*", ["ada", "bob"]),
        ("`@ada` and\n\n```\n@bob\n```\n\n    @carl", []),
        ("[@ada](https://example.com) <https://x.example/@bob>", []),
        ("![@ada](https://example.com/a.png)", []),
        ("mail ada@example.com or @@bob or a/@carl", []),
        ("@ab is too short, @" + "a" * 31 + " too long", []),
        ("> quoted @ada\n\n- listed @bob", ["ada", "bob"]),
    ],
)
def test_handles_are_found_in_text_only(source, handles):
    assert handles_in(source) == handles


def test_at_most_ten_handles_are_taken_from_a_post():
    source = " ".join(f"@user_{n:02d}" for n in range(15))
    assert handles_in(source) == [f"user_{n:02d}" for n in range(MAX_MENTIONS)]


def test_each_mentioned_user_is_notified_once_in_order():
    assert mentioned_uids({"ada": "u1", "bob": "u2"}) == ["u1", "u2"]


def test_known_handles_become_profile_links():
    html = markdown_to_html("hi @Ada and @bob", {"ada": "u1"})
    # By uid: the link keeps its person when they change handle, and never reaches whoever takes it later.
    assert html == '<p>hi <a href="/u/id/u1" class="mention" rel="nofollow ugc noopener">@Ada</a> and @bob</p>\n'


def test_a_mention_link_quotes_the_uid():
    assert 'href="/u/id/a%2Fb%3Fc"' in markdown_to_html("@ada", {"ada": "a/b?c"})


@pytest.mark.parametrize(
    "source",
    [
        "`@ada`",
        "```\n@ada\n```",
        "    @ada",
        "[see @ada](https://example.com)",
        "ada@example.com",
    ],
)
def test_no_mention_link_inside_code_links_or_addresses(source):
    assert 'class="mention"' not in markdown_to_html(source, {"ada": "u1"})


def test_without_known_handles_the_text_stays_plain():
    assert markdown_to_html("hi @ada") == "<p>hi @ada</p>\n"


def test_only_the_mention_class_survives_sanitising():
    assert sanitize('<a href="/u/a" class="mention evil">x</a><p class="x">y</p>') == (
        '<a href="/u/a" class="mention" rel="nofollow ugc noopener">x</a><p>y</p>'
    )


def test_names_firestore_reserves_are_never_looked_up_as_handles():
    assert handles_in("hi @__abc__ and @__main__ and @ada") == ["ada"]


def test_a_post_notifies_at_most_ten_users_over_its_whole_life():
    """Finding 3: one comment edited 4 times with 10 new handles each notified 40 users."""
    from hearth.forum.mentions import lifetime

    ever: list[str] = []
    for edit in range(4):
        known = {f"h{edit}_{n}": f"u{edit}_{n}" for n in range(MAX_MENTIONS)}
        ever = lifetime(ever, known)
    assert ever == [f"u0_{n}" for n in range(MAX_MENTIONS)]


def test_an_edit_keeps_earlier_mentions_and_adds_new_ones_while_there_is_room():
    from hearth.forum.mentions import lifetime

    assert lifetime(["u1"], {"bob": "u2", "ada": "u1"}) == ["u1", "u2"]
    assert lifetime(None, {}) == []
