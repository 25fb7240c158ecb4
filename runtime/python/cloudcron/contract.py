"""The message contract (docs/message-contract.md): the body a task
publishes and every channel reads, checked as schemas/notification.schema.json
says, without jsonschema (which the Lambda Python runtime does not carry).

check() gives the same verdict and the same text as the runtime's check
(runtime/event.c, what the channels run); body() writes the exact bytes the
C SDK writes, so a FIFO message without a dedup id gets the same
de-duplication id (the SHA-256 of the body) from either SDK.
tests/contract/notification_cases.json holds the cases both are tested on."""
import hashlib
import math

from .errors import MessageError

KEYS = ("subject", "vars", "to", "dedup_id")
DEDUP_MAX = 128
INT_MIN, INT_MAX = -(1 << 63), (1 << 63) - 1


def _distance(a, b):
    """Damerau (optimal string alignment) distance over UTF-8 bytes, as
    cc_edit_distance (lib/suggest.c) computes it."""
    n, m = len(a), len(b)
    if n > 64 or m > 64:
        return max(n, m)
    d = [[0] * (m + 1) for _ in range(n + 1)]
    for i in range(n + 1):
        d[i][0] = i
    for j in range(m + 1):
        d[0][j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            v = min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                v = min(v, d[i - 2][j - 2] + 1)
            d[i][j] = v
    return d[n][m]


def suggest(word, candidates):
    """The candidate nearest word when it is a likely typo (cc_suggest)."""
    w = word.encode("utf-8", "surrogatepass")
    best, best_d = None, None
    for c in candidates:
        cb = c.encode()
        dist = _distance(w, cb)
        if dist <= max(max(len(w), len(cb)) // 3, 1) and (best_d is None or dist < best_d):
            best, best_d = c, dist
    return best


def _is_str(v):
    return isinstance(v, str)


def check(msg):
    """None when msg (a decoded JSON value) is a valid notification, else
    the text naming the offending key or field."""
    if not isinstance(msg, dict):
        return "the message is not a JSON object"
    for key in msg:
        if key not in KEYS:
            near = suggest(key, KEYS)
            if near:
                return f'unknown key "{key}" (did you mean "{near}"?)'
            return f'unknown key "{key}" (the keys are subject, vars, to, dedup_id)'
    if "subject" not in msg:
        return 'the message has no "subject"'
    s = msg["subject"]
    if not _is_str(s) or s == "":
        return '"subject" must be a non-empty string'
    if "\r" in s or "\n" in s:
        return '"subject" must be one line'
    if "vars" in msg and not isinstance(msg["vars"], dict):
        return '"vars" must be an object'
    if "to" in msg:
        to = msg["to"]
        if not isinstance(to, list) or not to:
            return '"to" must be a non-empty array of strings'
        for i, t in enumerate(to):
            if not _is_str(t) or t == "":
                return f'"to[{i}]" must be a non-empty string'
    if "dedup_id" in msg:
        d = msg["dedup_id"]
        if not _is_str(d) or not 1 <= len(d.encode("utf-8", "surrogatepass")) <= DEDUP_MAX:
            return '"dedup_id" must be a string of 1 to 128 characters'
        if any(not "!" <= c <= "~" for c in d):
            return '"dedup_id" may hold only printable ASCII without spaces'
    return None


def _json_value(v, where):
    """v as JSON can hold it, or MessageError naming where it is."""
    if v is None or isinstance(v, (bool, str)):
        if isinstance(v, str):
            _utf8(v, where)
        return v
    if isinstance(v, int):
        if not INT_MIN <= v <= INT_MAX:
            raise MessageError(f'"{where}" is an integer outside the signed 64-bit range')
        return v
    if isinstance(v, float):
        if not math.isfinite(v):
            raise MessageError(f'"{where}" is {v!r}, which JSON cannot hold')
        return v
    if isinstance(v, dict):
        out = {}
        for k, x in v.items():
            if not isinstance(k, str):
                raise MessageError(f'"{where}" has a key that is not a string: {k!r}')
            _utf8(k, where)
            out[k] = _json_value(x, f"{where}.{k}")
        return out
    if isinstance(v, (list, tuple)):
        return [_json_value(x, f"{where}[{i}]") for i, x in enumerate(v)]
    raise MessageError(f'"{where}" is a {type(v).__name__}, which JSON cannot hold')


def _utf8(s, where):
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        raise MessageError(f'"{where}" is not valid UTF-8 (a lone surrogate)') from None


def message(subject, vars=None, to=None, dedup_id=None):
    """The notification for publish's arguments, as a dict, or
    MessageError naming the field. A single string for to is one
    recipient."""
    m = {"subject": _json_value(subject, "subject")}
    if vars is not None:
        m["vars"] = _json_value(vars, "vars")
    if to is not None:
        m["to"] = _json_value([to] if isinstance(to, str) else list(to), "to")
    if dedup_id is not None:
        m["dedup_id"] = _json_value(dedup_id, "dedup_id")
    why = check(m)
    if why:
        raise MessageError(why)
    return m


_SHORT = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\f": "\\f", "\n": "\\n", "\r": "\\r",
          "\t": "\\t"}


def _str(s):
    out = ['"']
    for c in s:
        if c in _SHORT:
            out.append(_SHORT[c])
        elif c < " ":
            out.append("\\u%04X" % ord(c))
        else:
            out.append(c)
    out.append('"')
    return "".join(out)


def _real(x, prec):
    """A real as jansson writes it with JSON_REAL_PRECISION(prec)."""
    s = "%.*g" % (prec, x)
    if "." not in s and "e" not in s:
        s += ".0"
    if "e" in s:
        mant, exp = s.split("e")
        sign = "-" if exp.startswith("-") else ""
        s = mant + "e" + sign + (exp.lstrip("+-").lstrip("0") or "0")
    return s


def _dump(v, prec, out):
    if v is None:
        out.append("null")
    elif v is True:
        out.append("true")
    elif v is False:
        out.append("false")
    elif isinstance(v, int):
        out.append(str(int(v)))
    elif isinstance(v, float):
        out.append(_real(v, prec))
    elif isinstance(v, str):
        out.append(_str(v))
    elif isinstance(v, dict):
        out.append("{")
        for i, k in enumerate(sorted(v)):
            if i:
                out.append(",")
            out.append(_str(k) + ":")
            _dump(v[k], prec, out)
        out.append("}")
    else:
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            _dump(x, prec, out)
        out.append("]")


def _reals(v):
    if isinstance(v, float):
        yield v
    elif isinstance(v, dict):
        for x in v.values():
            yield from _reals(x)
    elif isinstance(v, list):
        for x in v:
            yield from _reals(x)


def body(msg):
    """msg (a checked notification) as the C SDK writes it: compact, keys
    sorted, non-ASCII as UTF-8, reals in the fewest of 15, 16 or 17
    significant digits that read back to the same value for every real of
    the message (runtime/log.c, rt_json_dumps)."""
    reals = list(_reals(msg))
    for prec in (15, 16):
        if all(float(_real(x, prec)) == x for x in reals):
            break
    else:
        prec = 17
    out = []
    _dump(msg, prec, out)
    return "".join(out)


def dedup_hash(text):
    """The de-duplication id of a FIFO message published without one."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
