"""cloudcron: the task SDK for Python (the C SDK's contract, in Python).

- publish(topic_key, subject, vars=None, *, dedup_id=None, to=None,
  attributes=None): a message to the topic in CLOUDCRON_TOPIC_<KEY>,
  checked against schemas/notification.schema.json before any AWS call;
- @task / Task: a Lambda handler with the C SDK's JSON log lines, and
  main(handler) for `python my_task.py --event FILE`;
- templates.load(): the template in CLOUDCRON_TEMPLATE or at
  CLOUDCRON_TEMPLATE_URL (file://, https://, s3://);
- testing.FakeAWS: moto with the task's topics and a queue on each.

docs/message-contract.md states the contract; runtime/python/README.md
shows a task."""
from . import contract, templates
from .contract import check
from .errors import (CloudcronError, ConfigError, MessageError, PublishError, TaskError,
                     UnknownTopicError)
from .log import log
from .sns import known_keys, topic_arn
from .task import Context, Task, main, publish, task, task_name

__version__ = "0.1.0"
__all__ = ["publish", "task", "Task", "Context", "main", "log", "check", "topic_arn",
           "known_keys", "task_name", "templates", "contract", "CloudcronError",
           "UnknownTopicError", "MessageError", "ConfigError", "PublishError", "TaskError"]
