"""A scheduled task: its context, the Lambda handler around it and the
local runner, as the C SDK's cloudcron_main (runtime/sdk_main.c) does them.

    import cloudcron

    @cloudcron.task
    def handler(event, ctx):
        ctx.publish("alerts", "Disk usage above 90%", {"host": "db-1"})

    if __name__ == "__main__":
        raise SystemExit(cloudcron.main(handler))

The Lambda function's handler is `module.handler`; `python module.py
--event FILE` runs it once locally. A class works too: subclass
cloudcron.Task, implement run(self, event, ctx), and use an instance as
the handler."""
import json
import os
import sys
import time

from .log import log as _write
from . import sns
from .errors import CloudcronError, PublishError, error_type

MARGIN_MS = 250  # no task is started, and no publish sent, this close to the deadline


def _now_ms():
    return int(time.time() * 1000)


def task_name():
    """CLOUDCRON_TASK_NAME, else AWS_LAMBDA_FUNCTION_NAME, else the
    program's name: the FIFO message group unless one is given."""
    for var in ("CLOUDCRON_TASK_NAME", "AWS_LAMBDA_FUNCTION_NAME"):
        if os.environ.get(var):
            return os.environ[var]
    prog = os.path.basename(sys.argv[0]) if sys.argv and sys.argv[0] else ""
    return prog or "cloudcron-task"


class DeadlineExceeded(CloudcronError):
    error_type = "Runtime.DeadlineExceeded"


class Context:
    """One invocation: its ids, deadline, event, and the calls a task makes."""

    def __init__(self, event=None, request_id="", function_arn="", trace_id="",
                 deadline_ms=0, name=None):
        self.event = event
        self.request_id = request_id
        self.function_arn = function_arn
        self.trace_id = trace_id
        self.deadline_ms = deadline_ms
        self.task_name = name or task_name()
        self.published = 0
        self.last_message_id = ""
        self.result = None

    def remaining_ms(self):
        """Milliseconds before the deadline (negative once past); a very
        large number when there is none."""
        return self.deadline_ms - _now_ms() if self.deadline_ms else sys.maxsize

    def log(self, level, message, **fields):
        _write(level, message, self.request_id, fields)

    def publish(self, topic_key, subject, vars=None, *, dedup_id=None, to=None,
                attributes=None, group_id=None):
        """Checks, then publishes the notification {"subject", "vars", "to",
        "dedup_id"} to the topic of topic_key; see cloudcron.publish."""
        req = sns.prepare(topic_key, subject, vars, dedup_id=dedup_id, to=to,
                          attributes=attributes, group_id=group_id, task_name=self.task_name)
        where = f'publish to "{topic_key}"'
        if self.deadline_ms and self.remaining_ms() < MARGIN_MS:
            raise DeadlineExceeded(f"{where}: the invocation's deadline is less than {MARGIN_MS} ms away")
        import botocore.exceptions
        try:
            out = sns.client().publish(**req)
        except botocore.exceptions.ClientError as e:
            err = e.response.get("Error", {})
            status = e.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
            raise PublishError(f"{where}: sns Publish: HTTP {status} {err.get('Code')}: "
                               f"{err.get('Message')}") from None
        except botocore.exceptions.BotoCoreError as e:
            raise PublishError(f"{where}: sns Publish: {e}") from None
        self.published += 1
        self.last_message_id = out["MessageId"]
        fields = {"topic_key": topic_key, "message_id": out["MessageId"]}
        if "MessageDeduplicationId" in req:
            fields["dedup_id"] = req["MessageDeduplicationId"]
        _write("INFO", f'published to "{topic_key}"', self.request_id, fields)
        return sns.Published(topic_key=topic_key, topic_arn=req["TopicArn"],
                             message_id=out["MessageId"], body=req["Message"],
                             group_id=req.get("MessageGroupId"),
                             dedup_id=req.get("MessageDeduplicationId"))


_current = [None]


def current():
    """The running invocation's context; outside one, a new context
    (request id "", the task name read now)."""
    return _current[0] or Context()


def publish(topic_key, subject, vars=None, *, dedup_id=None, to=None, attributes=None,
            group_id=None):
    """Publishes {"subject", "vars", "to", "dedup_id"}
    (schemas/notification.schema.json) to the SNS topic in
    CLOUDCRON_TOPIC_<KEY>. Checked before any AWS call: an unknown key
    raises UnknownTopicError listing the known keys; a message or attribute
    the contract refuses raises MessageError naming the key or field. On a
    FIFO topic (ARN ending in .fifo) the MessageGroupId is group_id or the
    task name and the MessageDeduplicationId is dedup_id or the SHA-256 of
    the body. attributes: {name: str | int | float | [str] | (type, str)},
    at most 10, for the channels' filter policies. Returns a Published dict
    (message_id, body, group_id, dedup_id); PublishError when SNS refused
    it."""
    return current().publish(topic_key, subject, vars, dedup_id=dedup_id, to=to,
                             attributes=attributes, group_id=group_id)


