"""Demo content for `make dev`, written through the API itself: users, threads, nested comments, reactions."""

from __future__ import annotations

from .authemu import User, set_claims, sign_in, sign_up
from .client import Api

PASSWORD = "hearth-demo"
PEOPLE = [
    ("ada", "Ada Lovelace", "Writes about engines, analytical and otherwise."),
    ("grace", "Grace Hopper", "Compilers, nanoseconds and debugging moths."),
    ("linus", "Linus", "Patches welcome."),
    ("mod", "Hearth Moderator", "Keeps the hearth warm. (moderator)"),
]
MODERATORS = frozenset({"mod"})  # given the moderator claim: they see the queue, the log, hide and suspend
THREADS = [
    (
        "ada",
        "Welcome to Hearth 👋",
        "Say hi and tell us what you are building.\n\n"
        "Markdown works: **bold**, `code`, [links](https://firebase.google.com).",
        ["meta", "welcome"],
    ),
    (
        "grace",
        "How do you test Cloud Functions locally?",
        "I run the **Firebase Emulator Suite**. What is your setup?\n\n"
        '```python\ndef greet(name: str) -> str:\n    return f"hello {name}"  # from a test\n\nprint(greet("world"))\n```\n\n'
        "| emulator | port |\n|---|--:|\n| Firestore | 8080 |\n| Auth | 9099 |\n\n"
        "> Tests that need a server start it themselves.\n\n- unit tests in-process\n- API tests over HTTP",
        ["firebase", "testing"],
    ),
    ("linus", "Tabs or spaces in 2026?", "Asking for a friend.", ["discuss"]),
    (
        "ada",
        "Firestore counters under load",
        "When does a single document stop being enough? Shards?",
        ["firebase", "firestore"],
    ),
]


def accounts() -> list[tuple[str, str, str]]:
    """(handle, email, password) of every demo user."""
    return [(h, f"{h}@example.com", PASSWORD) for h, _, _ in PEOPLE]


def seeded(auth_url: str) -> bool:
    """Whether the demo users exist already (kept data from an earlier `make dev KEEP=1`)."""
    _, email, password = accounts()[0]
    try:
        sign_in(auth_url, email, password)
    except RuntimeError:
        return False
    return True


def seed(api_url: str, auth_url: str, project: str) -> list[tuple[str, str, str]]:
    """Create the demo content unless it is there already; returns the demo users' sign-ins."""
    if seeded(auth_url):
        return accounts()
    call = Api(api_url).call
    users: dict[str, User] = {}
    for handle, name, bio in PEOPLE:
        email = f"{handle}@example.com"
        user = sign_up(auth_url, email, PASSWORD, display_name=name)
        if handle in MODERATORS:
            set_claims(auth_url, project, user.uid, {"moderator": True})
            user = sign_in(auth_url, email, PASSWORD)
        call("PUT", "/me", user, {"handle": handle, "displayName": name, "bio": bio})
        users[handle] = user
    threads = [call("POST", "/threads", users[h], {"title": t, "body": b, "tags": tags}) for h, t, b, tags in THREADS]
    welcome, testing = threads[0]["id"], threads[1]["id"]
    root = call(
        "POST", f"/threads/{welcome}/comments", users["grace"], {"body": "Hi! Building a *compiler* for a forum DSL."}
    )
    reply = call(
        "POST",
        f"/threads/{welcome}/comments",
        users["ada"],
        {"body": "A DSL for forums? Tell me more.", "parentId": root["id"]},
    )
    deep = call(
        "POST",
        f"/threads/{welcome}/comments",
        users["grace"],
        {"body": "Threads all the way down.", "parentId": reply["id"]},
    )
    call(
        "POST",
        f"/threads/{welcome}/comments",
        users["linus"],
        {"body": "Depth three is where the nesting stops.", "parentId": deep["id"]},
    )
    call(
        "POST",
        f"/threads/{welcome}/comments",
        users["linus"],
        {"body": "Hello from Helsinki. @grace, is the DSL public?"},
    )
    call(
        "POST", f"/threads/{testing}/comments", users["ada"], {"body": "`make dev`, then pytest against the emulators."}
    )
    for handle, kinds in {"ada": ["like", "fire"], "linus": ["like", "unicorn"], "mod": ["raised_hands"]}.items():
        for kind in kinds:
            call("PUT", f"/threads/{welcome}/reactions/{kind}", users[handle])
    call("PUT", f"/threads/{welcome}/comments/{root['id']}/reactions/like", users["ada"])
    call("PUT", f"/threads/{testing}/bookmark", users["ada"])
    return accounts()
