"""The template provider, with the channels' rules (runtime/source.h): a
template inline in CLOUDCRON_TEMPLATE, or at CLOUDCRON_TEMPLATE_URL:
file://PATH, https://... (size, time and redirect limits; http:// refused)
or s3://BUCKET/KEY (GetObject through boto3). Load it once per container,
not per message. Rendering is the task's business (Jinja2 is not in the
Lambda Python runtime)."""
import os
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request

from .errors import ConfigError

MAX_BYTES = 1 << 20
TIMEOUT_MS = 10000
MAX_REDIRECTS = 3
ATTEMPTS = 3


class Template(str):
    """The template's text (a str) with .name, the name that picks
    autoescape (CLOUDCRON_TEMPLATE_NAME, else the URL's last part, else
    "CLOUDCRON_TEMPLATE")."""

    def __new__(cls, text, name):
        t = super().__new__(cls, text)
        t.name = name
        return t


def _limit(env, var, default):
    v = env.get(var)
    if not v:
        return default
    try:
        n = int(v)
    except ValueError:
        n = 0
    if n < 1:
        raise ConfigError(f"{var}: {v!r} is not a positive integer")
    return n


def _decode(data, where):
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise ConfigError(f"{where}: the template is not UTF-8 (byte {e.start})") from None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None  # redirects are followed by hand, to check each target


def _https(url, max_bytes, deadline):
    ctx = ssl.create_default_context(cafile=os.environ.get("AWS_CA_BUNDLE") or None)
    opener = urllib.request.build_opener(urllib.request.HTTPSHandler(context=ctx), _NoRedirect)
    redirects, attempt = 0, 0
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            raise ConfigError(f"{url}: no answer within the time limit")
        try:
            with opener.open(url, timeout=left) as r:
                data = r.read(max_bytes + 1)
                if len(data) > max_bytes:
                    raise ConfigError(f"{url}: the template is larger than the limit of {max_bytes} bytes")
                return data
        except urllib.error.HTTPError as e:
            if e.code in (301, 302, 303, 307, 308) and e.headers.get("Location"):
                nxt = urllib.parse.urljoin(url, e.headers["Location"])
                redirects += 1
                if redirects > MAX_REDIRECTS:
                    raise ConfigError(f"{url}: more than {MAX_REDIRECTS} redirects") from None
                if not nxt.startswith("https://"):
                    raise ConfigError(f"{url}: redirected to {nxt}, which is not https://") from None
                url = nxt
                continue
            attempt += 1
            if (e.code == 429 or e.code >= 500) and attempt < ATTEMPTS:
                time.sleep(min(0.05 * 2 ** attempt, max(0, deadline - time.monotonic())))
                continue
            raise ConfigError(f"{url}: HTTP {e.code}") from None
        except (urllib.error.URLError, OSError) as e:
            attempt += 1
            if attempt < ATTEMPTS and time.monotonic() < deadline:
                continue
            raise ConfigError(f"{url}: {getattr(e, 'reason', e)}") from None


def _s3(url, max_bytes):
    import boto3
    import botocore.exceptions
    rest = url[len("s3://"):]
    bucket, _, key = rest.partition("/")
    if not bucket or not key:
        raise ConfigError(f"{url}: an s3:// URL is s3://BUCKET/KEY")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or None
    s3 = boto3.client("s3", region_name=region)
    try:
        obj = s3.get_object(Bucket=bucket, Key=key)
    except botocore.exceptions.ClientError as e:
        raise ConfigError(f"{url}: s3 GetObject: {e.response.get('Error', {}).get('Code')}") from None
    except botocore.exceptions.BotoCoreError as e:
        raise ConfigError(f"{url}: s3 GetObject: {e}") from None
    data = obj["Body"].read(max_bytes + 1)
    if len(data) > max_bytes:
        raise ConfigError(f"{url}: the template is larger than the limit of {max_bytes} bytes")
    return data


def fetch(url, max_bytes=MAX_BYTES, timeout_ms=TIMEOUT_MS):
    """The bytes at url (file://, https://, s3://), or ConfigError naming
    the URL and the problem."""
    if any(ord(c) < 0x20 or c == "\x7f" for c in url):
        raise ConfigError(f"{url!r}: a control character in the URL")
    if url.startswith("file://"):
        path = url[len("file://"):]
        try:
            with open(path, "rb") as f:
                data = f.read(max_bytes + 1)
        except OSError as e:
            raise ConfigError(f"{url}: {e.strerror or e}") from None
        if len(data) > max_bytes:
            raise ConfigError(f"{url}: the template is larger than the limit of {max_bytes} bytes")
        return data
    if url.startswith("https://"):
        if " " in url or not url[len("https://"):].split("/")[0]:
            raise ConfigError(f"{url}: not a valid https:// URL")
        return _https(url, max_bytes, time.monotonic() + timeout_ms / 1000)
    if url.startswith("s3://"):
        return _s3(url, max_bytes)
    raise ConfigError(f"{url}: unknown scheme (file://, https:// or s3://)")


def _last_part(url):
    path = urllib.parse.urlsplit(url).path if url.startswith("https://") else url.split("://", 1)[1]
    return path.rstrip("/").rsplit("/", 1)[-1]


def load(environ=None):
    """The template the environment names: CLOUDCRON_TEMPLATE, else
    CLOUDCRON_TEMPLATE_URL, with CLOUDCRON_TEMPLATE_MAX_BYTES and
    CLOUDCRON_TEMPLATE_TIMEOUT_MS as limits. ConfigError naming the
    variable or URL otherwise."""
    env = os.environ if environ is None else environ
    max_bytes = _limit(env, "CLOUDCRON_TEMPLATE_MAX_BYTES", MAX_BYTES)
    timeout_ms = _limit(env, "CLOUDCRON_TEMPLATE_TIMEOUT_MS", TIMEOUT_MS)
    name = env.get("CLOUDCRON_TEMPLATE_NAME") or None
    inline, url = env.get("CLOUDCRON_TEMPLATE"), env.get("CLOUDCRON_TEMPLATE_URL")
    if inline and url:
        raise ConfigError("both CLOUDCRON_TEMPLATE and CLOUDCRON_TEMPLATE_URL are set; set one")
    if inline:
        if len(inline.encode("utf-8", "surrogateescape")) > max_bytes:
            raise ConfigError(f"CLOUDCRON_TEMPLATE is larger than the limit of {max_bytes} bytes")
        return Template(inline, name or "CLOUDCRON_TEMPLATE")
    if not url:
        raise ConfigError("no template: set CLOUDCRON_TEMPLATE (the template itself) or "
                          "CLOUDCRON_TEMPLATE_URL (file://, https:// or s3://)")
    try:
        data = fetch(url, max_bytes, timeout_ms)
    except ConfigError as e:
        raise ConfigError(f"CLOUDCRON_TEMPLATE_URL {e}") from None
    return Template(_decode(data, f"CLOUDCRON_TEMPLATE_URL {url}"), name or _last_part(url) or "template")
