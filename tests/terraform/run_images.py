#!/usr/bin/env python3
"""The image modules' scripts against a real registry on loopback: a
docker-registry serving TLS on a free port (its certificate trusted through
SSL_CERT_FILE, as an ECR endpoint's would be), buildah building the
generated lambda-image-build fixture and pushing it, skopeo republishing it
with the generated lambda-container script (also out of a multi-platform
index, and twice under the same tag), and the script's docker path against
a stand-in `docker` that records its arguments. Checks what Lambda relies
on: a single image manifest (not an index) of the requested platform, the digest
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
INDEXES = ["application/vnd.oci.image.index.v1+json", "application/vnd.docker.distribution.manifest.list.v2+json"]


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
                                     headers={"Accept": ", ".join([DOCKER_V2, OCI, *INDEXES])})
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


# A stand-in for `docker` (buildx imagetools only), for the copy script's
# docker path: FAKE_DOCKER_INDEX is the source index as the registry serves
# it; every call is appended to FAKE_DOCKER_CALLS as a JSON array.
FAKE_DOCKER = r"""#!/usr/bin/env python3
import json, os, sys
args = sys.argv[1:]
with open(os.environ["FAKE_DOCKER_CALLS"], "a") as f:
    f.write(json.dumps(args) + "\n")
index = json.loads(os.environ["FAKE_DOCKER_INDEX"])
if args[:3] == ["buildx", "imagetools", "inspect"]:
    ref = args[3]
    fmt = args[args.index("--format") + 1] if "--format" in args else None
    if "--raw" in args:
        print('{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json"}')
    elif fmt == "{{.Manifest.MediaType}}":
        print(index["mediaType"] if "@" not in ref else "application/vnd.oci.image.manifest.v1+json")
    elif fmt and fmt.startswith("{{range .Manifest.Manifests}}"):
        os_, arch = fmt.split('eq .Platform.OS "')[1].split('"')[0], fmt.split('eq .Platform.Architecture "')[1].split('"')[0]
        print("".join(m["digest"] + " " for m in index["manifests"]
                      if m["platform"]["os"] == os_ and m["platform"]["architecture"] == arch))
    else:
        sys.exit("fake docker: unexpected inspect " + json.dumps(args))
elif args[:3] == ["buildx", "imagetools", "create"]:
    pass
else:
    sys.exit("fake docker: unexpected " + json.dumps(args))
