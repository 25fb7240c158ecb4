#!/usr/bin/env python3
"""End to end on loopback: moto_server stands in for AWS on a free port.
A stack is applied against it with `-var aws_endpoint_url=http://127.0.0.1:PORT`
and nothing else (no override files, no credentials, the shell's AWS
endpoint pointing nowhere), checked, planned again (no changes allowed),
destroyed, and moto must then hold nothing. `run_e2e.py stack` (label e2e,
also run with the ASan build's generator): the stack cloudcron generates for
tests/generate/cases/full (every spec feature), checked against its spec
(every task's schedule in its time zone; a message published to each topic
lands in exactly the channel queues whose filter policies admit it) and
against what every module promises (below). `run_e2e.py modules` (label
terraform): the one-time schedule scripts against moto (endpoint and account
checks), then tests/terraform/e2e/main.tf, every generated module used
together (one-time at() schedules, an EventBridge rule, the e-mail, SMS and
print channels on FIFO and standard topics), checked value by value.

What every module promises, read back from moto for each resource in the
state: roles trust only their service acting for this account
(aws:SourceAccount); role policies allow named actions on named resources
(no wildcard action in an Allow, no "*" resource but for the actions AWS
cannot scope: scheduler:ListSchedules, ec2:DescribeNetworkInterfaces and the
X-Ray writes, alone in their statements); the template bucket
denies every request without TLS; schedules exist in their time zone; one-time schedules were created
with ActionAfterCompletion DELETE; subscriptions deliver raw; channel queue
policies admit only their topic (aws:SourceArn); event source mappings
report batch item failures. With the spec's `platform` and per-task
platform keys (the full case has them all), every role's path and boundary,
the log groups' and topics' KMS keys and each task's VPC, tracing,
ephemeral storage, entry point and command are read back too."""
import glob
import json
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

import boto3
import botocore.exceptions
import yaml

SRC = os.environ.get("CC_SRC", os.path.join(os.path.dirname(os.path.abspath(__file__)), "../.."))
BIN = os.path.abspath(os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron"))
SERVICES = ["cloudwatchlogs", "events", "iam", "lambda", "scheduler", "sns", "sqs", "sts", "ses", "ecr",
            "secretsmanager", "ssm", "kms", "s3"]
REGION = "us-west-2"

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from run_terraform import find_mirror, offline_env  # noqa: E402

passed = failed = 0


def check(name, ok, detail=""):
    global passed, failed
    if ok:
        passed += 1
        print(f"ok {name}")
    else:
        failed += 1
        print(f"FAIL {name}\n{detail}"[:6000])
    return ok


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url, proc, seconds=30):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if proc.poll() is not None:
            return False
        try:
            urllib.request.urlopen(url + "/moto-api/", timeout=1)
            return True
        except OSError:
            time.sleep(0.2)
    return False


def tf(stack, env, *args):
    return subprocess.run(["terraform", *args], cwd=stack, capture_output=True, text=True, env=env)


def state_resources(stack, env):
    """Every resource instance in the state: (address, type, values)."""
    p = tf(stack, env, "show", "-json")
    out = []

    def walk(mod):
        for r in mod.get("resources", []):
            out.append((r["address"], r["type"], r.get("values", {})))
        for c in mod.get("child_modules", []):
            walk(c)

    if p.returncode == 0 and p.stdout.strip():
        walk(json.loads(p.stdout).get("values", {}).get("root_module", {}))
    return out


class Aws:
    def __init__(self, url):
        kw = dict(endpoint_url=url, region_name=REGION, aws_access_key_id="testing", aws_secret_access_key="testing")
        for name in ("scheduler", "sqs", "sns", "lambda", "events", "iam", "s3", "logs", "ecr", "cloudwatch"):
            setattr(self, name.replace("lambda", "lambda_"), boto3.client(name, **kw))

    def schedule(self, group, name):
        try:
            return self.scheduler.get_schedule(GroupName=group, Name=name)
        except botocore.exceptions.ClientError as e:
            if e.response["Error"]["Code"] == "ResourceNotFoundException":
                return None
            raise


