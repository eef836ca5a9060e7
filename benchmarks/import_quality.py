"""How well `import` reads old pages it was not written for: every fixture in
tests/fixtures/import/unseen (pages written in the styles of TRS/WCM, 帝国CMS, DedeCMS, WordPress,
动易, PHPCMS, SiteServer, hacked portals, copied text; GBK, Big5, UTF-8, traditional and simplified)
scored field by field against what a person reads off the page, with the extractor library
(trafilatura + htmldate, the default) and with our line rules alone.

    python benchmarks/import_quality.py
"""
from __future__ import annotations

import sys
import tempfile
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

import importcheck as C  # noqa: E402
from dangjian.tools.importer import import_pages  # noqa: E402

COLUMNS = ("title", "date", "source", "author", "editor", "paragraphs", "junk", "held")


def run(extractor: bool) -> dict[str, tuple[dict[str, bool], list[str]]]:
    out = {}
    for want in C.expectations():
        with tempfile.TemporaryDirectory() as tmp:
            report = import_pages([want["path"]], "dangjian", Path(tmp), today=date(2024, 5, 1),
                                  extractor=extractor)[0]
            fm, body = C.read_output(report.output) if report.output else ({}, "")
            out[want["file"]] = (C.score(want, fm, body), C.misses(want, fm, body))
    return out


def main() -> None:
    results = {mode: run(mode == "extractor") for mode in ("extractor", "rules")}
    print("| page | " + " | ".join(COLUMNS) + " | rules alone |")
    print("|---|" + "---|" * (len(COLUMNS) + 1))
    for name, (score, _) in results["extractor"].items():
        rules = results["rules"][name][0]
        diff = [c for c in COLUMNS if rules[c] != score[c]]
        cells = ["✔" if score[c] else "✘" for c in COLUMNS]
        print(f"| {name} | " + " | ".join(cells) + " | " + (", ".join(
            f"{c} {'✔' if rules[c] else '✘'}" for c in diff) or "same") + " |")
    for mode, res in results.items():
        right = sum(v for score, _ in res.values() for v in score.values())
        total = sum(len(score) for score, _ in res.values())
        print(f"\n{mode}: {right}/{total} checks right")
        for name, (_, misses) in res.items():
            for miss in misses:
                print(f"  {name}: {miss}")


if __name__ == "__main__":
    main()
