"""Corruptions of valid inputs, for robustness tests and the fuzz script.

Each takes the bytes of a valid input and a random source and returns damaged bytes: what files
from the open web look like after a bad download, a broken converter or a hostile author.
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable

__all__ = ["CORRUPTIONS", "corrupt"]


def truncate(data: bytes, rng: random.Random) -> bytes:
    return data[: rng.randrange(0, max(len(data), 1))]


def flip_bytes(data: bytes, rng: random.Random) -> bytes:
    damaged = bytearray(data)
    for _ in range(rng.randint(1, 20)):
        if damaged:
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
    return bytes(damaged)


def insert_bytes(data: bytes, rng: random.Random) -> bytes:
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]


def shuffle_zip_members(data: bytes, rng: random.Random) -> bytes:
    """Reorder, drop or duplicate the members of a zip (docx, xlsx); other data unchanged."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = [(info.filename, archive.read(info)) for info in archive.infolist()]
    except (zipfile.BadZipFile, OSError, EOFError):
        return data
    rng.shuffle(members)
    if members and rng.random() < 0.5:
        members.pop(rng.randrange(len(members)))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, content in members:
            if rng.random() < 0.2:
                content = truncate(content, rng)
            archive.writestr(name, content)
    return output.getvalue()


def nest_tags(data: bytes, rng: random.Random) -> bytes:
    depth = rng.choice([10, 100, 1000, 5000])
    tag = rng.choice([b"div", b"table", b"td", b"span"])
    at = rng.randrange(len(data) + 1)
    return data[:at] + (b"<" + tag + b">") * depth + data[at:]


def repeat_rows(data: bytes, rng: random.Random) -> bytes:
    lines = data.split(b"\n")
    if not lines:
        return data
    start = rng.randrange(len(lines))
    block = lines[start : start + rng.randint(1, 30)]
    return b"\n".join(lines[:start] + block * rng.randint(2, 50) + lines[start:])


CORRUPTIONS: dict[str, Callable[[bytes, random.Random], bytes]] = {
    "truncate": truncate,
    "flip_bytes": flip_bytes,
    "insert_bytes": insert_bytes,
    "shuffle_zip_members": shuffle_zip_members,
    "nest_tags": nest_tags,
    "repeat_rows": repeat_rows,
}


def corrupt(data: bytes, how: str, seed: int) -> bytes:
    """``data`` damaged by the corruption ``how``, reproducibly from ``seed``."""
    return CORRUPTIONS[how](data, random.Random(seed))
