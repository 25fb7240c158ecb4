#!/usr/bin/env python3
"""The schedule-group and schedule-reconciler modules end to end on
loopback: tests/terraform/e2e_schedules/main.tf (a worker, a creating API,
the group with its scheduler role and creators' policy, a config object in
S3, the reconciler on its own schedule) is applied against moto_server and
checked against what the modules promise (run_e2e.py's checks, plus: the
scheduler role trusts only this group's schedules, the creators' policy
passes only that role to Scheduler, and is attached to the API's role);
then the real cloudcron-reconcile runs with the environment Terraform gave
the deployed function (read back from moto's Lambda), fetches the config
from S3 and creates the config's schedules in the group with the group's
role and target; a second run changes nothing; then destroy.

`run_e2e_schedules.py stack`: the stack cloudcron generates for
tests/generate/cases/schedule-groups (schedule_groups and reconcilers in
the spec) is applied against moto_server and checked the same way; then
examples/reminders-api runs with the environment Terraform gave the
group's creator task and creates a one-time schedule in the group, with
the group's role, target and dead-letter queue; then destroy."""
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "handlers"))
import run_e2e as e2e  # noqa: E402
import lambda_api as la  # noqa: E402

SRC = e2e.SRC
RECONCILE = os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron-reconcile")
check = e2e.check


def after_apply(url):
    def run(aws, resources, out):
        g = out["group"]["value"]
        role = aws.iam.get_role(RoleName="e2e-queries-sched")["Role"]
        doc = role["AssumeRolePolicyDocument"]
        doc = json.loads(doc) if isinstance(doc, str) else doc
        cond = doc["Statement"][0]["Condition"]
        check("group: the scheduler role trusts only this group's schedules",
              cond.get("ArnLike", {}).get("aws:SourceArn") == g["schedules_arn"]
              and g["schedules_arn"].endswith(":schedule/e2e-queries/*"), json.dumps(doc))
        pol = aws.iam.get_policy(PolicyArn=g["policy_arn"])["Policy"]
        ver = aws.iam.get_policy_version(PolicyArn=g["policy_arn"], VersionId=pol["DefaultVersionId"])
        pdoc = ver["PolicyVersion"]["Document"]
        pdoc = json.loads(pdoc) if isinstance(pdoc, str) else pdoc
        st = pdoc["Statement"]
        passes = [s for s in st if "iam:PassRole" in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])]
        check("group: the creators' policy passes only the scheduler role, only to Scheduler",
              len(passes) == 1 and passes[0]["Resource"] == g["role_arn"]
              and passes[0]["Condition"] == {"StringEquals": {"iam:PassedToService": "scheduler.amazonaws.com"}},
              json.dumps(st))
        check("group: no wildcard action in the creators' policy",
              all("*" not in a for s in st for a in (s["Action"] if isinstance(s["Action"], list) else [s["Action"]])),
              json.dumps(st))
        att = aws.iam.list_attached_role_policies(RoleName="e2e-reminders-api-exec")["AttachedPolicies"]
        check("group: the creators' policy is attached to the API's role",
              [a["PolicyArn"] for a in att] == [g["policy_arn"]], str(att))

        # the deployed reconciler's own environment, as Terraform set it
        cfg = aws.lambda_.get_function_configuration(FunctionName="e2e-queries-reconciler")
        fenv = cfg["Environment"]["Variables"]
        check("reconciler: its environment names the group, prefix, role, target and S3 config",
              fenv.get("CLOUDCRON_SCHEDULE_GROUP") == "e2e-queries" and fenv.get("CLOUDCRON_SCHEDULE_PREFIX") == "pn-"
              and fenv.get("CLOUDCRON_SCHEDULER_ROLE_ARN") == g["role_arn"]
              and fenv.get("CLOUDCRON_RECONCILE_CONFIG_URL") == "s3://e2e-queries-config/athena/queries.json",
              json.dumps(fenv))
        worker = aws.lambda_.get_function_configuration(FunctionName="e2e-query-executor")["FunctionArn"]
        env = la.base_env(AWS_ENDPOINT_URL=url, AWS_REGION=e2e.REGION, **fenv)
        for n, want in ((1, {"created": 2, "updated": 0, "deleted": 0, "unchanged": 0, "failed": 0}),
                        (2, {"created": 0, "updated": 0, "deleted": 0, "unchanged": 2, "failed": 0})):
            api, proc = la.run([RECONCILE], env, [la.Event(f"r{n}", "{}")])
            check(f"reconciler: run {n} answers {want}", la.response(api, f"r{n}") == want,
                  f"{api.posts} {proc.stderr.decode()[-2000:]}")
        s = aws.schedule("e2e-queries", "pn-daily-notifications-report")
        check("reconciler: the schedule runs in the default zone with the group's role and target",
              s is not None and s["ScheduleExpression"] == "cron(0 2 * * ? *)"
              and s["ScheduleExpressionTimezone"] == "Europe/Rome" and s["Target"]["RoleArn"] == g["role_arn"]
              and s["Target"]["Arn"] == worker
              and json.loads(s["Target"]["Input"])["id"] == "daily-notifications-report", str(s))
        s = aws.schedule("e2e-queries", "pn-high-volume-alert")
        check("reconciler: the seed's cron spelling and window", s is not None
              and s["FlexibleTimeWindow"] == {"Mode": "FLEXIBLE", "MaximumWindowInMinutes": 5}, str(s))
        # what destroy cannot know about: schedules made at run time
        for name in ("pn-daily-notifications-report", "pn-high-volume-alert"):
            aws.scheduler.delete_schedule(GroupName="e2e-queries", Name=name)
    return run


