"""The prevention archive at 500 and 10,000 testimonies: static build time and size, page weight, search latency.

Makes a throw-away installation and N synthetic published entries (signed exactly as a real publication
signs them; the media are small generated files, one per entry, and the transcripts invented sentences of
about 1,500 characters drawn from a word list), then times `archive.site.build` (the static site), and in
process the served archive's search, theme+language+short page and a testimony page.

    .venv/bin/python bench/archive_build.py --entries 500
    .venv/bin/python bench/archive_build.py --entries 10000 --no-build     # search at 10,000
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import secrets
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from safeconduct.archive import entries, site, themes  # noqa: E402
from safeconduct.config import load_settings  # noqa: E402
from safeconduct.org import service as org_service  # noqa: E402
from safeconduct.runtime import Runtime  # noqa: E402

COMMON = ("the group took our passports and we were told that leaving meant death but I found a way out "
          "through the camp with my brother they lied about everything the money went to the emirs "
          "corruption violence women fighters foreigners checkpoint hunger fear prison courage home").split()


def vocabulary(rnd: random.Random, size: int = 5000) -> tuple[list[str], list[float]]:
    """The common words and `size` invented ones, weighted like a language (Zipf: the n-th word ∝ 1/n)."""
    syllables = ["ka", "ri", "mo", "sa", "lu", "de", "na", "ti", "bo", "fe", "ya", "zu", "ha", "mi", "ro"]
    invented = {"".join(rnd.choice(syllables) for _ in range(rnd.randint(2, 4))) for _ in range(size * 2)}
    words = COMMON + sorted(invented - set(COMMON))[:size]
    return words, [1.0 / (rank + 1) for rank in range(len(words))]


def populate(runtime: Runtime, count: int, seed: int = 11) -> None:
    rnd = random.Random(seed)
    words, weights = vocabulary(rnd)
    slugs = [t.slug for t in themes.load(runtime.settings.data_dir)]
    today = dt.datetime.now(dt.UTC).date()
    with runtime.db() as db:
        for i in range(count):
            body = secrets.token_bytes(rnd.randint(20_000, 60_000))  # a stand-in for the media
            digest, size = entries.store_file(runtime.settings.data_dir, [body])
            text = " ".join(rnd.choices(words, weights, k=260))
            vtt = f"WEBVTT\n\n00:00.000 --> 00:05.000\n{text[:80]}\n".encode()
            vtt_digest, vtt_size = entries.store_file(runtime.settings.data_dir, [vtt])
            txt_digest, txt_size = entries.store_file(runtime.settings.data_dir, [text.encode()])
            entries.add(db, signing_key=runtime.org.signing_key, organisation=runtime.org.name,
                        entry_id=secrets.token_hex(8), language=rnd.choice(["en", "fr", "ar"]),
                        duration_s=rnd.randint(60, 900), themes=sorted(rnd.sample(slugs, rnd.randint(1, 3))),
                        transcript=text, voice="Moderate: the voice was disguised.",
                        files=[entries.PublicFile("testimony.mp4", digest, size, "video/mp4"),
                               entries.PublicFile("transcript.vtt", vtt_digest, vtt_size, "text/vtt"),
                               entries.PublicFile("transcript.txt", txt_digest, txt_size, "text/plain")],
                        on=today - dt.timedelta(days=i % 700))
            if i % 500 == 499:
                db.commit()
        db.commit()


def timed(client: TestClient, url: str, runs: int) -> tuple[float, float, int]:
    times = []
    size = 0
    for _ in range(runs):
        started = time.perf_counter()
        r = client.get(url)
        times.append((time.perf_counter() - started) * 1000)
        assert r.status_code == 200, (url, r.status_code)
        size = len(r.content)
    return statistics.median(times), max(times), size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--no-build", action="store_true", help="skip the static build (search only)")
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
    with ExitStack() as stack:
        data = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="sc-archive-")))
        settings = load_settings(data)
        runtime = Runtime.open(settings)
        with runtime.db() as db:
            org_service.initialise(settings, runtime.engine, db, name="Bench organisation")
        started = time.perf_counter()
        populate(runtime, args.entries)
        print(f"made {args.entries} signed entries in {time.perf_counter() - started:.1f} s", flush=True)
        from safeconduct.web.app import create_app
        from safeconduct.web.archive.pages import archive_site

        if not args.no_build:
            out = data / "site"
            with runtime.db() as db:
                published, everything = entries.published(db), entries.everything(db)
            started, cpu = time.perf_counter(), time.process_time()
            files = site.build(archive_site(runtime), settings.data_dir, out, published, everything)
            wall, used = time.perf_counter() - started, time.process_time() - cpu
            total = sum(p.stat().st_size for p in out.rglob("*") if p.is_file())
            pages = sum(p.stat().st_size for p in out.rglob("*.html"))
            print(f"static build: {files} files, {total / 1e6:.1f} MB ({pages / 1e6:.1f} MB of HTML), "
                  f"{wall:.1f} s wall, {used:.1f} s CPU")
            one = next((out / "en").glob("t-*.html"))
            css = (out / "style.css").stat().st_size
            print(f"a testimony page: {one.stat().st_size / 1000:.1f} kB of HTML + {css / 1000:.1f} kB of CSS "
                  "(the media load only when played: preload=metadata)")
        client = stack.enter_context(TestClient(create_app(runtime), base_url="http://testserver"))
        with runtime.db() as db:
            some = entries.published(db)[0].id
        rare = vocabulary(random.Random(11))[0][-1]  # the rarest invented word: in a handful of transcripts
        for label, url in (("search, a common word", "/archive/en/search.html?q=the"),
                           ("search, a word in ~1 % of them", "/archive/en/search.html?q=corruption"),
                           (f"search, a rare word ({rare})", f"/archive/en/search.html?q={rare}"),
                           ("search, three words", "/archive/en/search.html?q=passports+brother+camp"),
                           ("search, no match", "/archive/en/search.html?q=zzzzzz"),
                           ("theme + language + under 5 min", "/archive/fr/theme-corruption-language-fr-short.html"),
                           ("a testimony page", f"/archive/ar/t-{some}.html")):
            median, worst, size = timed(client, url, args.runs)
            print(f"{label:<34} median {median:6.1f} ms  max {worst:6.1f} ms  {size / 1000:6.1f} kB")
        runtime.engine.dispose()
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
