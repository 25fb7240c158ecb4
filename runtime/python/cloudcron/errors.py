"""The exceptions the package raises. Each has an error_type, the text the
task runner logs (and the C SDK's name for the same failure)."""


class CloudcronError(Exception):
    """Base class. str(e) is the whole message."""
    error_type = "cloudcron.Error"


class UnknownTopicError(CloudcronError, LookupError):
    """A topic key with no CLOUDCRON_TOPIC_<KEY>; the message lists the
    known keys."""
    error_type = "cloudcron.UnknownTopic"


class MessageError(CloudcronError, ValueError):
    """A message (or its attributes) that breaks the contract; the message
    names the key or field. Raised before any AWS call."""
    error_type = "cloudcron.InvalidMessage"


class ConfigError(CloudcronError):
    """Missing or wrong configuration (environment, template source)."""
    error_type = "cloudcron.ConfigError"


class PublishError(CloudcronError):
    """SNS refused the message or could not be reached."""
    error_type = "cloudcron.PublishError"


class TaskError(CloudcronError):
    """What a task raises to fail its run with its own message."""
    error_type = "cloudcron.TaskError"


def error_type(exc):
    """The error_type logged for exc: a cloudcron error's own, else the
    exception's class name (what Lambda reports as errorType)."""
    return getattr(exc, "error_type", None) or type(exc).__name__
