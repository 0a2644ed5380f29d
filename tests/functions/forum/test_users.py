import pytest

from hearth import validation
from hearth.auth import Caller
from hearth.forum.users import RoleMemo, generated_handles, initial_display_name, sync_role


def test_generated_handles_are_valid_and_come_from_the_uid():
    for uid in ("0e9HzkmfELpA1iHhwCiOgYesOfZx", "a", "___", "X" * 40):
        handles = generated_handles(uid)
        assert len(handles) == 3
        for handle in handles:
            assert validation.HANDLE_RE.fullmatch(handle), handle


class Snap:
    def __init__(self, data: dict | None, ref=None) -> None:
        self.exists = data is not None
        self._data = data
        self.reference = ref

    def to_dict(self) -> dict | None:
        return self._data


class ProfileStore:
    """A stand-in for Firestore that holds users/{uid} and moderators/{uid} documents and counts
    round trips (reads) and profile writes."""

    def __init__(self, **profiles: dict) -> None:
        self.profiles = profiles
        self.moderators: set[str] = {uid for uid, p in profiles.items() if p.get("role") == "moderator"}
        self.reads = 0
        self.writes: list[tuple[str, dict]] = []

    def collection(self, name: str) -> "Collection":
        assert name in ("users", "moderators")
        return Collection(self, name)

    def get_all(self, refs, transaction=None):
        self.reads += 1
        return [ref.snap() for ref in refs]

    def batch(self) -> "Batch":
        return Batch(self)


class Collection:
    def __init__(self, store: ProfileStore, name: str) -> None:
        self.store, self.name = store, name

    def document(self, uid: str) -> "ProfileRef":
        return ProfileRef(self.store, self.name, uid)


class ProfileRef:
    def __init__(self, store: ProfileStore, kind: str, uid: str) -> None:
        self.store, self.kind, self.uid = store, kind, uid
        self.path = f"{kind}/{uid}"

    def set(self, data: dict) -> None:
        assert self.kind == "moderators"
        self.store.moderators.add(self.uid)

    def delete(self) -> None:
        assert self.kind == "moderators"
        self.store.moderators.discard(self.uid)

    def snap(self) -> Snap:
        if self.kind == "users":
            return Snap(self.store.profiles.get(self.uid), self)
        return Snap({"uid": self.uid} if self.uid in self.store.moderators else None, self)


class Batch:
    def __init__(self, store: ProfileStore) -> None:
        self.store = store
        self.ops: list[tuple[str, ProfileRef, dict | None]] = []

    def update(self, ref: ProfileRef, changes: dict) -> None:
        self.ops.append(("update", ref, changes))

    def set(self, ref: ProfileRef, data: dict) -> None:
        self.ops.append(("set", ref, data))

    def delete(self, ref: ProfileRef) -> None:
        self.ops.append(("delete", ref, None))

    def commit(self) -> None:
        for op, ref, data in self.ops:
            if ref.kind == "users":
                assert data is not None, "profiles are updated, never deleted"
                self.store.writes.append((ref.uid, data))
                self.store.profiles[ref.uid].update(data)
            elif op == "set":
                self.store.moderators.add(ref.uid)
            else:
                self.store.moderators.discard(ref.uid)


def test_role_sync_writes_once_when_the_claim_changed_then_costs_nothing():
    db, memo = ProfileStore(u1={"role": "member"}), RoleMemo()
    promoted = Caller("u1", {"moderator": True})
    sync_role(db, promoted, memo)
    assert db.writes == [("u1", {"role": "moderator"})] and db.reads == 1
    for _ in range(3):
        sync_role(db, promoted, memo)
    assert db.reads == 1 and len(db.writes) == 1


def test_role_sync_reads_once_and_never_writes_when_the_role_is_unchanged():
    db, memo = ProfileStore(u1={"role": "moderator"}), RoleMemo()
    for _ in range(3):
        sync_role(db, Caller("u1", {"moderator": True}), memo)
    assert db.reads == 1 and db.writes == []


def test_role_sync_needs_no_read_when_the_stored_role_was_seen_already():
    db, memo = ProfileStore(u1={"role": "member"}), RoleMemo()
    memo.put((None, "u1"), "member")  # as read_profile notes it while serving a write
    sync_role(db, Caller("u1", {}), memo)
    assert db.reads == 0 and db.writes == []
    sync_role(db, Caller("u1", {"moderator": True}), memo)
    assert db.reads == 0 and db.writes == [("u1", {"role": "moderator"})]


def test_role_sync_follows_a_demotion():
    db, memo = ProfileStore(u1={"role": "member"}), RoleMemo()
    sync_role(db, Caller("u1", {"moderator": True}), memo)
    sync_role(db, Caller("u1", {}), memo)
    assert db.profiles["u1"]["role"] == "member"
    assert db.writes == [("u1", {"role": "moderator"}), ("u1", {"role": "member"})]
    assert db.moderators == set()  # the rules stop trusting the claim with the role


def test_role_sync_keeps_the_rules_record_of_moderators_in_step():
    """Finding 10: the rules trust the claim only while moderators/{uid} exists."""
    db, memo = ProfileStore(u1={"role": "member"}), RoleMemo()
    sync_role(db, Caller("u1", {"moderator": True}), memo)
    assert db.moderators == {"u1"}
    # A moderator whose profile says so but whose record is missing (made before the record) gets it.
    db2 = ProfileStore(u2={"role": "moderator"})
    db2.moderators.clear()
    sync_role(db2, Caller("u2", {"moderator": True}), RoleMemo())
    assert db2.moderators == {"u2"} and db2.reads == 1


def test_role_sync_leaves_a_missing_profile_to_be_made_with_the_right_role():
    db = ProfileStore()
    sync_role(db, Caller("u1", {"moderator": True}), RoleMemo())
    assert db.writes == [] and db.profiles == {}
    assert db.moderators == {"u1"}  # a moderator who has only read still gets the rules' record
    sync_role(db, Caller("u1", {}), RoleMemo())
    assert db.moderators == set()


def test_the_role_memo_forgets_everything_when_full():
    memo = RoleMemo(capacity=2)
    memo.put(("p", "a"), "member")
    memo.put(("p", "b"), "member")
    memo.put(("p", "c"), "moderator")
    assert not memo.knows(("p", "a")) and memo.get(("p", "c")) == "moderator"


@pytest.mark.parametrize(
    "name,expected",
    [
        ("Ada", "Ada"),
        ("  Ada  ", "Ada"),
        ("\u200b", "user_x"),
        ("evil\u202eexe", "user_x"),
        ("a\x00b", "user_x"),
        (None, "user_x"),
        ("x" * 80, "x" * 50),
    ],
)
def test_a_new_profile_takes_the_account_name_only_if_it_passes_the_display_name_rules(name, expected):
    claims = {"name": name} if name is not None else {}
    assert initial_display_name(Caller("u1", claims), "user_x") == expected
