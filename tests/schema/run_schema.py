#!/usr/bin/env python3
"""Differential test: schemas/cloudcron.schema.json (run by Python's
jsonschema) and `cloudcron validate` must give the same verdict on every
spec fixture, except where a rule is beyond what a JSON Schema can say;
those fixtures are listed below with the rule, and for them the test
still requires that the C validator rejects the spec.

YAML is read with YAML 1.2 core-schema scalars (as yaml-language-server
and cloudcron read it: `yes` is a string), duplicate keys rejected and `<<`
merges applied; JSON with duplicate keys rejected.
"""
import glob
import json
import os
import re
import shlex
import subprocess
import sys

import jsonschema
import yaml

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BIN = os.path.abspath(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")))

# Fixtures whose only errors are rules a schema cannot express.
BEYOND_SCHEMA = {
    "image-build-errors": None,  # checked below: must fail in both (it has schema-level errors too)
    "json-semantic-errors": None,
    "alarms-fifo-topic": None,  # checked below: must fail in both (an unknown key too)
    "alarms-unknown-topic": "references must resolve",
    "runtime-image-tag": "the runtime image of channels and dispatchers must be pinned by digest",
    "name-collision": "derived AWS names must be unique",
    "name-too-long": "derived AWS names must fit AWS's length limits",
    "notification-references": "references must resolve",
    "task-no-images-or-topics": "references must resolve",
    "task-unknown-references": "references must resolve",
    "template-file-missing": "template files must exist",
    "text-template-errors": "a text_template only beside an HTML template, compiling, reaching no other templates",
    "image-ecr-other-region": "an ECR image must be in the spec's region",
    "schedule-cron-errors": "cron fields follow EventBridge's rules",
    "timezone-errors": "time zones must exist in the tz database",
    "lint-never": "schedules must be able to fire",
    "template-syntax-errors": "templates must parse",
    "template-loader-errors": "templates must parse and the templates they include must exist",
    "template-unknown-filter-test": "templates' filter and test names must exist",
    "template-scalar-positions": "templates may name only known filters and tests",
    "template-json-escapes": "templates may name only known filters and tests",
    "yaml-alias-bomb": "aliases may not expand past the loader's budget",
    "yaml-too-deep": "values may not nest deeper than 64 levels",
}
SKIP_SCHEMA_RUN = {"yaml-alias-bomb"}  # would make jsonschema walk millions of nodes


class Core12Loader(yaml.SafeLoader):
    """SafeLoader with YAML 1.2 core-schema implicit scalars and no duplicate keys."""


Core12Loader.yaml_implicit_resolvers = {}
for tag, regexp, first in [
    ("tag:yaml.org,2002:null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("tag:yaml.org,2002:bool", r"^(?:true|True|TRUE|false|False|FALSE)$", list("tTfF")),
    ("tag:yaml.org,2002:int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", list("-+0123456789")),
    ("tag:yaml.org,2002:float",
     r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
     list("-+.0123456789")),
]:
    Core12Loader.add_implicit_resolver(tag, re.compile(regexp), first)


def _int(loader, node):
    text = loader.construct_scalar(node)
    if text.startswith("0o"):
        return int(text[2:], 8)
    if text.startswith("0x"):
        return int(text[2:], 16)
    return int(text)


def _float(loader, node):
    text = loader.construct_scalar(node).lower()
    if text.endswith(".inf"):
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    return float(text)


def _bool(loader, node):
    return loader.construct_scalar(node).lower() == "true"


def _mapping(loader, node, deep=False):
    seen = set()
    for key_node, _ in node.value:
        if key_node.tag == "tag:yaml.org,2002:merge":
            continue
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    loader.flatten_mapping(node)
    return dict(loader.construct_pairs(node, deep=True))


Core12Loader.add_constructor("tag:yaml.org,2002:int", _int)
Core12Loader.add_constructor("tag:yaml.org,2002:float", _float)
Core12Loader.add_constructor("tag:yaml.org,2002:bool", _bool)
Core12Loader.add_constructor("tag:yaml.org,2002:map", _mapping)
Core12Loader.add_implicit_resolver("tag:yaml.org,2002:merge", re.compile(r"^<<$"), ["<"])


def _no_dup_pairs(pairs):
    keys = [k for k, _ in pairs]
    if len(keys) != len(set(keys)):
        raise ValueError("duplicate key")
    return dict(pairs)


def schema_verdict(validator, path):
    """True when the schema accepts the file; False on a parse or schema error."""
    try:
        with open(path) as f:
            text = f.read()
        doc = json.loads(text, object_pairs_hook=_no_dup_pairs) if path.endswith(".json") else yaml.load(text, Core12Loader)
    except (ValueError, yaml.YAMLError):
        return False, "parse error"
    errors = sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path))
    if errors:
        return False, "; ".join(f"{'/'.join(map(str, e.absolute_path))}: {e.message[:120]}" for e in errors[:3])
    return True, ""