# Actions AWS authorizes on "*" only (no resource-level permissions).
UNSCOPED_ACTIONS = {"scheduler:ListSchedules", "ec2:DescribeNetworkInterfaces",
                    "xray:PutTraceSegments", "xray:PutTelemetryRecords"}


def check_platform(aws, resources, spec):
    """The spec's `platform` and per-task platform keys, read back from moto:
    every role's path and permissions boundary, every log group's and created
    topic's KMS key, and each task's VPC, tracing, ephemeral storage and
    image config (a function's KMS key and logging config are left out in
    the sandbox: moto keeps neither)."""
    plat = spec.get("platform") or {}
    kms = plat.get("kms") or {}
    roles = [v for _, t, v in resources if t == "aws_iam_role"]
    got = [(r["RoleName"], r.get("Path"), r.get("PermissionsBoundary", {}).get("PermissionsBoundaryArn"))
           for r in (aws.iam.get_role(RoleName=v["name"])["Role"] for v in roles)]
    check(f"stack: all {len(roles)} roles have path {plat.get('role_path', '/')} and boundary {plat.get('permissions_boundary')}",
          roles and all(p == plat.get("role_path", "/") and b == plat.get("permissions_boundary") for _, p, b in got), str(got))
    groups = [g for g in aws.logs.describe_log_groups()["logGroups"] if g["logGroupName"].startswith("/aws/lambda/")]
    check(f"stack: all {len(groups)} log groups are encrypted with {kms.get('logs')}",
          groups and all(g.get("kmsKeyId") == kms.get("logs") for g in groups),
          str([(g["logGroupName"], g.get("kmsKeyId")) for g in groups]))
    topics = [v["arn"] for _, t, v in resources if t == "aws_sns_topic"]
    keys = [aws.sns.get_topic_attributes(TopicArn=a)["Attributes"].get("KmsMasterKeyId") for a in topics]
    check(f"stack: all {len(topics)} created topics are encrypted with {kms.get('topics')}",
          topics and all(k == kms.get("topics") for k in keys), str(keys))
    for key, t in spec.get("tasks", {}).items():
        if not any(k in t for k in ("subnets", "tracing", "ephemeral_storage", "entry_point", "command")):
            continue
        c = aws.lambda_.get_function(FunctionName=f"{spec['project']}-{key}")["Configuration"]
        image = c.get("ImageConfigResponse", {}).get("ImageConfig", {})
        want = (sorted(t.get("subnets", [])), sorted(t.get("security_groups", [])), t.get("tracing", "PassThrough"),
                t.get("ephemeral_storage", 512), t.get("entry_point", []), t.get("command", []))
        have = (sorted(c.get("VpcConfig", {}).get("SubnetIds", [])), sorted(c.get("VpcConfig", {}).get("SecurityGroupIds", [])),
                c["TracingConfig"]["Mode"], c["EphemeralStorage"]["Size"], image.get("EntryPoint", []), image.get("Command", []))
        check(f"stack: task {key}'s VPC, tracing, ephemeral storage, entry point and command", want == have, f"{have} != {want}")


