#!/usr/bin/env python3
"""Writes the realistic notification templates of the differential test
(tests/template/cases_realistic.txt: e-mails, SMS and Markdown digests
written the way people write them, to test correctness, not speed) into
DIR, a folder per case: the template under its own name, the other
templates it includes, imports or extends beside it, and vars.json.
Prints one line per case: FOLDER TEMPLATE. usage: corpus.py DIR"""
import json, os, sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "template"))
import run_diff  # noqa: E402  (the cases' reader)


def main():
    out = sys.argv[1]
    for c in run_diff.parse(os.path.join(HERE, "..", "..", "template", "cases_realistic.txt")):
        d = os.path.join(out, c["name"].rsplit(".", 1)[0])
        os.makedirs(d)
        for name, text in [(c["name"], c["tpl"])] + sorted(c["files"].items()):
            with open(os.path.join(d, name), "w", encoding="utf-8", newline="") as f:
                f.write(text)
        with open(os.path.join(d, "vars.json"), "w") as f:
            json.dump(c["vars"], f)
        print(d, c["name"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
