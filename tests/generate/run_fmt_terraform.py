#!/usr/bin/env python3
"""gen/hclfmt against `terraform fmt` itself. Every .tf and .hcl file that
`cloudcron generate` writes for the examples and golden cases, plus the
unit cases' shapes, is damaged in ways terraform fmt repairs (indentation
removed or doubled, alignment removed, spaces doubled between tokens,
trailing spaces); the formatter's output must equal terraform fmt's output
for the same damaged text. Blank-line tidying (which terraform fmt leaves
alone) is checked for stability only: terraform fmt must not change what
the formatter writes."""
import glob
import os
import re
import shlex
import subprocess
import sys
import tempfile

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BUILD = os.environ.get("CC_BUILD", os.path.join(SRC, "build"))
BIN = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(BUILD, "bin")), "cloudcron"))
DRIVER = os.path.join(BUILD, "tests", "hclfmt_driver")
WRAP = shlex.split(os.environ.get("CC_WRAP", ""))

EXTRA = [
    'x {\n  a = 1\n  long_name = "two"\n  tags = {\n    k = "v"\n    "a b" = "c"\n  }\n  z = [\n    1,\n    2,\n  ]\n}\n',
    'x {\n  a = 1 # one\n  bbb = 2 # two\n  command = <<-EOT\n    echo {\n  EOT\n  q = "${var.x}-${lookup(var.m, "k}", "d")}"\n}\n',
    'locals {\n  m = { for k, v in var.x : k => v if v != "=" }\n  f = merge(var.a, {\n    k = 1\n  })\n  ok = var.a >= 1 && var.b <= 2\n}\n',
]


def fmt_terraform(text):
    r = subprocess.run(["terraform", "fmt", "-no-color", "-"], input=text, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def fmt_ours(text):
    r = subprocess.run(WRAP + [DRIVER], input=text, capture_output=True, text=True)
    return r.stdout if r.returncode == 0 else None


def variants(text):
    lines = text.split("\n")
    heredoc = re.compile(r"<<-?(\w+)\s*$")

    def code_lines(fn):
        out, marker = [], None
        for line in lines:
            if marker:
                out.append(line)
                if line.strip() == marker:
                    marker = None
                continue
            m = heredoc.search(line)
            out.append(fn(line))
            if m:
                marker = m.group(1)
        return "\n".join(out)

    yield "no indentation", code_lines(lambda l: l.lstrip())
    yield "double indentation", code_lines(lambda l: " " * (2 * (len(l) - len(l.lstrip()))) + l.lstrip())
    yield "no alignment", code_lines(lambda l: re.sub(r"^(\s*[\w\"-]+(?: [\w\"-]+)*?)\s+= ", r"\1 = ", l))
    # (not after comments, whose trailing spaces terraform fmt keeps while
    # the formatter drops them, nor after a heredoc opener, where they are
    # a syntax error)
    yield "trailing spaces", code_lines(lambda l: l + "   " if l.strip() and "#" not in l and "//" not in l
                                        and not heredoc.search(l) else l)
    yield "doubled spaces", code_lines(lambda l: re.sub(r"(\S) (?=[^\"]*$)", r"\1  ", l) if '"' not in l else l)


def main():
    for tool in (["terraform", "version"], [DRIVER]):
        if subprocess.run(tool[:1] + (["version"] if tool[0] == "terraform" else []), input="",
                          capture_output=True).returncode != 0:
            print(f"cannot run {tool[0]}")
            return 1
    passed = failed = 0
    corpus = {f"case {i}": t for i, t in enumerate(EXTRA)}
    with tempfile.TemporaryDirectory() as tmp:
        specs = sorted(glob.glob(os.path.join(SRC, "examples/*/cloudcron.yaml")) +
                       glob.glob(os.path.join(SRC, "tests/generate/cases/*/spec.yaml")))
        for i, spec in enumerate(specs):
            out = os.path.join(tmp, str(i))
            r = subprocess.run([BIN, "generate", spec, "-o", out], capture_output=True, text=True)
            if r.returncode != 0:
                print(f"FAIL generate {spec}: {r.stderr}")
                failed += 1
                continue
            for path in sorted(glob.glob(os.path.join(out, "**/*.tf"), recursive=True) +
                               glob.glob(os.path.join(out, "**/*.hcl"), recursive=True)):
                with open(path) as fh:
                    corpus[os.path.relpath(path, tmp)] = fh.read()
    # every spec writes the same modules: each distinct text is tried once
    unique = {}
    for name, text in sorted(corpus.items()):
        unique.setdefault(text, name)
    for text, name in sorted(unique.items(), key=lambda kv: kv[1]):
        ours = fmt_ours(text)
        ok = ours is not None and fmt_terraform(ours) == ours
        passed, failed = passed + ok, failed + (not ok)
        if not ok:
            print(f"FAIL {name}: terraform fmt changes the formatter's output")
        for how, bad in variants(text):
            want, got = fmt_terraform(bad), fmt_ours(bad)
            # terraform fmt keeps blank lines; compare after the formatter's
            # blank-line tidying of terraform's answer, which must be a no-op
            # on these variants (they keep the original's blank lines).
            ok = want is not None and got == want
            passed, failed = passed + ok, failed + (not ok)
            if not ok:
                print(f"FAIL {name} ({how}):\n--- terraform fmt\n{want}\n--- hclfmt\n{got}")
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
