#!/usr/bin/env python3
"""CloudWatch alarm notifications through every channel handler, the real
binaries through a local Runtime API. The record's body is what SNS puts
in an SQS queue when CloudWatch publishes an alarm: the SNS envelope (Type
Notification, Subject 'ALARM: "NAME" in REGION', Message the alarm's JSON
with CloudWatch's field names), or the alarm's JSON alone (raw message
delivery, no Subject). Each channel renders it instead of rejecting it:
subject from the SNS Subject (else the one CloudWatch writes), the alarm's
fields as variables. Expected texts come from Jinja2 with that context.
cloudcron-print logs the text; cloudcron-email sends through the loopback
SES v2 stand-in; cloudcron-sms through the Twilio stand-in (its secret in
moto_server). A message that is neither a notification nor an alarm is
still refused."""
import json
import os
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime"))
import lambda_api as la  # noqa: E402
import tlsserver  # noqa: E402
from lambda_api import batch, failures, render_oracle, response  # noqa: E402
from moto_util import Moto  # noqa: E402
from ses_standin import SesStandin, parts  # noqa: E402
from twilio_standin import FakeTwilio, credentials  # noqa: E402

BIN = os.environ["CC_BIN"]
STD = "arn:aws:sqs:us-east-1:123456789012:alarms"
report = la.Report()
fail = report.fail

# CloudWatch's message for a Lambda Errors alarm, field for field
ALARM = {
    "AlarmName": "acme-cron-nightly-report-errors",
    "AlarmDescription": "The nightly-report task failed",
    "AWSAccountId": "123456789012",
    "AlarmConfigurationUpdatedTimestamp": "2026-11-20T10:00:00.000+0000",
    "NewStateValue": "ALARM",
    "NewStateReason": "Threshold Crossed: 1 out of the last 1 datapoints [1.0 (22/11/26 02:00:00)] was greater "
                      "than or equal to the threshold (1.0) (minimum 1 datapoint for OK -> ALARM transition).",
    "StateChangeTime": "2026-11-22T02:01:12.345+0000",
    "Region": "EU (Milan)",
    "AlarmArn": "arn:aws:cloudwatch:eu-south-1:123456789012:alarm:acme-cron-nightly-report-errors",
    "OldStateValue": "OK",
    "OKActions": [],
    "AlarmActions": ["arn:aws:sns:eu-south-1:123456789012:acme-cron-alerts"],
    "InsufficientDataActions": [],
    "Trigger": {"MetricName": "Errors", "Namespace": "AWS/Lambda", "StatisticType": "Statistic",
                "Statistic": "SUM", "Unit": None,
                "Dimensions": [{"value": "acme-cron-nightly-report", "name": "FunctionName"}],
                "Period": 300, "EvaluationPeriods": 1, "DatapointsToAlarm": 1,
                "ComparisonOperator": "GreaterThanOrEqualToThreshold", "Threshold": 1.0,
                "TreatMissingData": "notBreaching", "EvaluateLowSampleCountPercentile": ""},
}
SNS_SUBJECT = 'ALARM: "acme-cron-nightly-report-errors" in EU (Milan)'


def envelope(alarm, subject=SNS_SUBJECT):
    env = {"Type": "Notification", "MessageId": "5f3a1c2e-0000-4000-8000-000000000001",
           "TopicArn": "arn:aws:sns:eu-south-1:123456789012:acme-cron-alerts",
           "Message": json.dumps(alarm), "Timestamp": "2026-11-22T02:01:12.400Z",
           "SignatureVersion": "1", "Signature": "EXAMPLE", "SigningCertURL": "https://sns.example/cert.pem",
           "UnsubscribeURL": "https://sns.example/unsubscribe"}
    if subject is not None:
        env["Subject"] = subject
    return json.dumps(env)


ok_alarm = dict(ALARM, NewStateValue="OK", OldStateValue="ALARM", AlarmDescription=None)
BODIES = [envelope(ALARM), json.dumps(ok_alarm), envelope({"AlarmName": "x"}), envelope(ALARM, subject="")]
# what each record stands for: (subject, vars); m2 is neither kind and fails
WANT = {"m0": (SNS_SUBJECT, ALARM),
        "m1": ('OK: "acme-cron-nightly-report-errors" in EU (Milan)', ok_alarm),
        "m3": ('ALARM: "acme-cron-nightly-report-errors" in EU (Milan)', ALARM)}
