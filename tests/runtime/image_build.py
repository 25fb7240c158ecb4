#!/usr/bin/env python3
"""runtime/image.sh for real: the runtime image built with buildah on
`scratch` from this build's binaries, pushed to a docker-registry on
loopback (TLS, its certificate trusted), then checked with skopeo and the
registry's API as Lambda would see it: a single-platform Docker v2 manifest
(not an index) of this machine's architecture, the entry point
/var/runtime/bootstrap and the command ["print"], the size (printed: the
compressed layers, and the unpacked files). Then the image runs: its layer
is unpacked into a root filesystem and /var/runtime/bootstrap is started
there with chroot, under a local Runtime API (lambda_api.py), once as
cloudcron-print and once as cloudcron-email sending to a loopback SES v2
stand-in, which needs the libcurl and libcrypto the handlers open at run
time to be in the image. Skips (exit 77, the reason printed) where
buildah, skopeo or docker-registry is missing or chroot is not allowed."""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile

SRC = os.environ["CC_SRC"]
BIN = os.environ["CC_BIN"]
sys.path.insert(0, os.path.join(SRC, "tests", "terraform"))
sys.path.insert(0, os.path.join(SRC, "tests", "handlers"))
import lambda_api as la  # noqa: E402
from run_images import Registry  # noqa: E402
from ses_standin import SesStandin, parts  # noqa: E402

fails = []
missing = [t for t in ("buildah", "skopeo", "docker-registry", "openssl", "chroot") if not shutil.which(t)]
if missing:
    print(f"SKIP: {', '.join(missing)} not installed (scripts/deps.sh installs them)")
    sys.exit(77)
if os.geteuid() != 0:
    print("SKIP: chroot needs root to start the image's bootstrap from its root filesystem")
    sys.exit(77)

ARCH = {"x86_64": "amd64", "aarch64": "arm64"}[os.uname().machine]
# a sanitizer build carries libasan and libubsan into the image: its size
# says nothing of a release image's, and the sanitizers read their options
# and run LeakSanitizer through /proc, which a bare chroot has not: such a
# build runs in a mount namespace of its own with /proc mounted in the root
# (gone when the process ends), as Lambda's has one
SANITIZED = "libasan" in subprocess.run(["ldd", os.path.join(BIN, "cloudcron-print")],
                                        capture_output=True, text=True).stdout
STD = "arn:aws:sqs:us-east-1:123456789012:image"