def c_verdict(path):
    wrap = shlex.split(os.environ.get("CC_WRAP", ""))
    proc = subprocess.run(wrap + [os.path.join(BIN, "cloudcron"), "validate", os.path.basename(path)],
                          cwd=os.path.dirname(path), capture_output=True, text=True)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{path}: cloudcron exited {proc.returncode}:\n{proc.stderr}")
    return proc.returncode == 0, proc.stderr


DELETE = object()
# A mutation only cloudcron can judge (a rule across sections): cloudcron
# must reject it; the schema may accept it.
BEYOND = object()
LONG = "x" * 129
# Single-rule mutations of tests/spec/cases/good-full: (path, new value, verdict).
# Each is written as JSON next to the fixture's files and judged by both.
MUTATIONS = [
    (["version"], 2, False), (["version"], "1", False), (["version"], 1.0, True),
    (["project"], "ab", True), (["project"], "a" * 31, True), (["project"], "a" * 32, False),
    (["project"], "a", False), (["project"], "1abc", False), (["project"], "Acme", False),
    # (another valid region would leave the fixture's us-west-2 ECR images in the wrong region)
    (["region"], DELETE, True), (["region"], "us-west", False), (["region"], 5, False),
    (["tags", "aws:x"], "y", False), (["tags", "k"], 1, False), (["tags", "k"], "", True),
    (["colour"], "blue", False), (["$schema"], "x.json", True),
    (["images", "Bad"], {"uri": "r/x:1"}, False),
    (["images", "prebuilt", "uri"], "123456789012.dkr.ecr.us-west-2.amazonaws.com/tool:v1", True),
    (["images", "prebuilt", "uri"], "123456789012.dkr.ecr.us-west-2.amazonaws.com/tool", False),
    (["images", "prebuilt", "uri"], "123456789012.dkr.ecr.us-west-2.amazonaws.com/tool@sha256:0123", False),
    # Lambda runs images only from private ECR (in the function's region: beyond a schema)
    (["images", "prebuilt", "uri"], "ghcr.io/acme/tool:v1", False),
    (["images", "prebuilt", "uri"], "public.ecr.aws/acme/tool:v1", False),
    (["images", "prebuilt", "uri"], "123456789012.dkr.ecr.us-west-2.amazonaws.com/t:v1", False),
    (["images", "prebuilt", "uri"], "123456789012.dkr.ecr-fips.us-west-2.amazonaws.com/tool:v1", True),
    (["images", "prebuilt", "build"], {"context": "./lambda-src", "repository": "x"}, False),
    (["images", "prebuilt", "uri"], DELETE, False),
    (["images", "report", "build", "platform"], "linux/amd64", True),
    (["images", "report", "build", "platform"], "linux/386", False),
    (["images", "report", "build", "repository"], "Acme", False),
    (["images", "report", "build", "repository"], "acme//x", False),
    (["images", "report", "build", "repository"], "acme/report__x", True),
    (["images", "report", "build", "tag"], ".bad", False),
    (["images", "report", "build", "tag"], 1.4, False),
    (["images", "report", "build", "context"], DELETE, False),
    (["images", "report", "build", "build_args", "N"], 1, False),
    (["images", "report", "build", "build_args", "GH_TOKEN"], "ghp_x", False),
    (["images", "report", "build", "build_args", "GH_TOKEN"], "/ci/github/token", True),
    (["images", "report", "build", "ctx"], ".", False),
    (["images", "notifier", "republish", "source"], "123456789012.dkr.ecr.us-west-2.amazonaws.com/rt:v1", False),
    (["images", "notifier", "republish", "tag"], DELETE, False),
    (["topics", "alerts"], None, True),
    (["topics", "alerts", "fifo"], "yes", False),
    (["topics", "legacy", "fifo"], False, False), (["topics", "legacy", "fifo"], True, True),
    (["topics", "legacy", "arn"], "arn:aws:sns:us-west-2:123456789012:legacy", True),
    (["topics", "legacy", "arn"], "arn:aws:sqs:us-west-2:123456789012:legacy.fifo", False),
    (["topics", "alerts", "fifa"], True, False),
    (["tasks", "nightly-report", "timeout"], 1, True), (["tasks", "nightly-report", "timeout"], 900, True),
    (["tasks", "nightly-report", "timeout"], 0, False), (["tasks", "nightly-report", "timeout"], 901, False),
    (["tasks", "nightly-report", "timeout"], 60.5, False), (["tasks", "nightly-report", "timeout"], "60", False),
    (["tasks", "nightly-report", "memory"], 128, True), (["tasks", "nightly-report", "memory"], 10240, True),
    (["tasks", "nightly-report", "memory"], 127, False), (["tasks", "nightly-report", "memory"], 10241, False),
    (["tasks", "nightly-report", "retry", "attempts"], 0, True), (["tasks", "nightly-report", "retry", "attempts"], 185, True),
    (["tasks", "nightly-report", "retry", "attempts"], -1, False), (["tasks", "nightly-report", "retry", "attempts"], 186, False),
    (["tasks", "nightly-report", "retry", "max_age"], "90s", True), (["tasks", "nightly-report", "retry", "max_age"], "1d", False),
    (["tasks", "nightly-report", "retry", "max_age"], 60, False), (["tasks", "nightly-report", "retry", "tries"], 1, False),
    (["tasks", "nightly-report", "flexible_window"], "1m", True), (["tasks", "nightly-report", "flexible_window"], "2h", True),
    (["tasks", "nightly-report", "flexible_window"], "30s", False), (["tasks", "nightly-report", "flexible_window"], 15, False),
    (["tasks", "nightly-report", "dead_letter"], "yes", False), (["tasks", "nightly-report", "enabled"], 1, False),
    (["tasks", "nightly-report", "publishes"], "alerts", False), (["tasks", "nightly-report", "publishes"], ["alerts", "alerts"], False),
    (["tasks", "nightly-report", "publishes"], [], True),
    (["tasks", "nightly-report", "env", "AWS_X"], "1", False), (["tasks", "nightly-report", "env", "CLOUDCRON_X"], "1", False),
    (["tasks", "nightly-report", "env", "LAMBDA_X"], "1", False), (["tasks", "nightly-report", "env", "_HANDLER"], "1", False),
    (["tasks", "nightly-report", "env", "_OK"], "1", True), (["tasks", "nightly-report", "env", "9X"], "1", False),
    (["tasks", "nightly-report", "env", "N"], 5, False),
    (["tasks", "nightly-report", "env", "DB_PASSWORD"], "hunter2", False),
    (["tasks", "nightly-report", "env", "DB_PASSWORD_ARN"], "arn:aws:secretsmanager:us-west-2:123456789012:secret:db", True),
    (["tasks", "nightly-report", "env", "ApiToken"], "/prod/api", True),
    (["tasks", "nightly-report", "env", "ApiToken"], "abc", False),
    (["tasks", "nightly-report", "env", "KEY"], "AKIAIOSFODNN7EXAMPLE", False),
    (["tasks", "nightly-report", "input"], {"auth_header": "Bearer x"}, False),
    (["tasks", "nightly-report", "input"], {"auth_header": 5}, True),
    (["tasks", "nightly-report", "input"], [1, "two", None], True),
    (["tasks", "nightly-report", "image"], 5, False), (["tasks", "nightly-report", "image"], DELETE, False),
    # beyond the schema: only a schedule group's target may omit its schedule
    (["tasks", "nightly-report", "schedule"], DELETE, BEYOND), (["tasks", "nightly-report", "timezone"], "", False),
    (["tasks", "nightly-report", "timout"], 5, False), (["tasks", "Nightly"], {"image": "report", "schedule": "rate(1 hour)"}, False),
    (["tasks", "x-"], {"image": "report", "schedule": "rate(1 hour)"}, False),
    (["tasks", "x" * 65], {"image": "report", "schedule": "rate(1 hour)"}, False),
    (["tasks"], None, False),
    (["notifications", "ops-email", "channel"], "pager", False),
    (["notifications", "ops-email", "sender"], "Cron <cron@example.com>", True),
    (["notifications", "ops-email", "sender"], "cron@example", False),
    (["notifications", "ops-email", "recipients"], [], False),
    (["notifications", "ops-email", "recipients"], ["a@example.com", "a@example.com"], False),
    (["notifications", "ops-email", "recipients"], ["a@b.co", "x.y+tag@sub.example.org"], True),
    (["notifications", "ops-email", "recipients"], ["a@-b.com"], False),
    (["notifications", "ops-email", "recipients"], ["a.@b.com"], False),
    (["notifications", "ops-email", "reply_to"], ["nope"], False),
    (["notifications", "ops-email", "from"], "+15005550006", False),
    (["notifications", "ops-email", "subject"], 5, False),
    (["notifications", "ops-email", "allow_override"], "true", False),
    (["notifications", "ops-email", "sender"], DELETE, False),
    (["notifications", "ops-email", "filter"], {"a": ["x"], "b": ["x"], "c": ["x"], "d": ["x"], "e": ["x"]}, True),
    (["notifications", "ops-email", "filter"], {"a": ["x"], "b": ["x"], "c": ["x"], "d": ["x"], "e": ["x"], "f": ["x"]}, False),
    (["notifications", "ops-email", "filter"], {"severity": "critical"}, False),
    (["notifications", "ops-email", "filter"], {"severity": []}, False),
    (["notifications", "ops-email", "filter"], {"host": [{"prefix": "db-"}, 5, True, None]}, True),
    (["notifications", "ops-email", "filter"], {"host": [{"startswith": "db-"}]}, False),
    (["notifications", "ops-email", "vars", "api_key"], "k", False),
    (["notifications", "ops-email", "vars", "api_key"], "arn:aws:ssm:us-west-2:123456789012:parameter/k", True),
    (["notifications", "ops-email", "template"], {"inline": "x", "file": "y"}, False),
    (["notifications", "ops-email", "template"], {"url": "https://example.com/t.html"}, True),
    (["notifications", "ops-email", "template"], {"url": "http://example.com/t.html"}, False),
    (["notifications", "ops-email", "template"], {"url": "https:///t.html"}, False),
    (["notifications", "ops-email", "template"], {"url": "x"}, False),
    (["notifications", "ops-email", "template"], {"s3": ""}, False),
    (["notifications", "ops-email", "template"], {"s3": "s3://my-bucket/t.html"}, True),
    (["notifications", "ops-email", "template"], {"s3": "s3://my-bucket"}, False),
    (["notifications", "ops-email", "template"], {"s3": "s3://My_Bucket/t"}, False),
    (["notifications", "ops-email", "template"], {}, False),
    (["notifications", "ops-email", "template"], "inline text", False),
    (["notifications", "ops-sms", "from"], "15005550006", False),
    (["notifications", "ops-sms", "recipients"], ["+123456789012345"], True),
    (["notifications", "ops-sms", "recipients"], ["+1234567890123456"], False),
    (["notifications", "ops-sms", "recipients"], ["+0123"], False),
    (["notifications", "ops-sms", "twilio_secret"], "/prod/twilio", True),
    (["notifications", "ops-sms", "twilio_secret"], "arn:aws:ssm:us-west-2:123456789012:parameter/prod/twilio", True),
    (["notifications", "ops-sms", "twilio_secret"], "AC123:secret", False),
    (["notifications", "ops-sms", "twilio_secret"], {"account_sid": "AC1", "auth_token": "x"}, False),
    (["notifications", "ops-sms", "twilio_secret"], DELETE, False),
    (["notifications", "ops-sms", "sender"], "a@example.com", False),
    (["notifications", "ops-sms", "subject"], "hi", False),
    (["notifications", "debug", "allow_override"], True, False),
    (["notifications", "debug", "recipients"], ["a@example.com"], False),
    (["notifications", "debug", "filter"], {"kind": ["daily"]}, True),
    (["notifications", "debug", "channel"], DELETE, False),
]


