"""Topic keys and publishing, with the C SDK's rules (runtime/sdk.c):
CLOUDCRON_TOPIC_<KEY> holds the topic's ARN; on a FIFO topic the group is
the task name and the de-duplication id is dedup_id or the SHA-256 of the
body; attributes carry what the channels' filter policies match. Every
check happens before any AWS call."""
import math
import os
import re

from . import contract
from .errors import ConfigError, MessageError, PublishError, UnknownTopicError

PREFIX = "CLOUDCRON_TOPIC_"
MAX_ATTRIBUTES = 10
ATTRIBUTE_TYPES = ("String", "Number", "String.Array")


def _var(key):
    return PREFIX + key.upper().replace("-", "_")


def known_keys(environ=None):
    """The topic keys the environment gives an ARN, in its order."""
    env = os.environ if environ is None else environ
    return [k[len(PREFIX):].lower().replace("_", "-") for k, v in env.items()
            if k.startswith(PREFIX) and v]


def topic_arn(key, environ=None):
    """The ARN of topic key (CLOUDCRON_TOPIC_<KEY>, upper case, '-' as '_'),
    or UnknownTopicError naming the key, the variable and the known keys."""
    env = os.environ if environ is None else environ
    if not isinstance(key, str) or not key or len(key) > 200:
        raise UnknownTopicError(f"invalid topic key {key!r}")
    var = _var(key)
    arn = env.get(var)
    if arn:
        return arn
    known = ", ".join(known_keys(env)) or "none"
    if arn is None:
        raise UnknownTopicError(f'unknown topic key "{key}" ({var} is not set); known keys: {known}')
    raise UnknownTopicError(f'topic key "{key}": {var} is set but empty; known keys: {known}')


def _number(value):
    try:
        x = float(value)
    except (TypeError, ValueError):
        return False
    return math.isfinite(x) and bool(re.fullmatch(r"-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?", value))


def message_attributes(attrs):
    """SNS MessageAttributes from attrs: a dict of name to value (a str is
    String, an int or float Number, a list or tuple of str String.Array)
    or to (type, value) with type String, Number or String.Array and value
    a str. MessageError naming the attribute otherwise."""
    if attrs is None:
        return {}
    if not isinstance(attrs, dict):
        raise MessageError("attributes must be a dict of name to value")
    if len(attrs) > MAX_ATTRIBUTES:
        raise MessageError(f"SNS allows at most {MAX_ATTRIBUTES} message attributes, got {len(attrs)}")
    out = {}
    for name, v in attrs.items():
        if not isinstance(name, str) or not name:
            raise MessageError(f"attribute name {name!r}: must be a non-empty string")
        if isinstance(v, tuple) and len(v) == 2 and v[0] in ATTRIBUTE_TYPES:
            kind, value = v
        elif isinstance(v, bool):
            raise MessageError(f'attribute "{name}": a bool is not an attribute type '
                               '(use "true"/"false" as a String)')
        elif isinstance(v, str):
            kind, value = "String", v
        elif isinstance(v, (int, float)):
            kind, value = "Number", repr(v) if isinstance(v, float) else str(int(v))
        elif isinstance(v, (list, tuple)) and all(isinstance(x, str) for x in v):
            kind, value = "String.Array", contract.body(list(v))
        else:
            raise MessageError(f'attribute "{name}": {type(v).__name__} is not an attribute '
                               f"value (str, int, float, list of str, or (type, value) with "
                               f"type one of {', '.join(ATTRIBUTE_TYPES)})")
        if not isinstance(value, str) or not value:
            raise MessageError(f'attribute "{name}": the value must be a non-empty string')
        if kind == "Number" and not _number(value):
            raise MessageError(f'attribute "{name}": {value!r} is not a number')
        out[name] = {"DataType": kind, "StringValue": value}
    return out


def region():
    """AWS_REGION, else AWS_DEFAULT_REGION, else the shared config's (as
    boto3 resolves it); ConfigError when there is none."""
    r = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    if r:
        return r
    import boto3
    r = boto3.session.Session().region_name
    if not r:
        raise ConfigError("no AWS region: set AWS_REGION or AWS_DEFAULT_REGION, or a region "
                          "in the shared config file")
    return r


_clients = {}


def client():
    """An SNS client for the current environment (cached per region and
    endpoint, so a warm Lambda reuses its connection)."""
    import boto3
    reg = region()
    key = (reg, os.environ.get("AWS_ENDPOINT_URL_SNS") or os.environ.get("AWS_ENDPOINT_URL"),
           os.environ.get("AWS_PROFILE"), os.environ.get("AWS_ACCESS_KEY_ID"))
    c = _clients.get(key)
    if c is None:
        c = _clients[key] = boto3.client("sns", region_name=reg, endpoint_url=key[1])
    return c


class Published(dict):
    """What a publish sent: topic_key, topic_arn, message_id, body, and
    group_id and dedup_id on a FIFO topic."""


def prepare(topic_key, subject, vars=None, *, dedup_id=None, to=None, attributes=None,
            group_id=None, task_name=None):
    """Everything publish checks and builds, without an AWS call: the
    keyword arguments of SNS Publish, or an error naming what is wrong."""
    where = f'publish to "{topic_key}"'
    try:
        arn = topic_arn(topic_key)
    except UnknownTopicError as e:
        raise UnknownTopicError(f"{where}: {e}") from None
    try:
        msg = contract.message(subject, vars, to, dedup_id)
    except MessageError as e:
        raise MessageError(f"{where}: the message does not match the schema: {e}") from None
    try:
        attrs = message_attributes(attributes)
    except MessageError as e:
        raise MessageError(f"{where}: {e}") from None
    text = contract.body(msg)
    req = {"TopicArn": arn, "Message": text}
    if attrs:
        req["MessageAttributes"] = attrs
    if arn.endswith(".fifo"):
        req["MessageGroupId"] = group_id or task_name
        req["MessageDeduplicationId"] = dedup_id or contract.dedup_hash(text)
    return req
