"""A PEP 517 build backend for this one pure-Python package, so that
`pip install runtime/python` needs nothing beyond pip (no setuptools or
wheel download: the wheel is a zip of cloudcron/*.py with its metadata).
The project's facts are read from pyproject.toml."""
import base64
import hashlib
import os
import re
import zipfile

HERE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _project():
    text = open(os.path.join(HERE, "pyproject.toml"), encoding="utf-8").read()
    sect = text.split("[project]", 1)[1].split("\n[", 1)[0]

    def one(key):
        m = re.search(rf'^{key}\s*=\s*"([^"]*)"', sect, re.M)
        return m.group(1) if m else ""

    deps = re.search(r"^dependencies\s*=\s*\[([^\]]*)\]", sect, re.M)
    extras = re.findall(r'^(\w+)\s*=\s*\[([^\]]*)\]',
                        text.split("[project.optional-dependencies]", 1)[1].split("\n[", 1)[0], re.M) \
        if "[project.optional-dependencies]" in text else []
    return {"name": one("name"), "version": one("version"), "summary": one("description"),
            "requires_python": one("requires-python"),
            "deps": re.findall(r'"([^"]+)"', deps.group(1)) if deps else [],
            "extras": [(k, re.findall(r'"([^"]+)"', v)) for k, v in extras]}


def _metadata(p):
    lines = ["Metadata-Version: 2.1", f"Name: {p['name']}", f"Version: {p['version']}",
             f"Summary: {p['summary']}"]
    if p["requires_python"]:
        lines.append(f"Requires-Python: {p['requires_python']}")
    lines += [f"Requires-Dist: {d}" for d in p["deps"]]
    for extra, deps in p["extras"]:
        lines.append(f"Provides-Extra: {extra}")
        lines += [f'Requires-Dist: {d}; extra == "{extra}"' for d in deps]
    readme = os.path.join(HERE, "README.md")
    body = open(readme, encoding="utf-8").read() if os.path.exists(readme) else ""
    return "\n".join(lines + ["Description-Content-Type: text/markdown", "", body])


def _record_hash(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()


def get_requires_for_build_wheel(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    p = _project()
    dist = f"{p['name']}-{p['version']}"
    name = f"{dist}-py3-none-any.whl"
    files = []
    pkg = os.path.join(HERE, p["name"])
    for f in sorted(os.listdir(pkg)):
        if f.endswith(".py"):
            files.append((f"{p['name']}/{f}", open(os.path.join(pkg, f), "rb").read()))
    info = f"{dist}.dist-info"
    files.append((f"{info}/METADATA", _metadata(p).encode()))
    files.append((f"{info}/WHEEL", b"Wheel-Version: 1.0\nGenerator: cc_wheel\nRoot-Is-Purelib: true\n"
                                   b"Tag: py3-none-any\n"))
    record = "".join(f"{n},{_record_hash(d)},{len(d)}\n" for n, d in files) + f"{info}/RECORD,,\n"
    files.append((f"{info}/RECORD", record.encode()))
    with zipfile.ZipFile(os.path.join(wheel_directory, name), "w", zipfile.ZIP_DEFLATED) as z:
        for n, d in files:
            z.writestr(zipfile.ZipInfo(n, date_time=(1980, 1, 1, 0, 0, 0)), d)
    return name