TEMPLATE = ("{{ subject }} | {{ NewStateValue }} was {{ OldStateValue }} since {{ StateChangeTime }} | "
            "{{ AlarmDescription }} | {{ Trigger.Namespace }}/{{ Trigger.MetricName }} "
            "{{ Trigger.Dimensions[0].name }}={{ Trigger.Dimensions[0].value }} {{ Trigger.Threshold }} | "
            "{{ NewStateReason }} | {{ AlarmArn }} {{ Region }} {{ AWSAccountId }}")
HTML_TEMPLATE = "<h1>{{ subject }}</h1><p>{{ NewStateReason }}</p>"


def msg_of(mid):
    subject, alarm = WANT[mid]
    return {"subject": subject, "vars": alarm}


def check_failed(name, api):
    if response(api, "r1") != failures(["m2"]):
        fail(name, f"response {response(api, 'r1')}, want only m2 failed")


with tempfile.TemporaryDirectory() as tmp:
    # print
    name = "print"
    report.cases += 1
    api, proc = la.run([os.path.join(BIN, "cloudcron-print")], la.base_env(CLOUDCRON_TEMPLATE=TEMPLATE),
                       [la.Event("r1", batch(STD, BODIES))])
    check_failed(name, api)
    logs = la.log_lines(proc.stderr)
    texts = {l["message_id"]: l["text"] for l in logs if l.get("message") == "rendered"}
    want = {mid: render_oracle(TEMPLATE, "t", {}, msg_of(mid)) for mid in WANT}
    if texts != want:
        fail(name, f"rendered {texts},\nwant {want}")
    if not any(l.get("message_id") == "m2" and l["message"].startswith("unknown key \"AlarmName\"") for l in logs):
        fail(name, f"no ERROR for the message that is neither kind: {logs}")

    # email: subject and both parts
    name = "email"
    report.cases += 1
    srv = SesStandin()
    try:
        api, proc = la.run([os.path.join(BIN, "cloudcron-email")],
                           la.base_env(AWS_ENDPOINT_URL_SESV2=srv.url, CLOUDCRON_TEMPLATE=HTML_TEMPLATE,
                                       CLOUDCRON_TEMPLATE_NAME="alarm.html", CLOUDCRON_SENDER="cron@example.com",
                                       CLOUDCRON_RECIPIENTS="ops@example.com",
                                       CLOUDCRON_SUBJECT="[{{ NewStateValue }}] {{ AlarmName }}"),
                           [la.Event("r1", batch(STD, BODIES))])
        check_failed(name, api)
        got = sorted(parts(s)[:1] + parts(s)[2:] for s in srv.sent)
        want = sorted((f"[{WANT[m][1]['NewStateValue']}] {WANT[m][1]['AlarmName']}",
                       render_oracle(HTML_TEMPLATE, "alarm.html", {}, msg_of(m))) for m in WANT)
        if got != want:
            fail(name, f"SES got {got},\nwant {want}")
    finally:
        srv.close()

    # sms: the channel's recipients
    name = "sms"
    report.cases += 1
    tw, twilio_url, cert = tlsserver.serve(FakeTwilio, tmp)
    FakeTwilio.sent = []
    with Moto() as moto:
        arn = moto.client("secretsmanager").create_secret(Name="tw", SecretString=credentials())["ARN"]
        api, proc = la.run([os.path.join(BIN, "cloudcron-sms")],
                           la.base_env(AWS_ENDPOINT_URL=moto.url, AWS_CA_BUNDLE=cert, CLOUDCRON_TWILIO_URL=twilio_url,
                                       CLOUDCRON_TWILIO_SECRET=arn, CLOUDCRON_FROM="+15005550006",
                                       CLOUDCRON_RECIPIENTS="+15551234567",
                                       CLOUDCRON_TEMPLATE="{{ subject }}: {{ NewStateReason[:40] }}"),
                           [la.Event("r1", batch(STD, BODIES))])
        check_failed(name, api)
        got = sorted(body for to, _, body, _ in FakeTwilio.sent)
        want = sorted(render_oracle("{{ subject }}: {{ NewStateReason[:40] }}", "t", {}, msg_of(m)) for m in WANT)
        if got != want:
            fail(name, f"the stand-in got {got},\nwant {want}")
    tw.shutdown()

report.finish()
