#!/usr/bin/env python3
"""The generated workflow-dispatcher module applied against moto_server and
destroyed again (tests/dispatch/tf/main.tf: a VPC, subnets, a security
group and the database secret made there; one dispatcher creating its FIFO
requests queue, one on an existing queue). Read back from moto: each
function runs cloudcron-dispatch in the given subnets and security group,
with the secret's ARN (no password) and the queue's URL in its environment;
the execution role may be assumed only by Lambda for this account and its
policy allows secretsmanager:GetSecretValue on the one secret,
sqs:SendMessage on the one queue, its own logs and its network interfaces,
no wildcard action, and "*" only for ec2:DescribeNetworkInterfaces (which
has no resource-level permissions); the schedule's role invokes that one
function; the schedules exist with their expressions; the created queue
is FIFO with a redrive policy to its dead-letter queue."""
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("CC_SRC", os.path.join(HERE, "..", ".."))
sys.path.insert(0, os.path.join(SRC, "tests", "terraform"))
sys.path.insert(0, os.path.join(SRC, "tests", "runtime"))
from run_terraform import find_mirror, offline_env  # noqa: E402
from moto_util import Moto  # noqa: E402

BIN = os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build", "bin")), "cloudcron")
SERVICES = ["cloudwatchlogs", "ec2", "iam", "lambda", "scheduler", "secretsmanager", "sqs", "sts"]
fails = []
checks = [0]


def check(name, ok, detail=""):
    checks[0] += 1
    if not ok:
        fails.append(f"{name}: {detail}"[:3000])
    return ok


def tf(d, env, *args):
    return subprocess.run(["terraform", *args], cwd=d, capture_output=True, text=True, env=env)


def listed(x):
    return x if isinstance(x, list) else [x]


def policy(iam, role, name):
    doc = iam.get_role_policy(RoleName=role, PolicyName=name)["PolicyDocument"]
    doc = json.loads(doc) if isinstance(doc, str) else doc
    return listed(doc["Statement"])


def check_dispatcher(label, moto, out, queue_arn, subnets, fifo):
    lam, iam = moto.client("lambda", "us-west-2"), moto.client("iam", "us-west-2")
    fn = lam.get_function(FunctionName=out["function_name"])["Configuration"]
    env = fn.get("Environment", {}).get("Variables", {})
    check(f"{label}: the handler's environment", env.get("CLOUDCRON_DB_SECRET") == OUT["secret_arn"]
          and env.get("CLOUDCRON_QUEUE_URL") == out["queue_url"]
          and not any("PASSWORD" in k.upper() for k in env), str(env))
    check(f"{label}: in the given subnets and security group",
          sorted(fn.get("VpcConfig", {}).get("SubnetIds", [])) == sorted(subnets)
          and len(fn.get("VpcConfig", {}).get("SecurityGroupIds", [])) == 1, str(fn.get("VpcConfig")))
    role = fn["Role"].split("/")[-1]
    trust = iam.get_role(RoleName=role)["Role"]["AssumeRolePolicyDocument"]
    trust = json.loads(trust) if isinstance(trust, str) else trust
    check(f"{label}: only Lambda for this account assumes the role", all(
        s.get("Principal") == {"Service": "lambda.amazonaws.com"}
        and s.get("Condition", {}).get("StringEquals", {}).get("aws:SourceAccount") in ("123456789012", ["123456789012"])
        for s in listed(trust["Statement"])), json.dumps(trust))
    st = policy(iam, role, "cloudcron-dispatch")
    by_action = {}
    for s in st:
        check(f"{label}: Allow only", s.get("Effect") == "Allow", json.dumps(s))
        for a in listed(s["Action"]):
            check(f"{label}: no wildcard action", "*" not in a, a)
            by_action.setdefault(a, set()).update(listed(s["Resource"]))
    check(f"{label}: GetSecretValue on the one secret",
          by_action.get("secretsmanager:GetSecretValue") == {OUT["secret_arn"]}, str(by_action))
    check(f"{label}: SendMessage on the one queue", by_action.get("sqs:SendMessage") == {queue_arn},
          str(by_action))
    star = sorted(a for a, r in by_action.items() if "*" in r)
    check(f"{label}: '*' only where AWS allows nothing else", star == ["ec2:DescribeNetworkInterfaces"], str(star))
    check(f"{label}: the actions", set(by_action) == {
        "logs:CreateLogStream", "logs:PutLogEvents", "secretsmanager:GetSecretValue", "sqs:SendMessage",
        "ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface", "ec2:AssignPrivateIpAddresses",
        "ec2:UnassignPrivateIpAddresses", "ec2:DescribeNetworkInterfaces"}, str(sorted(by_action)))
    sched_role = f"{out['function_name']}-sched"
    sst = policy(iam, sched_role, "cloudcron-scheduler")
    check(f"{label}: the schedule invokes this function only",
          [(listed(s["Action"]), listed(s["Resource"])) for s in sst]
          == [(["lambda:InvokeFunction"], [fn["FunctionArn"]])], json.dumps(sst))
    sqs = moto.client("sqs", "us-west-2")
    attrs = sqs.get_queue_attributes(QueueUrl=out["queue_url"], AttributeNames=["All"])["Attributes"]
    check(f"{label}: the queue is {'FIFO' if fifo else 'standard'}",
          (attrs.get("FifoQueue") == "true") == fifo, str(attrs))
    if out["dlq_arn"]:
        rp = json.loads(attrs.get("RedrivePolicy", "{}"))
        check(f"{label}: redrive to its dead-letter queue", rp.get("deadLetterTargetArn") == out["dlq_arn"],
              str(attrs))