def after_apply_stack(aws, resources, out):
    g = out["schedule_groups"]["value"]["reminders"]
    att = aws.iam.list_attached_role_policies(RoleName="acme-cron-reminders-api-exec")["AttachedPolicies"]
    check("stack: the creator task's role has the group's creators' policy",
          [a["PolicyArn"] for a in att] == [g["creators_policy_arn"]], str(att))
    att = aws.iam.list_attached_role_policies(RoleName="acme-cron-send-reminder-exec")["AttachedPolicies"]
    check("stack: the target's role has no creators' policy", att == [], str(att))
    fenv = aws.lambda_.get_function_configuration(FunctionName="acme-cron-reminders-api")["Environment"]["Variables"]
    worker = aws.lambda_.get_function_configuration(FunctionName="acme-cron-send-reminder")["FunctionArn"]
    check("stack: the creator gets the group by key",
          fenv.get("CLOUDCRON_SCHEDULE_GROUP_REMINDERS") == "acme-cron-reminders"
          and fenv.get("CLOUDCRON_SCHEDULE_ROLE_REMINDERS") == g["scheduler_role_arn"]
          and fenv.get("CLOUDCRON_SCHEDULE_TARGET_REMINDERS") == worker
          and fenv.get("CLOUDCRON_SCHEDULE_DLQ_REMINDERS", "").endswith(":acme-cron-reminders-dlq")
          and fenv.get("CLOUDCRON_SCHEDULE_RETRY_REMINDERS") == "3,3600"
          and fenv.get("MODE") == "api", json.dumps(fenv))
    check("stack: the target has no schedule of its own", aws.schedule("acme-cron", "acme-cron-send-reminder") is None)
    cfg = aws.lambda_.get_function_configuration(FunctionName="acme-cron-queries")["Environment"]["Variables"]
    check("stack: the reconciler manages group queries, prefix pn-",
          cfg.get("CLOUDCRON_SCHEDULE_GROUP") == "acme-cron-queries" and cfg.get("CLOUDCRON_SCHEDULE_PREFIX") == "pn-"
          and cfg.get("CLOUDCRON_RECONCILE_COLLECTION") == "queries"
          and cfg.get("CLOUDCRON_SCHEDULE_TIMEZONE") == "Europe/Rome"
          and cfg.get("CLOUDCRON_SCHEDULE_RETRY") == "0,600", json.dumps(cfg))
    # the SDK, with the environment the creator task was given
    env = la.base_env(AWS_ENDPOINT_URL=URL[0], AWS_REGION=e2e.REGION, **fenv)
    ev = json.dumps({"action": "remind", "user": "u-1", "at": "2099-01-01T09:00:00", "timezone": "Europe/Rome",
                     "text": "hello"})
    p = subprocess.run(shlex.split(os.environ.get("CC_WRAP", "")) + [REMINDERS, "--event", "-"], input=ev.encode(),
                       env=env, capture_output=True, timeout=60)
    name = json.loads(p.stdout or b"{}").get("name")
    s = aws.schedule("acme-cron-reminders", name) if name else None
    check("stack: the SDK creates a one-time schedule in the group with its role, target and DLQ",
          s is not None and s.get("ActionAfterCompletion") == "DELETE"
          and s["Target"]["RoleArn"] == g["scheduler_role_arn"] and s["Target"]["Arn"] == worker
          and s["Target"].get("DeadLetterConfig", {}).get("Arn") == fenv.get("CLOUDCRON_SCHEDULE_DLQ_REMINDERS")
          and s["Target"].get("RetryPolicy") == {"MaximumRetryAttempts": 3, "MaximumEventAgeInSeconds": 3600},
          f"{p.stdout!r} {p.stderr.decode()[-1500:]} {s}")
    if name:
        aws.scheduler.delete_schedule(GroupName="acme-cron-reminders", Name=name)


