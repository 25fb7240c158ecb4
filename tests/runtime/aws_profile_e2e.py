#!/usr/bin/env python3
"""Local runs find their region and credentials as the AWS SDKs do
(runtime/aws_profile.h): AWS_DEFAULT_REGION; a profile's static keys in
the credentials file (AWS_PROFILE) with its region in the config file;
[default] in the config file alone; credential_process. The example task
publishes with --event to a topic that exists only in eu-west-3 of
moto_server (moto routes by the signature's region), and moto's IAM
records which access key signed (GetAccessKeyLastUsed), so each case shows
that the key and region it should pick were the ones used. Then the
errors: a missing profile, an SSO profile (unsupported, with the
credential_process hint), a failing credential_process, nothing at all."""
import json
import os
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from moto_util import Moto  # noqa: E402

TASK = shlex.split(os.environ.get("CC_WRAP", "")) + [os.path.join(os.environ["CC_BIN"], "cloudcron-example-task")]
fails = []
REGION = "eu-west-3"

with tempfile.TemporaryDirectory() as tmp, Moto(os.path.join(tmp, "moto.log")) as moto:
    iam = moto.client("iam")
    keys = {}
    for name in ("env", "cred", "conf", "proc"):  # a user each: IAM allows two keys per user
        iam.create_user(UserName=name)
        keys[name] = iam.create_access_key(UserName=name)["AccessKey"]
    sns, sqs = moto.client("sns", REGION), moto.client("sqs", REGION)
    topic = sns.create_topic(Name="alerts")["TopicArn"]
    q = sqs.create_queue(QueueName="q")["QueueUrl"]
    qarn = sqs.get_queue_attributes(QueueUrl=q, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=qarn, Attributes={"RawMessageDelivery": "true"})
    cred_file, conf_file = os.path.join(tmp, "credentials"), os.path.join(tmp, "config")
    marker = os.path.join(tmp, "process-ran")
    proc_out = json.dumps({"Version": 1, "AccessKeyId": keys["proc"]["AccessKeyId"],
                           "SecretAccessKey": keys["proc"]["SecretAccessKey"], "SessionToken": "tok",
                           "Expiration": "2099-01-01T00:00:00Z"})
    open(os.path.join(tmp, "creds.sh"), "w").write(f"#!/bin/sh\ntouch {marker}\ncat <<'EOF'\n{proc_out}\nEOF\n")
    os.chmod(os.path.join(tmp, "creds.sh"), 0o755)
    open(cred_file, "w").write(
        "# comment\n[other]\naws_access_key_id = WRONG\naws_secret_access_key = WRONG\n\n"
        f"[dev]\naws_access_key_id = {keys['cred']['AccessKeyId']}\n"
        f"aws_secret_access_key={keys['cred']['SecretAccessKey']}\n")
    open(conf_file, "w").write(
        f"[default]\nregion = {REGION}\naws_access_key_id = {keys['conf']['AccessKeyId']}\n"
        f"aws_secret_access_key = {keys['conf']['SecretAccessKey']}\n"
        f"[profile dev]\nregion = {REGION}\ns3 =\n  region = us-west-1\n"
        f"[profile proc]\nregion = {REGION}\ncredential_process = {tmp}/creds.sh --profile proc\n"
        "[profile sso]\nregion = eu-west-3\nsso_session = corp\nsso_account_id = 123456789012\n"
        "[profile broken]\nregion = eu-west-3\ncredential_process = sh -c 'exit 3'\n"
        "[profile garbled]\nregion = eu-west-3\ncredential_process = echo not-json\n")
    base = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    base.update(AWS_ENDPOINT_URL=moto.url, CLOUDCRON_TOPIC_ALERTS=topic, CLOUDCRON_TASK_NAME="profile-task",
                HOME=tmp)  # no ~/.aws of the machine's
    n = [0]

    def run(env):
        n[0] += 1
        ev = json.dumps({"paths": ["/tmp"], "threshold": 0, "host": f"h{n[0]}",
                         "scheduled_time": f"2026-11-22T02:0{n[0]}:00Z"})
        return subprocess.run(TASK + ["--event", "-"], input=ev, env=dict(base, **env), capture_output=True,
                              text=True)

    def used(name):
        return iam.get_access_key_last_used(AccessKeyId=keys[name]["AccessKeyId"])["AccessKeyLastUsed"]

    def ok(case, env, key):
        p = run(env)
        got = sqs.receive_message(QueueUrl=q, MaxNumberOfMessages=10).get("Messages", [])
        for m in got:
            sqs.delete_message(QueueUrl=q, ReceiptHandle=m["ReceiptHandle"])
        if p.returncode != 0 or len(got) != 1 or f"h{n[0]}" not in got[0]["Body"]:
            fails.append(f"{case}: exit {p.returncode}, delivered {len(got)}: {p.stderr[-1500:]}")
        lu = used(key)
        if lu.get("ServiceName") != "sns" or lu.get("Region") != REGION:
            fails.append(f"{case}: the {key} key was not used for SNS in {REGION}: {lu}")

    ok("AWS_DEFAULT_REGION and the key variables",
       {"AWS_DEFAULT_REGION": REGION, "AWS_ACCESS_KEY_ID": keys["env"]["AccessKeyId"],
        "AWS_SECRET_ACCESS_KEY": keys["env"]["SecretAccessKey"]}, "env")
    files = {"AWS_SHARED_CREDENTIALS_FILE": cred_file, "AWS_CONFIG_FILE": conf_file}
    ok("AWS_PROFILE=dev: keys from the credentials file, region from the config file",
       dict(files, AWS_PROFILE="dev"), "cred")
    ok("[default] in the config file", dict(files), "conf")
    ok("credential_process", dict(files, AWS_PROFILE="proc"), "proc")
    if not os.path.exists(marker):
        fails.append("credential_process: the command did not run")
    # the default file places under HOME
    os.makedirs(os.path.join(tmp, ".aws"))
    os.rename(conf_file, os.path.join(tmp, ".aws", "config"))
    ok("~/.aws/config", {}, "conf")

    def err(case, env, want):
        p = run(env)
        lines = [json.loads(ln) for ln in p.stderr.splitlines() if ln.startswith("{")]
        msg = lines[-1].get("message", "") if lines else p.stderr
        if p.returncode != 1 or want not in msg:
            fails.append(f"{case}: exit {p.returncode}, {msg!r}, want {want!r}")

    cfg = os.path.join(tmp, ".aws", "config")
    err("missing profile", {"AWS_PROFILE": "nope"},
        f'AWS profile "nope" (AWS_PROFILE) is in neither {tmp}/.aws/credentials nor {cfg}')
    err("SSO profile", {"AWS_PROFILE": "sso"},
        'AWS profile "sso" uses IAM Identity Center (sso_session), which the cloudcron SDK does not support; '
        "use static keys or credential_process (for SSO: credential_process = aws configure "
        "export-credentials --profile sso)")
    err("failing credential_process", {"AWS_PROFILE": "broken"},
        'AWS profile "broken": credential_process failed (status')
    err("credential_process without JSON", {"AWS_PROFILE": "garbled"},
        'AWS profile "garbled": credential_process printed no JSON object')
    os.remove(cfg)
    err("nothing", {}, "no AWS credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or a profile in")
    err("no region", {"AWS_ACCESS_KEY_ID": "a", "AWS_SECRET_ACCESS_KEY": "b"},
        f'no AWS region: set AWS_REGION or AWS_DEFAULT_REGION, or region in profile "default" of {cfg}')
for f in fails:
    print("FAIL", f)
print(f"{len(fails)} failures")
sys.exit(1 if fails else 0)