mirror = find_mirror()
if not mirror:
    print("no hashicorp/aws provider mirror on this machine")
    sys.exit(1)
with tempfile.TemporaryDirectory() as tmp, Moto(os.path.join(tmp, "moto.log")) as moto:
    out_dir = os.path.join(tmp, "out")
    r = subprocess.run([BIN, "generate", os.path.join(SRC, "examples/dispatcher/cloudcron.yaml"), "-o", out_dir],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print(f"FAIL generate\n{r.stdout}{r.stderr}")
        sys.exit(1)
    stack = os.path.join(out_dir, "stacks", "e2e-dispatch")
    os.makedirs(stack)
    shutil.copy(os.path.join(HERE, "tf", "main.tf"), stack)
    with open(os.path.join(stack, "moto_override.tf"), "w") as f:
        f.write('provider "aws" {\n  access_key                  = "testing"\n  secret_key                  = "testing"\n'
                '  skip_credentials_validation = true\n  skip_requesting_account_id  = true\n'
                '  skip_metadata_api_check     = true\n\n  endpoints {\n')
        for s in SERVICES:
            f.write(f'    {s} = "{moto.url}"\n')
        f.write("  }\n}\n")
    # moto (5.2) drops an SQS queue's RedriveAllowPolicy, so the provider
    # would wait for it forever: overridden away here only (the module's
    # terraform test asserts it), as tests/terraform/run_e2e.py does.
    with open(os.path.join(out_dir, "modules/workflow-dispatcher/moto_override.tf"), "w") as f:
        f.write('resource "aws_sqs_queue_redrive_allow_policy" "dead_letter" {\n  count = 0\n}\n')
    env = dict(offline_env(tmp, mirror), AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing",
               AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull)
    env.pop("AWS_PROFILE", None)
    ok = True
    for cmd in (["init", "-input=false", "-no-color"], ["apply", "-auto-approve", "-input=false", "-no-color"]):
        p = tf(stack, env, *cmd)
        if not check(f"terraform {cmd[0]}", p.returncode == 0, p.stderr[-2500:] + p.stdout[-500:]):
            ok = False
            break
    if ok:
        OUT = {k: v["value"] for k, v in json.loads(tf(stack, env, "output", "-json").stdout).items()}
        try:
            check_dispatcher("created", moto, OUT["created"], OUT["created"]["queue_arn"], OUT["subnets"], True)
            check_dispatcher("existing", moto, OUT["existing"], OUT["existing"]["queue_arn"], OUT["subnets"][:1],
                             False)
            sch = moto.client("scheduler", "us-west-2")
            exprs = {n: sch.get_schedule(GroupName="e2e-dispatch", Name=n)["ScheduleExpression"]
                     for n in ("e2e-flows", "e2e-reports")}
            check("the schedules", exprs == {"e2e-flows": "rate(1 minute)", "e2e-reports": "cron(*/5 * * * ? *)"},
                  str(exprs))
        except Exception as e:  # a check that cannot read moto is a failure, not a crash
            check("checks ran", False, repr(e))
    p = tf(stack, env, "destroy", "-auto-approve", "-input=false", "-no-color")
    check("terraform destroy", p.returncode == 0, p.stderr[-2500:] + p.stdout[-500:])
    left = tf(stack, env, "state", "list").stdout.split()
    check("state empty after destroy", not left, str(left))
print(f"{checks[0]} checks, {len(fails)} failures")
for f in fails:
    print("FAIL", f)
sys.exit(1 if fails else 0)
