"""The transport's HPACK decoder (hpack_decoder.py) against the hpack package's decoder."""
from __future__ import annotations

import random

import pytest
from hpack import Decoder as ReferenceDecoder
from hpack import Encoder, NeverIndexedHeaderTuple
from hpack.exceptions import HPACKError

from tests.emulator import pb_helpers  # noqa: F401  (puts the emulator package on sys.path)

from firestore_emulator.hpack_decoder import Decoder  # noqa: E402

NAMES = [b"a", b"bb", b"x-goog-request-params", b"grpc-timeout", b":path", b"content-type", b"n" * 200]
VALUES = [b"", b"1", b"\xff\x00binary", b"v" * 300, b"/google.firestore.v1.Firestore/Commit", b"59999m"]


@pytest.mark.parametrize("table_size", [0, 100, 256, 4096])
@pytest.mark.parametrize("huffman", [False, True])
def test_decodes_what_hpack_decodes_across_many_blocks(table_size, huffman):
    rnd = random.Random(f"{table_size}-{huffman}")
    for _ in range(40):
        encoder = Encoder()
        encoder.header_table_size = table_size  # emits a table size update, evicts as it goes
        reference, ours = ReferenceDecoder(), Decoder()
        for _ in range(25):
            headers = []
            for _ in range(rnd.randrange(1, 12)):
                name = rnd.choice(NAMES) + bytes([rnd.randrange(97, 100)])
                value = rnd.choice(VALUES) + str(rnd.randrange(4)).encode()
                headers.append(NeverIndexedHeaderTuple(name, value) if rnd.random() < 0.1 else (name, value))
            block = encoder.encode(headers, huffman=huffman)
            assert [tuple(h) for h in ours.decode(block)] == [tuple(h) for h in reference.decode(block, raw=True)]


def test_garbage_raises_only_hpack_errors():
    rnd = random.Random(7)
    for _ in range(5000):
        junk = bytes(rnd.randrange(256) for _ in range(rnd.randrange(1, 40)))
        try:
            Decoder().decode(junk)
        except HPACKError:
            pass


def test_an_oversized_header_list_is_refused():
    block = Encoder().encode([(b"x", b"y" * 70000)], huffman=False)
    with pytest.raises(HPACKError):
        Decoder(max_header_list_size=65536).decode(block)


def test_a_table_size_update_beyond_the_allowed_size_is_refused():
    with pytest.raises(HPACKError):
        Decoder(max_allowed_table_size=4096).decode(b"\x3f\xe1\x3f")  # size update to 8192