"""


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

            # 3b. From a multi-platform index, skopeo writes the one manifest of
            # the platform asked for (Lambda refuses an index).
            idx = f"{reg.host}/acme-report:multi"
            steps = [["buildah", "manifest", "create", "localhost/cc-multi"]]
            steps += [["buildah", "manifest", "add", "localhost/cc-multi", f"docker://{reg.host}/acme-report:{t}"]
                      for t in ("docker", "oci")]
            steps.append(["buildah", "manifest", "push", "--all", "localhost/cc-multi", f"docker://{idx}"])
            out_ = ""
            for cmd in steps:
                q = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=300)
                out_ += q.stdout + q.stderr
                if q.returncode:
                    break
            ctype, _, body = reg.manifest("acme-report", "multi") if not q.returncode else ("", "", {})
            check("fixture: acme-report:multi is an index of linux/amd64 and linux/arm64",
                  "manifests" in body and len(body["manifests"]) == 2, out_ + ctype)
            for platform in ("linux/arm64", "linux/amd64"):
                dest = f"{reg.host}/mirror/multi:{platform.split('/')[1]}"
                p = run_script(copy, env, dict(CLOUDCRON_TOOL="skopeo", CLOUDCRON_SOURCE=idx, CLOUDCRON_DESTINATION=dest,
                                               CLOUDCRON_PLATFORM=platform, CLOUDCRON_ECR_LOGIN="true"))
                ok = p.returncode == 0
                check(f"skopeo copies {platform} out of the index", ok, p.stdout + p.stderr)
                if ok:
                    ctype, d2, body = reg.manifest("mirror/multi", platform.split("/")[1])
                    cfg = reg.blob("mirror/multi", body["config"]["digest"]) if "config" in body else {}
                    check(f"the {platform} copy is a single image manifest of that platform, digest reported",
                          ctype in (DOCKER_V2, OCI) and "layers" in body
                          and f"{cfg.get('os')}/{cfg.get('architecture')}" == platform and f"{dest} is {d2}" in p.stdout,
                          ctype + p.stdout + str(cfg)[:200])

            # 3c. A second copy under the same tag (a new source behind the
            # same source tag) replaces it: the modules' repositories have
            # mutable tags, and the script reports the new digest.
            dest = f"{reg.host}/mirror/again:v1"
            digests = []
            for src in (f"{reg.host}/acme-report:docker", f"{reg.host}/args:one"):
                p = run_script(copy, env, dict(CLOUDCRON_TOOL="skopeo", CLOUDCRON_SOURCE=src, CLOUDCRON_DESTINATION=dest,
                                               CLOUDCRON_PLATFORM="linux/amd64", CLOUDCRON_ECR_LOGIN="true"))
                digests.append(reg.manifest("mirror/again", "v1")[1] if p.returncode == 0 else None)
                check(f"copy of {src.split('/', 1)[1]} to mirror/again:v1", p.returncode == 0, p.stdout + p.stderr)
            check("the second push of the same tag moves it to the new image, and says so",
                  None not in digests and digests[0] != digests[1] and f"{dest} is {digests[1]}" in p.stdout,
                  str(digests) + p.stdout)

            # 3d. docker: no docker daemon here, so a stand-in `docker` on the
            # PATH answers imagetools inspect from the loopback registry's
            # index and records every call; the script must copy the
            # platform's own manifest by digest without --platform (which
            # writes an index) and with --prefer-index=false.
            _, _, body = reg.manifest("acme-report", "multi")
            arm = [m["digest"] for m in body.get("manifests", []) if m.get("platform", {}).get("architecture") == "arm64"]
            fake = os.path.join(tmp, "fakebin")
            os.makedirs(fake, exist_ok=True)
            calls = os.path.join(tmp, "docker-calls")
            with open(os.path.join(fake, "docker"), "w") as f:
                f.write(FAKE_DOCKER)
            os.chmod(os.path.join(fake, "docker"), 0o755)
            for src, want_src in ((idx, f"{reg.host}/acme-report@{arm[0] if arm else '?'}"),
                                  (f"{reg.host}/acme-report@{arm[0] if arm else '?'}", f"{reg.host}/acme-report@{arm[0] if arm else '?'}")):
                if os.path.exists(calls):
                    os.remove(calls)
                dest = f"{reg.host}/mirror/docker:v1"
                p = run_script(copy, dict(env, PATH=fake + os.pathsep + env["PATH"], FAKE_DOCKER_CALLS=calls,
                                          FAKE_DOCKER_INDEX=json.dumps(body)),
                               dict(CLOUDCRON_TOOL="docker", CLOUDCRON_SOURCE=src, CLOUDCRON_DESTINATION=dest,
                                    CLOUDCRON_PLATFORM="linux/arm64", CLOUDCRON_ECR_LOGIN="true"))
                with open(calls) if os.path.exists(calls) else open(os.devnull) as f:
                    made = [json.loads(line) for line in f if line.strip()]
                creates = [c for c in made if c[:3] == ["buildx", "imagetools", "create"]]
                check(f"docker copies {src.split('/', 1)[1]} as one manifest: imagetools create --prefer-index=false "
                      f"of the arm64 manifest by digest, no --platform",
                      p.returncode == 0 and bool(arm) and creates == [["buildx", "imagetools", "create", "--prefer-index=false",
                                                                       "--tag", dest, want_src]],
                      p.stdout + p.stderr + json.dumps(made))

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
