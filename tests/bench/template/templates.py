"""The benchmark's templates and variables, shared by run.sh's two sides:
an HTML e-mail table (autoescaped) of 10 and 1,000 rows, and a one-line SMS."""
EMAIL = """<html><body>
<h1>Report for {{ job.name|e }}</h1>
<p>{{ rows|length }} runs, {{ failed }} failed.</p>
<table>
<tr><th>#</th><th>task</th><th>status</th><th>duration</th></tr>
{% for r in rows %}<tr class="{{ loop.cycle('odd', 'even') }}"><td>{{ loop.index }}</td><td>{{ r.task }}</td><td>{% if r.ok %}ok{% else %}<b>FAILED</b>{% endif %}</td><td>{{ r.ms / 1000 }} s</td></tr>
{% endfor %}</table>
<p>{{ footer|default("sent by cloudcron") }}</p>
</body></html>
"""
SMS = "{{ job.name|upper }}: {{ failed }} of {{ total }} failed{% if failed %} (first: {{ first_failed|truncate(20) }}){% endif %}"


def email_vars(n):
    rows = [{"task": "task-%d <%s>" % (i, "a&b" if i % 7 == 0 else "x"), "ok": i % 5 != 0, "ms": 1234 + i * 17} for i in range(n)]
    return {"job": {"name": "nightly & weekly"}, "rows": rows, "failed": sum(1 for r in rows if not r["ok"])}


SMS_VARS = {"job": {"name": "backup"}, "failed": 2, "total": 40, "first_failed": "postgres-dump-eu-west-1"}
CASES = [("email10", "mail.html", EMAIL, email_vars(10)), ("email1000", "mail.html", EMAIL, email_vars(1000)),
         ("sms", "sms.txt", SMS, SMS_VARS)]
