#!/usr/bin/env python3
"""The image modules' scripts against a real registry on loopback: a
docker-registry serving TLS on a free port (its certificate trusted through
SSL_CERT_FILE, as an ECR endpoint's would be), buildah building the
generated lambda-image-build fixture and pushing it, skopeo republishing it
with the generated lambda-container script. Checks what Lambda relies on:
a single image manifest (not an index) of the requested platform, the digest
the script reports equal to the registry's, values passed as data (never run
by the shell), and loud failures."""
import glob
import json
import os
import shlex
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import urllib.request

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BIN = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron"))
passed = failed = 0
DOCKER_V2 = "application/vnd.docker.distribution.manifest.v2+json"
OCI = "application/vnd.oci.image.manifest.v1+json"


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok {name}")
    else:
        failed += 1
        print(f"FAIL {name}\n{detail}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Registry:
    def __init__(self, tmp):
        self.port = free_port()
        self.host = f"127.0.0.1:{self.port}"
        self.cert, key = os.path.join(tmp, "cert.pem"), os.path.join(tmp, "key.pem")
        subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", self.cert,
                        "-days", "1", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                       check=True, capture_output=True)
        cfg = os.path.join(tmp, "registry.yml")
        with open(cfg, "w") as f:
            f.write(f"version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: {tmp}/registry\n"
                    f"http:\n  addr: {self.host}\n  tls:\n    certificate: {self.cert}\n    key: {key}\n")
        self.log = open(os.path.join(tmp, "registry.log"), "w")
        self.proc = subprocess.Popen(["docker-registry", "serve", cfg], stdout=self.log, stderr=self.log)
        self.ctx = ssl.create_default_context(cafile=self.cert)
        deadline = time.time() + 20
        while time.time() < deadline:
            try:
                urllib.request.urlopen(f"https://{self.host}/v2/", context=self.ctx, timeout=1)
                return
            except OSError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        raise RuntimeError("docker-registry did not start")

    def manifest(self, repo, ref):
        """(media type, Docker-Content-Digest, body) of REPO:REF."""
        req = urllib.request.Request(f"https://{self.host}/v2/{repo}/manifests/{ref}",
                                     headers={"Accept": ", ".join([DOCKER_V2, OCI])})
        with urllib.request.urlopen(req, context=self.ctx, timeout=10) as r:
            return r.headers["Content-Type"], r.headers["Docker-Content-Digest"], json.loads(r.read())

    def blob(self, repo, digest):
        with urllib.request.urlopen(f"https://{self.host}/v2/{repo}/blobs/{digest}", context=self.ctx, timeout=10) as r:
            return json.loads(r.read())

    def stop(self):
        self.proc.terminate()
        try:
            self.proc.wait(10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
        self.log.close()


def run_script(script, env, extra):
    e = dict(env, **extra)
    with open(script) as f:
        return subprocess.run(["/bin/bash", "-c", f.read()], env=e, capture_output=True, text=True, timeout=600)


def main():
    for tool in ("docker-registry", "buildah", "skopeo", "openssl"):
        if subprocess.run(["sh", "-c", f"command -v {tool}"], capture_output=True).returncode:
            print(f"FAIL {tool} is not installed (scripts/deps.sh installs it)")
            return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        wrap = shlex.split(os.environ.get("CC_WRAP", ""))
        r = subprocess.run([*wrap, BIN, "generate", os.path.join(SRC, "examples/basic/cloudcron.yaml"), "-o", out],
                           capture_output=True, text=True)
        if r.returncode:
            print(f"FAIL generate\n{r.stderr}")
            return 1
        build = os.path.join(out, "modules/lambda-image-build/scripts/build-image.sh")
        copy = os.path.join(out, "modules/lambda-container/scripts/copy-image.sh")
        context = os.path.join(out, "modules/lambda-image-build/tests/context-a")
        storage = os.path.join(tmp, "storage.conf")
        with open(storage, "w") as f:
            f.write(f'[storage]\ndriver = "vfs"\ngraphroot = "{tmp}/containers"\nrunroot = "{tmp}/run"\n')
        reg = Registry(tmp)
        env = dict(os.environ, SSL_CERT_FILE=reg.cert, CONTAINERS_STORAGE_CONF=storage, BUILDAH_ISOLATION="chroot",
                   HOME=tmp, AWS_ACCESS_KEY_ID="", AWS_SECRET_ACCESS_KEY="", AWS_CONFIG_FILE=os.devnull,
                   AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true")
        try:
            # 1. buildah builds and pushes a Docker v2 manifest for the platform.
            for fmt, mtype, platform in (("docker", DOCKER_V2, "linux/amd64"), ("oci", OCI, "linux/arm64")):
                dest = f"{reg.host}/acme-report:{fmt}"
                p = run_script(build, env, dict(CLOUDCRON_TOOL="buildah", CLOUDCRON_CONTEXT=context,
                                                CLOUDCRON_DOCKERFILE="Dockerfile", CLOUDCRON_DESTINATION=dest,
                                                CLOUDCRON_PLATFORM=platform, CLOUDCRON_BUILD_ARGS="",
                                                CLOUDCRON_PUSH_FORMAT=fmt, CLOUDCRON_ECR_LOGIN="true"))
                check(f"buildah builds and pushes ({fmt}, {platform})", p.returncode == 0, p.stdout + p.stderr)
                if p.returncode:
                    continue
                ctype, digest, body = reg.manifest("acme-report", fmt)
                check(f"{fmt}: a single image manifest of type {mtype}", ctype == mtype and "layers" in body, ctype)
                check(f"{fmt}: the script reports the registry's digest", f"{dest} is {digest}" in p.stdout,
                      p.stdout + digest)
                cfg = reg.blob("acme-report", body["config"]["digest"])
                check(f"{fmt}: built for {platform}", f"{cfg['os']}/{cfg['architecture']}" == platform, str(cfg)[:200])

            # 2. Build arguments are data: shell syntax in them is not run.
            ctx2 = os.path.join(tmp, "ctx-args")
            os.makedirs(ctx2)
            with open(os.path.join(ctx2, "Dockerfile"), "w") as f:
                f.write("FROM scratch\nARG NOTE\nARG OTHER\nLABEL note=\"$NOTE\" other=\"$OTHER\"\nCOPY Dockerfile /\n")
            pwned = os.path.join(tmp, "pwned")
            note, other = f"$(touch {pwned})", f"a b; touch {pwned}2 `touch {pwned}3`"
            p = run_script(build, env, dict(CLOUDCRON_TOOL="buildah", CLOUDCRON_CONTEXT=ctx2, CLOUDCRON_DOCKERFILE="Dockerfile",
                                            CLOUDCRON_DESTINATION=f"{reg.host}/args:one", CLOUDCRON_PLATFORM="linux/amd64",
                                            CLOUDCRON_BUILD_ARGS=f"NOTE={note}\nOTHER={other}",
                                            CLOUDCRON_PUSH_FORMAT="docker", CLOUDCRON_ECR_LOGIN="true"))
            ok = p.returncode == 0
            labels = {}
            if ok:
                _, _, body = reg.manifest("args", "one")
                labels = reg.blob("args", body["config"]["digest"]).get("config", {}).get("Labels", {})
            check("build arguments reach the build verbatim",
                  labels.get("note") == note and labels.get("other") == other, p.stderr + str(labels))
            check("shell syntax in build arguments is never run", not glob.glob(pwned + "*"))

            # 3. skopeo republishes by tag and by digest; the digest is kept.
            _, digest, _ = reg.manifest("acme-report", "docker")
            for src, tag in ((f"{reg.host}/acme-report:docker", "v1"), (f"{reg.host}/acme-report@{digest}", "v2")):
                dest = f"{reg.host}/mirror/runtime:{tag}"
                p = run_script(copy, env, dict(CLOUDCRON_TOOL="skopeo", CLOUDCRON_SOURCE=src, CLOUDCRON_DESTINATION=dest,
                                               CLOUDCRON_PLATFORM="linux/amd64", CLOUDCRON_ECR_LOGIN="true"))
                ok = p.returncode == 0
                check(f"skopeo copies {src.split('/', 1)[1]}", ok, p.stdout + p.stderr)
                if ok:
                    ctype, d2, _ = reg.manifest("mirror/runtime", tag)
                    check(f"the copy of {src.split('/', 1)[1]} keeps the digest and the report says so",
                          d2 == digest and ctype == DOCKER_V2 and f"{dest} is {digest}" in p.stdout, p.stdout + d2)

            # 4. Failures stop the apply, with a message.
            cases = [
                ("a missing Dockerfile", build, dict(CLOUDCRON_TOOL="buildah", CLOUDCRON_CONTEXT=tmp, CLOUDCRON_DOCKERFILE="Nope",
                                                     CLOUDCRON_DESTINATION=f"{reg.host}/x:y", CLOUDCRON_PLATFORM="linux/amd64",
                                                     CLOUDCRON_BUILD_ARGS="", CLOUDCRON_PUSH_FORMAT="docker",
                                                     CLOUDCRON_ECR_LOGIN="true"), "no "),
                ("a missing source tag", copy, dict(CLOUDCRON_TOOL="skopeo", CLOUDCRON_SOURCE=f"{reg.host}/acme-report:absent",
                                                    CLOUDCRON_DESTINATION=f"{reg.host}/x:y", CLOUDCRON_PLATFORM="linux/amd64",
                                                    CLOUDCRON_ECR_LOGIN="true"), "absent"),
                ("an unknown tool", copy, dict(CLOUDCRON_TOOL="sh", CLOUDCRON_SOURCE=f"{reg.host}/acme-report:docker",
                                               CLOUDCRON_DESTINATION=f"{reg.host}/x:y", CLOUDCRON_PLATFORM="linux/amd64",
                                               CLOUDCRON_ECR_LOGIN="true"), "unknown tool"),
                # ECR destinations log in through the AWS CLI first; without credentials that fails.
                ("an ECR login without credentials", copy,
                 dict(CLOUDCRON_TOOL="skopeo", CLOUDCRON_SOURCE=f"{reg.host}/acme-report:docker",
                      CLOUDCRON_DESTINATION="123456789012.dkr.ecr.us-west-2.amazonaws.com/runtime:v1",
                      CLOUDCRON_PLATFORM="linux/amd64", CLOUDCRON_ECR_LOGIN="true"), "logging skopeo in to"),
            ]
            for name, script, extra, needle in cases:
                p = run_script(script, env, extra)
                check(f"{name} fails the step", p.returncode != 0 and needle in p.stdout + p.stderr, p.stdout + p.stderr)
        finally:
            reg.stop()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