with tempfile.TemporaryDirectory() as tmp:
    reg = Registry(tmp)
    try:
        storage = os.path.join(tmp, "storage.conf")
        with open(storage, "w") as f:
            f.write(f'[storage]\ndriver = "vfs"\ngraphroot = "{tmp}/containers"\nrunroot = "{tmp}/run"\n')
        env = dict(os.environ, SSL_CERT_FILE=reg.cert, CONTAINERS_STORAGE_CONF=storage, BUILDAH_ISOLATION="chroot")
        dest = f"docker://{reg.host}/cloudcron-runtime:test"
        p = subprocess.run([os.path.join(SRC, "runtime", "image.sh"), os.path.dirname(BIN), dest], env=env,
                           capture_output=True, text=True, timeout=600)
        digest = p.stdout.strip()
        if p.returncode != 0 or not digest.startswith("sha256:"):
            print(f"FAIL image.sh: exit {p.returncode}\n{p.stdout}\n{p.stderr}")
            sys.exit(1)

        # what the registry holds: one manifest, the digest image.sh printed
        mtype, rdigest, manifest = reg.manifest("cloudcron-runtime", "test")
        if mtype != "application/vnd.docker.distribution.manifest.v2+json" or "manifests" in manifest:
            fails.append(f"not a single image manifest: {mtype} {manifest}")
        if rdigest != digest:
            fails.append(f"image.sh printed {digest}, the registry says {rdigest}")
        cert_dir = os.path.join(tmp, "certs")
        os.makedirs(cert_dir)
        shutil.copy(reg.cert, os.path.join(cert_dir, "ca.crt"))
        sk = subprocess.run(["skopeo", "inspect", "--cert-dir", cert_dir, "--raw", dest], capture_output=True, text=True)
        raw = json.loads(sk.stdout) if sk.returncode == 0 else {}
        if raw.get("mediaType") != mtype or raw.get("schemaVersion") != 2 or len(raw.get("layers", [])) != 1:
            fails.append(f"skopeo inspect --raw: {sk.stdout[:300]} {sk.stderr}")
        sk = subprocess.run(["skopeo", "inspect", "--cert-dir", cert_dir, "--config", dest], capture_output=True, text=True)
        config = json.loads(sk.stdout) if sk.returncode == 0 else {}
        cfg = config.get("config", {})
        if (config.get("os"), config.get("architecture")) != ("linux", ARCH) or \
                cfg.get("Entrypoint") != ["/var/runtime/bootstrap"] or cfg.get("Cmd") != ["print"]:
            fails.append(f"config: os {config.get('os')} arch {config.get('architecture')} "
                         f"entrypoint {cfg.get('Entrypoint')} cmd {cfg.get('Cmd')}")
        compressed = sum(l["size"] for l in manifest.get("layers", []))

        # the root filesystem, from the registry's own layer
        rootfs = os.path.join(tmp, "rootfs")
        os.makedirs(rootfs)
        sk = subprocess.run(["skopeo", "copy", "--src-cert-dir", cert_dir, dest, f"dir:{tmp}/image"],
                            capture_output=True, text=True)
        if sk.returncode != 0:
            fails.append(f"skopeo copy: {sk.stderr}")
        unpacked = 0
        for layer in manifest.get("layers", []):
            with tarfile.open(os.path.join(tmp, "image", layer["digest"].split(":", 1)[1])) as t:
                t.extractall(rootfs)
                unpacked += sum(m.size for m in t.getmembers() if m.isfile())
        print(f"image {digest}: {compressed} bytes compressed ({compressed / 1e6:.2f} MB), "
              f"{unpacked} bytes unpacked ({unpacked / 1e6:.2f} MB), linux/{ARCH}")
        if SANITIZED:
            print("a sanitizer build: the 10 MB aim is not checked")
        else:
            # the aim is under 10 MB; the test guards a budget just
            # above it so that growth is seen, and says where the aim stands
            print("the 10 MB aim is " + ("met" if compressed < 10_000_000 else
                                          f"missed by {(compressed - 10_000_000) / 1e3:.0f} kB"))
            if compressed >= 10_500_000:
                fails.append(f"the image is {compressed} bytes compressed, over the 10.5 MB budget")

        # it runs: the bootstrap from the unpacked root, under chroot
        def chroot_run(name, env_extra, events):
            full = dict(env_extra, PATH="/opt/cloudcron/bin")
            api = la.RuntimeApi(events)
            full["AWS_LAMBDA_RUNTIME_API"] = api.address
            cmd = [shutil.which("chroot"), rootfs, "/var/runtime/bootstrap", name]
            if SANITIZED:
                os.makedirs(os.path.join(rootfs, "proc"), exist_ok=True)
                cmd = [shutil.which("unshare"), "--mount", "--propagation", "private", "/bin/sh", "-c",
                       '"$2" -t proc proc "$1/proc" && shift 2 && exec "$@"', "sh", rootfs, shutil.which("mount")] + cmd
            try:
                proc = subprocess.run(cmd, env=full, capture_output=True, timeout=60)
            finally:
                api.close()
            return api, proc

        msg = {"subject": "from the image", "vars": {"n": 1}}
        api, proc = chroot_run("print", {"CLOUDCRON_TEMPLATE": "{{ subject }} #{{ n }}"},
                               [la.Event("r1", la.batch(STD, [json.dumps(msg)]))])
        texts = [l.get("text") for l in la.log_lines(proc.stderr) if l.get("message") == "rendered"]
        if proc.returncode != 0 or la.response(api, "r1") != la.failures([]) or texts != ["from the image #1"]:
            fails.append(f"print in the image: exit {proc.returncode}, response {la.response(api, 'r1')}, "
                         f"texts {texts}; {proc.stderr.decode(errors='replace')[-1500:]}")
        srv = SesStandin()
        try:
            api, proc = chroot_run("cloudcron-email", {
                "CLOUDCRON_TEMPLATE": "# {{ subject }}", "CLOUDCRON_TEMPLATE_NAME": "m.md",
                "CLOUDCRON_SENDER": "Image <cron@example.com>", "CLOUDCRON_RECIPIENTS": "ops@example.com",
                "AWS_ENDPOINT_URL_SESV2": srv.url, "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1"},
                [la.Event("r1", la.batch(STD, [json.dumps(msg)]))])
        finally:
            srv.close()
        got = [parts(s) for s in srv.sent]
        if proc.returncode != 0 or la.response(api, "r1") != la.failures([]) or \
                got != [("from the image", "# from the image", "<h1>from the image</h1>\n")]:
            fails.append(f"email in the image: exit {proc.returncode}, response {la.response(api, 'r1')}, sent {got}; "
                         f"{proc.stderr.decode(errors='replace')[-1500:]}")
    finally:
        reg.stop()

for f in fails:
    print("FAIL", f)
print(f"{len(fails)} failures")
sys.exit(1 if fails else 0)