def mutate(doc, path, value):
    import copy
    doc = copy.deepcopy(doc)
    node = doc
    for key in path[:-1]:
        node = node[key]
    if value is DELETE:
        del node[path[-1]]
    else:
        node[path[-1]] = value
    return doc


def check_mutations(validator):
    import shutil
    import tempfile
    base_dir = os.path.join(SRC, "tests/spec/cases/good-full")
    with open(os.path.join(base_dir, "spec.yaml")) as f:
        base = yaml.load(f, Core12Loader)
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for sub in ("lambda-src", "templates"):
            shutil.copytree(os.path.join(base_dir, sub), os.path.join(tmp, sub))
        path = os.path.join(tmp, "spec.json")
        for keys, value, want in MUTATIONS:
            with open(path, "w") as f:
                json.dump(mutate(base, keys, value), f, indent=1)
            s_ok, s_why = schema_verdict(validator, path)
            c_ok, c_err = c_verdict(path)
            label = "/".join(keys) + " = " + ("<deleted>" if value is DELETE else json.dumps(value))
            if want is BEYOND and not c_ok:
                passed += 1
            elif want is not BEYOND and s_ok == want and c_ok == want:
                passed += 1
            else:
                failed += 1
                print(f"FAIL mutation {label}: expected {'valid' if want is True else 'invalid'}; schema says "
                      f"{'valid' if s_ok else 'invalid (' + s_why + ')'}; cloudcron says {'valid' if c_ok else 'invalid:'}\n{c_err}")
    return passed, failed