URL = [None]
REMINDERS = os.path.join(os.environ.get("CC_BIN", os.path.join(SRC, "build/bin")), "cloudcron-example-reminders")


def main():
    mirror = e2e.find_mirror()
    if not mirror:
        print("no hashicorp/aws provider mirror on this machine")
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "out")
        wrap = shlex.split(os.environ.get("CC_WRAP", ""))
        spec = "tests/generate/cases/schedule-groups/spec.yaml" if STACK else "examples/basic/cloudcron.yaml"
        r = subprocess.run([*wrap, e2e.BIN, "generate", os.path.join(SRC, spec), "-o", out],
                           capture_output=True, text=True)
        if r.returncode != 0:
            print(f"FAIL generate\n{r.stdout}{r.stderr}")
            return 1
        if STACK:
            stack = os.path.join(out, "stacks/acme-cron")
        else:
            stack = os.path.join(out, "stacks/e2e-schedules")
            shutil.copytree(os.path.join(SRC, "tests/terraform/e2e_schedules"), stack)
        port = e2e.free_port()
        url = f"http://127.0.0.1:{port}"
        URL[0] = url
        # Only -var aws_endpoint_url reaches moto: no credentials or profile
        # from the shell, and an AWS endpoint that answers nothing.
        env = {k: v for k, v in e2e.offline_env(tmp, mirror).items() if not k.startswith("AWS_")}
        env.update(AWS_CONFIG_FILE=os.devnull, AWS_SHARED_CREDENTIALS_FILE=os.devnull, AWS_EC2_METADATA_DISABLED="true",
                   AWS_ENDPOINT_URL="http://127.0.0.1:9")
        log = open(os.path.join(tmp, "moto.log"), "w")
        moto = subprocess.Popen(["moto_server", "-H", "127.0.0.1", "-p", str(port)], stdout=log, stderr=log)
        try:
            if not e2e.wait_up(url, moto):
                print("FAIL moto_server did not start")
                return 1
            if STACK:
                e2e.apply_check_destroy("stack", stack, env, e2e.Aws(url), url, after_apply_stack)
            else:
                e2e.apply_check_destroy("schedules", stack, env, e2e.Aws(url), url, after_apply(url))
        finally:
            moto.terminate()
            try:
                moto.wait(10)
            except subprocess.TimeoutExpired:
                moto.kill()
            log.close()
    print(f"{e2e.passed} passed, {e2e.failed} failed")
    return 1 if e2e.failed else 0


STACK = sys.argv[1:] == ["stack"]

if __name__ == "__main__":
    if sys.argv[1:] not in ([], ["stack"]):
        print("usage: run_e2e_schedules.py [stack]", file=sys.stderr)
        sys.exit(2)
    sys.exit(main())
