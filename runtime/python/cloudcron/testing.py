"""A test fixture for tasks, without pytest: fake AWS (moto) with the
task's topics, each with an SQS queue subscribed by raw delivery, as the
channels' queues are, so a test reads back exactly what was published.

    from cloudcron.testing import FakeAWS

    with FakeAWS(topics={"alerts": "alerts.fifo"}) as aws:
        handler({"host": "db-1"}, None)
        [m] = aws.messages("alerts")
        assert m["message"]["subject"] == "Disk usage above 90%"

In process (moto's mock_aws; needs the moto package) by default; with
endpoint_url, against a running moto_server (or anything speaking the
AWS APIs), which also serves tasks written in other languages. While the
block runs, the environment holds CLOUDCRON_TOPIC_<KEY> for every topic,
test credentials and a region; it is restored afterwards."""
import json
import os

TEST_ENV = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_REGION": "us-east-1", "AWS_DEFAULT_REGION": "us-east-1"}


class FakeAWS:
    """topics: {key: topic name} (a name ending in .fifo is a FIFO topic)
    or a list of keys (standard topics named after them). env: more
    variables to set for the block (e.g. CLOUDCRON_TASK_NAME)."""

    def __init__(self, topics, endpoint_url=None, env=None, region="us-east-1"):
        self.topics = dict(topics) if isinstance(topics, dict) else {k: k for k in topics}
        self.endpoint_url = endpoint_url
        self.region = region
        self.extra_env = dict(env or {})
        self.arns, self.queues = {}, {}
        self._mock = None
        self._saved = None

    def client(self, service):
        import boto3
        return boto3.client(service, region_name=self.region, endpoint_url=self.endpoint_url,
                            aws_access_key_id="testing", aws_secret_access_key="testing")

    def env(self):
        """The variables the block sets (for a subprocess: a task binary)."""
        env = dict(TEST_ENV, AWS_REGION=self.region, AWS_DEFAULT_REGION=self.region)
        if self.endpoint_url:
            env["AWS_ENDPOINT_URL"] = self.endpoint_url
        for key, arn in self.arns.items():
            env["CLOUDCRON_TOPIC_" + key.upper().replace("-", "_")] = arn
        env.update(self.extra_env)
        return env

    def __enter__(self):
        self._saved = dict(os.environ)
        for k in list(os.environ):
            if k.startswith(("AWS_", "CLOUDCRON_TOPIC_")):
                del os.environ[k]
        os.environ.update(dict(TEST_ENV, AWS_REGION=self.region, AWS_DEFAULT_REGION=self.region))
        if self.endpoint_url is None:
            from moto import mock_aws
            self._mock = mock_aws()
            self._mock.start()
        try:
            sns, sqs = self.client("sns"), self.client("sqs")
            for key, name in self.topics.items():
                fifo = name.endswith(".fifo")
                attrs = {"FifoTopic": "true", "ContentBasedDeduplication": "false"} if fifo else {}
                arn = sns.create_topic(Name=name, Attributes=attrs)["TopicArn"]
                qname = ("q-" + name[:-5] + ".fifo") if fifo else "q-" + name
                q = sqs.create_queue(QueueName=qname,
                                     Attributes={"FifoQueue": "true"} if fifo else {})["QueueUrl"]
                qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])[
                    "Attributes"]["QueueArn"]
                sns.subscribe(TopicArn=arn, Protocol="sqs", Endpoint=qarn,
                              Attributes={"RawMessageDelivery": "true"})
                self.arns[key], self.queues[key] = arn, q
            os.environ.update(self.env())
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def messages(self, key, wait_seconds=0):
        """Everything delivered to topic key's queue since the last call:
        dicts with body (the raw text), message (the decoded body),
        group_id, dedup_id (FIFO) and attributes ({name: (type, value)})."""
        sqs = self.client("sqs")
        out = []
        while True:
            got = sqs.receive_message(QueueUrl=self.queues[key], MaxNumberOfMessages=10,
                                      WaitTimeSeconds=wait_seconds, AttributeNames=["All"],
                                      MessageAttributeNames=["All"]).get("Messages", [])
            if not got:
                return out
            for m in got:
                a = m.get("Attributes", {})
                try:
                    decoded = json.loads(m["Body"])
                except ValueError:
                    decoded = None
                out.append({"body": m["Body"], "message": decoded,
                            "group_id": a.get("MessageGroupId"),
                            "dedup_id": a.get("MessageDeduplicationId"),
                            "attributes": {k: (v["DataType"], v.get("StringValue"))
                                           for k, v in m.get("MessageAttributes", {}).items()}})
                sqs.delete_message(QueueUrl=self.queues[key], ReceiptHandle=m["ReceiptHandle"])
            wait_seconds = 0

    def __exit__(self, *exc):
        if self._mock is not None:
            self._mock.stop()
            self._mock = None
        if self._saved is not None:
            os.environ.clear()
            os.environ.update(self._saved)
            self._saved = None
        from . import sns
        sns._clients.clear()
