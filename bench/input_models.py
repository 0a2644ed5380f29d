"""What typed input costs, in-process: parsing a body and a query string, the OpenAPI document, the import.

    .venv/bin/python -m bench.input_models [--rounds 20000]

Prints microseconds per parse of a thread body through its model (ThreadInput) beside the same
validation.py rules called directly, of a list's query string (ThreadsQuery), the milliseconds to
build the OpenAPI document (once per process) and to hand out a copy, and the CPU milliseconds of
importing the app in a fresh interpreter (a Functions worker's cold start pays it once).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
import timeit
from pathlib import Path

FUNCTIONS = Path(__file__).resolve().parent.parent / "functions"
sys.path.insert(0, str(FUNCTIONS))

from hearth import validation  # noqa: E402
from hearth.api import models, openapi  # noqa: E402

BODY = {"title": "Hello there", "body": "Some **markdown** body " * 20, "tags": ["intro", "python"]}
QUERY = {"sort": "top", "limit": "20"}
IMPORT = "import time; t = time.process_time(); import hearth.api.app; print((time.process_time() - t) * 1000)"


def per_call_us(fn, rounds: int) -> float:
    return timeit.timeit(fn, number=rounds) / rounds * 1e6


def rules_alone() -> None:
    validation.title(BODY["title"]), validation.body(BODY["body"]), validation.tags(BODY["tags"])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=20000)
    rounds = parser.parse_args().rounds
    model = per_call_us(lambda: models.ThreadInput.model_validate(BODY), rounds)
    rules = per_call_us(rules_alone, rounds)
    query = per_call_us(lambda: models.ThreadsQuery.model_validate(QUERY), rounds)
    openapi._document.cache_clear()  # noqa: SLF001 - time a cold build of the cached document
    start = time.perf_counter()
    openapi.openapi_document()
    built = (time.perf_counter() - start) * 1000
    copy = per_call_us(openapi.openapi_document, 50) / 1000
    cold = [
        float(
            subprocess.run(
                [sys.executable, "-c", IMPORT], cwd=FUNCTIONS, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(3)
    ]
    print(f"ThreadInput parse {model:.1f} us (its rules alone {rules:.1f} us); ThreadsQuery parse {query:.1f} us")
    print(f"OpenAPI document: built in {built:.0f} ms once per process, {copy:.1f} ms per copy served")
    print(f"import hearth.api.app: {min(cold):.0f} ms CPU (best of 3)")


if __name__ == "__main__":
    main()