def check_promises(label, aws, resources):
    """What every module promises, for each resource of the state."""
    for addr, rtype, v in resources:
        if rtype == "aws_scheduler_schedule":
            s = aws.schedule(v["group_name"], v["name"])
            check(f"{label}: {addr} exists in {v['schedule_expression_timezone']}",
                  s is not None and s["ScheduleExpressionTimezone"] == v["schedule_expression_timezone"]
                  and s["ScheduleExpression"] == v["schedule_expression"], str(s))
        elif rtype == "terraform_data" and addr.endswith("one_time_schedule[0]"):
            p = v["input"]
            s = aws.schedule(p["CLOUDCRON_SCHEDULE_GROUP"], p["CLOUDCRON_SCHEDULE_NAME"])
            check(f"{label}: {addr} is deleted after completion and runs in {p['CLOUDCRON_SCHEDULE_TIMEZONE']}",
                  s is not None and s.get("ActionAfterCompletion") == "DELETE"
                  and s["ScheduleExpression"] == p["CLOUDCRON_SCHEDULE_EXPRESSION"]
                  and s["ScheduleExpressionTimezone"] == p["CLOUDCRON_SCHEDULE_TIMEZONE"], str(s))
        elif rtype == "aws_sns_topic_subscription":
            a = aws.sns.get_subscription_attributes(SubscriptionArn=v["arn"])["Attributes"]
            check(f"{label}: {addr} delivers raw messages to its queue",
                  a.get("RawMessageDelivery") == "true" and a.get("Protocol") == "sqs", str(a))
        elif rtype == "aws_sqs_queue_policy" and ".module.plumbing." in "." + addr:
            a = aws.sqs.get_queue_attributes(QueueUrl=v["queue_url"], AttributeNames=["Policy"])["Attributes"]
            st = json.loads(a["Policy"])["Statement"]
            st = st if isinstance(st, list) else [st]
            ok = len(st) == 1 and st[0]["Principal"] == {"Service": "sns.amazonaws.com"} \
                and st[0]["Action"] == "sqs:SendMessage" and ":sns:" in st[0]["Condition"]["ArnEquals"]["aws:SourceArn"]
            check(f"{label}: {addr} admits only its topic", ok, a["Policy"])
        elif rtype == "aws_iam_role":
            doc = aws.iam.get_role(RoleName=v["name"])["Role"]["AssumeRolePolicyDocument"]
            doc = json.loads(doc) if isinstance(doc, str) else doc
            st = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
            ok = len(st) > 0 and all(
                x.get("Effect") == "Allow" and list(x.get("Principal", {})) == ["Service"]
                and x.get("Condition", {}).get("StringEquals", {}).get("aws:SourceAccount") in ("123456789012", ["123456789012"])
                for x in st)
            check(f"{label}: {addr} may be assumed only by its service acting for this account", ok, json.dumps(doc))
        elif rtype == "aws_iam_role_policy":
            role, name = v["role"], v["name"]
            doc = aws.iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
            doc = json.loads(doc) if isinstance(doc, str) else doc
            st = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]

            def listed(x):
                return x if isinstance(x, list) else [x]
            # the exceptions: actions without resource-level permissions in
            # AWS, whose only resource is "*" (in statements of their own)
            bad = [x for x in st if x.get("Effect") == "Allow" and (
                any("*" in a for a in listed(x.get("Action", []))) or not x.get("Resource")
                or (any(r == "*" for r in listed(x["Resource"]))
                    and not set(listed(x.get("Action"))) <= UNSCOPED_ACTIONS))]
            check(f"{label}: {addr} allows named actions on named resources only", not bad, json.dumps(bad))
        elif rtype == "aws_s3_bucket_policy":
            doc = json.loads(aws.s3.get_bucket_policy(Bucket=v["bucket"])["Policy"])
            st = doc["Statement"] if isinstance(doc["Statement"], list) else [doc["Statement"]]
            deny = [x for x in st if x.get("Effect") == "Deny" and x.get("Action") == "s3:*"
                    and x.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport") == "false"]
            check(f"{label}: {addr} denies every request without TLS", len(deny) == 1 and
                  sorted(deny[0]["Resource"]) == sorted([f"arn:aws:s3:::{v['bucket']}", f"arn:aws:s3:::{v['bucket']}/*"])
                  and not [x for x in st if x.get("Effect") == "Allow"], json.dumps(doc))
        elif rtype == "aws_lambda_event_source_mapping":
            m = aws.lambda_.get_event_source_mapping(UUID=v["uuid"])
            check(f"{label}: {addr} reports batch item failures",
                  m.get("FunctionResponseTypes") == ["ReportBatchItemFailures"], str(m))


def filter_admits(policy, attrs):
    """SNS's filter policy on message attributes, for the exact-value lists
    the e2e spec uses (any other operator is a test error)."""
    for key, allowed in (policy or {}).items():
        if not all(isinstance(x, str) for x in allowed):
            raise ValueError(f"the e2e oracle knows exact values only: {key}: {allowed}")
        if attrs.get(key) not in allowed:
            return False
    return True


# What the e2e publishes to every topic: (subject, message attributes).
MESSAGES = [("critical one", {"severity": "critical"}), ("info one", {"severity": "info"}),
            ("warning one", {"severity": "warning"}), ("no attributes", {})]


def check_stack(aws, resources, out, spec):
    """The spec's stack: every task's schedule in its time zone, and each
    message published to a topic in exactly the channel queues whose
    filters admit it."""
    zones = sorted(v["schedule_expression_timezone"] for _, t, v in resources if t == "aws_scheduler_schedule")
    zones += sorted(v["input"]["CLOUDCRON_SCHEDULE_TIMEZONE"] for a, t, v in resources
                    if t == "terraform_data" and a.endswith("one_time_schedule[0]"))
    want = sorted(t.get("timezone", "UTC") for t in spec.get("tasks", {}).values())
    check("stack: one schedule per task, each in its task's time zone", sorted(zones) == want, f"{zones} != {want}")
    subs = [a for a, t, _ in resources if t == "aws_sns_topic_subscription"]
    check("stack: one subscription per notification", len(subs) == len(spec.get("notifications", {})), str(subs))
    topics = out["topic_arns"]["value"]
    own = [k for k, t in spec.get("topics", {}).items() if not (t or {}).get("arn")]
    for key in own:
        arn = topics[key]
        for i, (subject, attrs) in enumerate(MESSAGES):
            kw = dict(TopicArn=arn, Subject=subject,
                      Message=json.dumps({"subject": subject, "vars": {"n": i}}),
                      MessageAttributes={k: {"DataType": "String", "StringValue": v} for k, v in attrs.items()})
            if arn.endswith(".fifo"):
                kw["MessageGroupId"] = "e2e"
            aws.sns.publish(**kw)
    if spec.get("alarms"):
        # alarms: errors and throttles per task, a missed run per enabled rate()
        # task, one per dead-letter queue, errors per channel; all to the topic.
        tasks, notes = spec.get("tasks", {}), spec.get("notifications", {})
        want = 2 * len(tasks) + sum(1 for t in tasks.values() if t["schedule"].startswith("rate(")
                                    and t.get("enabled", True))
        want += sum(1 for t in tasks.values() if t.get("dead_letter")) + 2 * len(notes)
        alarms = aws.cloudwatch.describe_alarms()["MetricAlarms"]
        target = topics[spec["alarms"]["topic"]]
        check(f"stack: {want} alarms, each publishing to the alarms topic only",
              len(alarms) == want and all(a["AlarmActions"] == [target] for a in alarms),
              json.dumps([(a["AlarmName"], a["AlarmActions"]) for a in alarms]))
    if spec.get("platform") or any(k in t for t in spec.get("tasks", {}).values()
                                   for k in ("subnets", "tracing", "ephemeral_storage", "entry_point", "command")):
        check_platform(aws, resources, spec)
    queues = out["notification_queue_urls"]["value"]
    dlqs = out["notification_dead_letter_queue_urls"]["value"]
    for key, n in spec.get("notifications", {}).items():
        want = sum(1 for _, attrs in MESSAGES if filter_admits(n.get("filter"), attrs)) if n["topic"] in own else 0
        a = aws.sqs.get_queue_attributes(QueueUrl=queues[key], AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
        got = int(a["ApproximateNumberOfMessages"])
        check(f"stack: {key} ({n['topic']}, filter {json.dumps(n.get('filter'))}) holds exactly the {want} messages it admits",
              got == want, f"{got} != {want}")
        a = aws.sqs.get_queue_attributes(QueueUrl=dlqs[key], AttributeNames=["ApproximateNumberOfMessages"])["Attributes"]
        check(f"stack: {key}'s dead-letter queue is empty", a["ApproximateNumberOfMessages"] == "0", str(a))


def moto_leftovers(aws):
    """Everything moto still holds of the kinds a stack creates."""
    left = []
    left += [f["FunctionName"] for f in aws.lambda_.list_functions()["Functions"]]
    left += [m["UUID"] for m in aws.lambda_.list_event_source_mappings()["EventSourceMappings"]]
    left += aws.sqs.list_queues().get("QueueUrls", [])
    left += [t["TopicArn"] for t in aws.sns.list_topics()["Topics"]]
    left += [x["SubscriptionArn"] for x in aws.sns.list_subscriptions()["Subscriptions"]]
    left += [r["RoleName"] for r in aws.iam.list_roles()["Roles"]]
    left += [g["Name"] for g in aws.scheduler.list_schedule_groups()["ScheduleGroups"] if g["Name"] != "default"]
    left += [x["Name"] for x in aws.scheduler.list_schedules()["Schedules"]]
    left += [r["Name"] for r in aws.events.list_rules()["Rules"]]
    left += [b["Name"] for b in aws.s3.list_buckets()["Buckets"]]
    left += [g["logGroupName"] for g in aws.logs.describe_log_groups()["logGroups"]]
    left += [r["repositoryName"] for r in aws.ecr.describe_repositories()["repositories"]]
    left += [x["AlarmName"] for x in aws.cloudwatch.describe_alarms()["MetricAlarms"]]
    return left


def check_fixture(aws, out):
    topics, queues = out["topics"]["value"], out["queues"]["value"]
    s = aws.schedule("e2e", "e2e-once")
    want_target = {"Input": "{\"note\":\"it's $(not) a `command`\"}",
                   "RetryPolicy": {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 600}}
    check("fixture: the one-time schedule has its input verbatim, retry policy, DLQ and window",
          s is not None and all(s["Target"].get(k) == v for k, v in want_target.items())
          and s["Target"]["Arn"].endswith(":function:e2e-once") and s["Target"]["RoleArn"].endswith(":role/e2e-once-sched")
          and s["Target"]["DeadLetterConfig"]["Arn"].endswith(":e2e-once-dlq")
          and s["FlexibleTimeWindow"] == {"Mode": "OFF"} and s["State"] == "ENABLED", str(s))
    a = aws.sqs.get_queue_attributes(QueueUrl=queues["email"], AttributeNames=["All"])["Attributes"]
    check("fixture: the e-mail queue is FIFO with content-based dedup, SSE, 6x visibility and its redrive",
          a.get("FifoQueue") == "true" and a.get("ContentBasedDeduplication") == "true"
          and a.get("SqsManagedSseEnabled") == "true" and a.get("VisibilityTimeout") == "120"
          and json.loads(a.get("RedrivePolicy", "{}")).get("maxReceiveCount") == 4
          and json.loads(a["Policy"])["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"] == topics["alerts"], str(a))
    a = aws.sqs.get_queue_attributes(QueueUrl=queues["print"], AttributeNames=["All"])["Attributes"]
    check("fixture: the print queue is standard and admits only the reports topic",
          a.get("FifoQueue", "false") == "false"
          and json.loads(a["Policy"])["Statement"][0]["Condition"]["ArnEquals"]["aws:SourceArn"] == topics["reports"], str(a))
    subs = aws.sns.list_subscriptions_by_topic(TopicArn=topics["reports"])["Subscriptions"]
    attrs = [aws.sns.get_subscription_attributes(SubscriptionArn=x["SubscriptionArn"])["Attributes"] for x in subs]
    check("fixture: the print subscription filters on message attributes",
          len(attrs) == 1 and json.loads(attrs[0].get("FilterPolicy", "{}")) == {"severity": ["critical", "warning"]}
          and attrs[0].get("FilterPolicyScope") == "MessageAttributes", str(attrs))
    check("fixture: two channels subscribe to the FIFO topic",
          len(aws.sns.list_subscriptions_by_topic(TopicArn=topics["alerts"])["Subscriptions"]) == 2)
    rule = aws.events.describe_rule(Name="e2e-hourly")
    pol = json.loads(aws.lambda_.get_policy(FunctionName="e2e-hourly")["Policy"])["Statement"]
    check("fixture: the EventBridge rule invokes its function, allowed for that rule only",
          rule["ScheduleExpression"] == "rate(1 hour)" and rule["Arn"] == out["rule_arn"]["value"]
          and len(pol) == 1 and pol[0]["Condition"]["ArnLike"]["AWS:SourceArn"] == rule["Arn"], json.dumps(pol))
    env = aws.lambda_.get_function_configuration(FunctionName="e2e-sms")["Environment"]["Variables"]
    check("fixture: the SMS handler gets its secret by name only", env.get("CLOUDCRON_TWILIO_SECRET") == "/e2e/twilio"
          and env.get("CLOUDCRON_ALLOW_OVERRIDE") == "true", str(env))


def check_cli_steps(label, aws, modules, base_env, url):
    """The one-time schedule scripts as terraform runs them (prelude, then
    create or delete): with the sandbox endpoint they call it whatever the
    shell says; without it, a CLI acting for another account than the
    provider's stops before creating anything."""
    folder = os.path.join(modules, "scheduled-lambda/scripts")

    def script(name):
        with open(os.path.join(folder, "aws-cli-env.sh")) as a, open(os.path.join(folder, name)) as b:
            return a.read() + "\n" + b.read()

    aws.scheduler.create_schedule_group(Name="cli-steps")
    params = dict(CLOUDCRON_SCHEDULE_NAME="cli-once", CLOUDCRON_SCHEDULE_GROUP="cli-steps",
                  CLOUDCRON_SCHEDULE_EXPRESSION="at(2030-01-01T09:00:00)", CLOUDCRON_SCHEDULE_TIMEZONE="UTC",
                  CLOUDCRON_SCHEDULE_STATE="ENABLED", CLOUDCRON_SCHEDULE_REGION=REGION, CLOUDCRON_ACCOUNT_ID="123456789012",
                  CLOUDCRON_SCHEDULE_WINDOW='{"Mode":"OFF"}',
                  CLOUDCRON_SCHEDULE_TARGET=json.dumps({"Arn": f"arn:aws:lambda:{REGION}:123456789012:function:cli-once",
                                                        "RoleArn": "arn:aws:iam::123456789012:role/cli-once", "Input": "{}"}))
    # The shell points elsewhere (a dead endpoint, an unknown profile): the
    # stack's endpoint wins.
    shell = {k: v for k, v in base_env.items() if not k.startswith("AWS_")}
    shell.update(AWS_ENDPOINT_URL="http://127.0.0.1:9", AWS_PROFILE="not-a-profile")
    p = subprocess.run(["/bin/bash", "-c", script("create-one-time-schedule.sh")], env=dict(shell, **params, CLOUDCRON_ENDPOINT_URL=url),
                       capture_output=True, text=True, timeout=120)
    s = aws.schedule("cli-steps", "cli-once")
    check(f"{label}: with aws_endpoint_url the CLI creates the one-time schedule there, whatever the shell has",
          p.returncode == 0 and s is not None and s.get("ActionAfterCompletion") == "DELETE", p.stdout + p.stderr)
    p = subprocess.run(["/bin/bash", "-c", script("delete-one-time-schedule.sh")], env=dict(shell, **params, CLOUDCRON_ENDPOINT_URL=url),
                       capture_output=True, text=True, timeout=120)
    check(f"{label}: ... and deletes it there", p.returncode == 0 and aws.schedule("cli-steps", "cli-once") is None,
          p.stdout + p.stderr)
    # Outside the sandbox the CLI must act for the provider's account.
    other = dict(shell, AWS_ENDPOINT_URL=url, AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
                 AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    other.pop("AWS_PROFILE")
    p = subprocess.run(["/bin/bash", "-c", script("create-one-time-schedule.sh")],
                       env=dict(other, **dict(params, CLOUDCRON_ACCOUNT_ID="111111111111"), CLOUDCRON_ENDPOINT_URL=""),
                       capture_output=True, text=True, timeout=120)
    check(f"{label}: a CLI acting for another account than the provider's creates nothing and says why",
          p.returncode != 0 and "acts for account 123456789012 but the provider for 111111111111" in p.stderr
          and aws.schedule("cli-steps", "cli-once") is None, p.stdout + p.stderr)
    aws.scheduler.delete_schedule_group(Name="cli-steps")


def apply_check_destroy(label, stack, env, aws, url, after_apply, before_destroy=None):
    """init, apply with -var aws_endpoint_url only, the checks, a second plan
    that must find nothing to change, destroy, and moto left empty."""
    var = f"-var=aws_endpoint_url={url}"
    ok = True
    for cmd in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color", var]):
        p = tf(stack, env, *cmd)
        if not check(f"{label}: terraform {cmd[0]}", p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:]):
            ok = False
            break
    if ok:
        resources = state_resources(stack, env)
        check(f"{label}: state non-empty after apply ({len(resources)} resources)", len(resources) > 0)
        out = json.loads(tf(stack, env, "output", "-json").stdout or "{}")
        try:
            check_promises(label, aws, resources)
            after_apply(aws, resources, out)
        except Exception as e:  # a check that cannot read moto is a failure, not a crash
            check(f"{label}: checks ran", False, repr(e))
        p = tf(stack, env, "plan", "-detailed-exitcode", "-input=false", "-no-color", var)
        changes = "\n".join(x for x in p.stdout.splitlines() if x.lstrip().startswith("#") or "->" in x or x.lstrip()[:2] in ("+ ", "- ", "~ "))
        check(f"{label}: a second plan finds nothing to change", p.returncode == 0, changes[-6000:] + p.stderr[-2000:])
        if before_destroy:
            before_destroy(aws)
    p = tf(stack, env, "destroy", "-auto-approve", "-input=false", "-no-color", var)
    check(f"{label}: terraform destroy", p.returncode == 0, p.stdout[-3000:] + p.stderr[-3000:])
    left = tf(stack, env, "state", "list").stdout.split()
    check(f"{label}: state empty after destroy", not left, str(left))
    try:
        left = moto_leftovers(aws)
        check(f"{label}: moto holds nothing after destroy", not left, str(left))
    except Exception as e:
        check(f"{label}: moto could be listed after destroy", False, repr(e))


# The stack the e2e applies: the golden case that uses every spec feature.
STACK_CASE = os.path.join(SRC, "tests/generate/cases/full")


def main(which):
    mirror = find_mirror()
    if not mirror:
        print("no hashicorp/aws provider mirror on this machine")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        case = os.path.join(tmp, "case")
        shutil.copytree(STACK_CASE, case, ignore=shutil.ignore_patterns("expected"))
        out = os.path.join(tmp, "out")
        wrap = shlex.split(os.environ.get("CC_WRAP", ""))
        r = subprocess.run([*wrap, BIN, "generate", os.path.join(case, "spec.yaml"), "-o", out], capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL generate\n{r.stdout}{r.stderr}")
            return 1
        with open(os.path.join(case, "spec.yaml")) as f:
            spec = yaml.safe_load(f)
        stack = os.path.join(out, "stacks", spec["project"])
        fixture = os.path.join(out, "stacks/e2e-modules")
        os.makedirs(fixture)
        shutil.copy(os.path.join(SRC, "tests/terraform/e2e/main.tf"), fixture)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        # Nothing from the shell: no credentials, no profile, and an AWS
        # endpoint that answers nothing. Only -var aws_endpoint_url reaches moto.
        env = {k: v for k, v in offline_env(tmp, mirror).items() if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
                   AWS_ENDPOINT_URL="http://127.0.0.1:9")
        log = open(os.path.join(tmp, "moto.log"), "w")
        moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
        try:
            if not wait_up(url, moto):
                print("FAIL moto_server did not start")
                return 1
            aws = Aws(url)
            if which == "stack":
                apply_check_destroy("stack", stack, env, aws, url, lambda a, res, o: check_stack(a, res, o, spec))
            else:
                check_cli_steps("cli", aws, os.path.join(out, "modules"), env, url)

                def ran(a):
                    # As Scheduler does after a one-time schedule has run.
                    a.scheduler.delete_schedule(GroupName="e2e", Name="e2e-once-ran")

                apply_check_destroy("fixture", fixture, env, aws, url, lambda a, res, o: check_fixture(a, o), ran)
                check("fixture: destroy deleted the one-time schedule", aws.schedule("e2e", "e2e-once") is None)
        finally:
            moto.terminate()
            try:
                moto.wait(10)
            except subprocess.TimeoutExpired:
                moto.kill()
            log.close()
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    if sys.argv[1:] not in (["stack"], ["modules"]):
        print("usage: run_e2e.py stack|modules", file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1]))
