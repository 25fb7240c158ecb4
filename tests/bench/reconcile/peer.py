#!/usr/bin/env python3
"""The peer: the seed's schedule manager in Python with boto3, reduced to
what the benchmark times: list the group by prefix (paginator), GetSchedule
each, compare expression, zone, input, state, window, description, target
and role with the config, report the counts. Sequential, as the seed's is.
  peer.py ENDPOINT CONFIG GROUP PREFIX TARGET ROLE"""
import json
import sys

import boto3

url, cfg_path, group, prefix, target, role = sys.argv[1:7]
sch = boto3.client("scheduler", endpoint_url=url, region_name="us-east-1",
                   aws_access_key_id="testing", aws_secret_access_key="testing")
want = json.load(open(cfg_path))["queries"]
current = {}
for page in sch.get_paginator("list_schedules").paginate(GroupName=group, NamePrefix=prefix):
    for s in page["Schedules"]:
        current[s["Name"]] = sch.get_schedule(GroupName=group, Name=s["Name"])
counts = {"created": 0, "updated": 0, "deleted": 0, "unchanged": 0}
for qid, e in want.items():
    name = prefix + qid
    g = current.get(name)
    if not g:
        counts["created"] += 1
        continue
    inp = dict(e, id=qid)
    same = (g["ScheduleExpression"] == e.get("schedule", e.get("cron"))
            and g.get("ScheduleExpressionTimezone", "UTC") == e.get("timezone", "UTC")
            and json.loads(g["Target"].get("Input", "null")) == inp
            and g["State"] == ("ENABLED" if e.get("enabled", True) else "DISABLED")
            and g["FlexibleTimeWindow"].get("Mode") == "OFF"
            and (g.get("Description") or "") == e.get("description", "")
            and g["Target"]["Arn"] == target and g["Target"]["RoleArn"] == role)
    counts["unchanged" if same else "updated"] += 1
counts["deleted"] = len(set(current) - {prefix + k for k in want})
print(json.dumps(counts))
