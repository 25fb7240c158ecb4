"""Structured log lines, as the C SDK writes them (runtime/log.c): one JSON
object per line on stderr, which Lambda sends to CloudWatch:
{"timestamp","level","request_id","message"} then the fields, which cannot
replace those four. Lines below CLOUDCRON_LOG_LEVEL (else
AWS_LAMBDA_LOG_LEVEL, else INFO) are dropped."""
import json
import os
import sys
import time

LEVELS = ("DEBUG", "INFO", "WARN", "ERROR")
_ALIASES = {"TRACE": "DEBUG", "WARNING": "WARN", "FATAL": "ERROR"}


def _parse(s):
    s = (s or "").upper()
    s = _ALIASES.get(s, s)
    return LEVELS.index(s) if s in LEVELS else None


def threshold():
    """The lowest level written, read on every call."""
    for var in ("CLOUDCRON_LOG_LEVEL", "AWS_LAMBDA_LOG_LEVEL"):
        lv = _parse(os.environ.get(var))
        if lv is not None:
            return lv
    return 1


def _stamp():
    t = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(t)) + ".%03dZ" % (int(t * 1000) % 1000)


def log(level, message, request_id="", fields=None):
    """Writes one line when level ("DEBUG", "INFO", "WARN", "ERROR")
    reaches the threshold."""
    lv = _parse(level)
    if lv is None:
        raise ValueError(f"unknown log level {level!r}; levels: {', '.join(LEVELS)}")
    if lv < threshold():
        return
    line = {"timestamp": _stamp(), "level": LEVELS[lv], "request_id": request_id or "",
            "message": str(message)}
    for k, v in (fields or {}).items():
        line.setdefault(k, v)
    text = json.dumps(_finite(line), separators=(",", ":"), ensure_ascii=True, default=str)
    sys.stderr.write(text + "\n")
    sys.stderr.flush()


def _finite(v):
    """v with every NaN or infinity as a string, since JSON has neither."""
    if isinstance(v, float) and (v != v or v in (float("inf"), float("-inf"))):
        return repr(v)
    if isinstance(v, dict):
        return {k: _finite(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_finite(x) for x in v]
    return v