class Task:
    """Subclass and implement run(self, event, ctx); an instance is a
    Lambda handler (instance(event, context)) and runs locally with
    cloudcron.main(instance)."""

    def run(self, event, ctx):
        raise NotImplementedError

    def invoke(self, event, ctx):
        """Runs the task in ctx; returns the result or raises, having logged
        the failure as the C SDK does (ERROR, message, error_type)."""
        if ctx.deadline_ms and ctx.remaining_ms() < MARGIN_MS:
            e = DeadlineExceeded("the invocation's deadline passed before the task started")
            _write("ERROR", str(e), ctx.request_id, {"error_type": e.error_type})
            raise e
        _current[0] = ctx
        try:
            result = self.run(event, ctx)
        except Exception as e:
            _write("ERROR", str(e) or type(e).__name__, ctx.request_id,
                     {"error_type": error_type(e)})
            raise
        finally:
            _current[0] = None
        return {"published": ctx.published} if result is None else result

    def __call__(self, event, context=None):
        ctx = Context(event,
                      request_id=getattr(context, "aws_request_id", ""),
                      function_arn=getattr(context, "invoked_function_arn", ""),
                      trace_id=os.environ.get("_X_AMZN_TRACE_ID", ""),
                      deadline_ms=(_now_ms() + context.get_remaining_time_in_millis()
                                   if hasattr(context, "get_remaining_time_in_millis") else 0))
        return self.invoke(event, ctx)


class _FunctionTask(Task):
    def __init__(self, fn):
        self.fn = fn
        self.__name__ = getattr(fn, "__name__", "task")
        self.__doc__ = fn.__doc__

    def run(self, event, ctx):
        return self.fn(event, ctx)


def task(fn):
    """Makes fn(event, ctx) a Lambda handler: handler(event, context)."""
    return _FunctionTask(fn)


USAGE = ("usage: {0}                      (as a Lambda handler: module.handler)\n"
         "       {0} --event FILE|- [--timeout SECONDS]   (one local run)\n")


def _load_event(path, prog):
    """The event's JSON, or None having said why on stderr."""
    name = "<stdin>" if path == "-" else path
    try:
        text = sys.stdin.read() if path == "-" else open(path, encoding="utf-8").read()
    except OSError as e:
        sys.stderr.write(f"{prog}: --event {path}: {e.strerror or e}\n")
        return None
    except UnicodeDecodeError as e:
        sys.stderr.write(f"{name}: error: not UTF-8: {e.reason} at byte {e.start}\n")
        return None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as e:
        sys.stderr.write(f"{name}:{e.lineno}:{e.colno}: error: {e.msg}\n")
    except ValueError as e:
        sys.stderr.write(f"{name}: error: {e}\n")
    return None


def _no_duplicates(pairs):
    out = {}
    for k, v in pairs:
        if k in out:
            raise ValueError(f'duplicate key "{k}"')
        out[k] = v
    return out


def main(handler, argv=None):
    """`PROGRAM --event FILE|- [--timeout SECONDS]`: runs handler (a Task,
    or a function made one) once on the JSON in FILE with request id
    "local", prints its result on stdout and returns 0, or logs the failure
    (ERROR, with error_type) and returns 1; 2 for a usage error."""
    argv = sys.argv if argv is None else argv
    prog = os.path.basename(argv[0]) if argv else "task"
    if not isinstance(handler, Task):
        handler = task(handler)
    event, timeout = None, 60
    i = 1
    while i < len(argv):
        a = argv[i]
        if a in ("--help", "-h"):
            sys.stdout.write(USAGE.format(prog))
            return 0
        if a == "--event" and i + 1 < len(argv):
            event = argv[i + 1]
            i += 2
        elif a == "--timeout" and i + 1 < len(argv):
            try:
                timeout = int(argv[i + 1])
            except ValueError:
                timeout = 0
            if not 1 <= timeout <= 900:
                sys.stderr.write(f"{prog}: --timeout takes 1 to 900 seconds\n")
                return 2
            i += 2
        else:
            sys.stderr.write(f'{prog}: unknown argument "{a}"\n' + USAGE.format(prog))
            return 2
    if event is None:
        sys.stderr.write(f"{prog}: no --event FILE: a local run needs the event\n" + USAGE.format(prog))
        return 2
    ev = _load_event(event, prog)
    if ev is None:
        return 1
    ctx = Context(ev, request_id="local", deadline_ms=_now_ms() + timeout * 1000)
    try:
        result = handler.invoke(ev, ctx)
    except Exception:
        return 1
    sys.stdout.write(json.dumps(result, separators=(",", ":"), ensure_ascii=False, default=str) + "\n")
    return 0