def main():
    with open(os.path.join(SRC, "schemas/cloudcron.schema.json")) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    fixtures = sorted(glob.glob(os.path.join(SRC, "tests/spec/cases/*/spec.*")))
    fixtures += sorted(glob.glob(os.path.join(SRC, "examples/*/cloudcron.yaml")))
    fixtures += sorted(glob.glob(os.path.join(SRC, "tests/generate/cases/*/cloudcron.yaml")))
    fixtures += sorted(glob.glob(os.path.join(SRC, "tests/generate/cases/*/spec.yaml")))
    passed = failed = 0
    for path in fixtures:
        name = os.path.basename(os.path.dirname(path))
        c_ok, c_err = c_verdict(path)
        if name in SKIP_SCHEMA_RUN:
            s_ok, s_why = True, "not run"
        else:
            s_ok, s_why = schema_verdict(validator, path)
        reason = BEYOND_SCHEMA.get(name)
        if reason:
            ok = not c_ok  # the C validator must still reject it
            why = f"the C validator accepted a spec that breaks: {reason}"
        else:
            ok = c_ok == s_ok
            why = f"schema says {'valid' if s_ok else 'invalid (' + s_why + ')'}, cloudcron says {'valid' if c_ok else 'invalid:'}\n{c_err}"
        if ok:
            passed += 1
        else:
            failed += 1
            print(f"FAIL {os.path.relpath(path, SRC)}: {why}")
    mp, mf = check_mutations(validator)
    passed += mp
    failed += mf
    print(f"{passed} passed, {failed} failed")
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
