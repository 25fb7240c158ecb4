/* disk_check.c: an example cloudcron task in C.
 *
 * Checks how full some file systems are and publishes an alert to the topic
 * key "alerts" for each one at or above a threshold. Its input (the
 * schedule's `input`, all keys optional):
 *
 *   {"paths": ["/tmp"], "threshold": 90, "host": "db-1"}
 *
 * threshold defaults to the THRESHOLD variable, else 90; host (the alert's
 * label) to the machine's name. The de-duplication id names the path and
 * the scheduled run, so a retried run cannot alert twice. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

#include <cloudcron.h>
#include <jansson.h>

/* Stop starting new checks with less than this left before the deadline. */
#define MIN_LEFT_MS 2000

/* Which run this is: the EventBridge event's "time", the input's
 * "scheduled_time" (Scheduler's <aws.scheduler.scheduled-time>), else the
 * current UTC minute. */
static void run_id(char *out, size_t cap, const json_t *event) {
  const char *t = json_string_value(json_object_get(event, "time"));
  if (!t) t = json_string_value(json_object_get(event, "scheduled_time"));
  if (t) {
    snprintf(out, cap, "%s", t);
  } else {
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(out, cap, "%Y-%m-%dT%H:%MZ", &tm);
  }
}

/* "disk-<path>-<run>", every byte outside [A-Za-z0-9._:-] as '-', at most
 * 128 characters (the FIFO limit). */
static void dedup_id(char *out, size_t cap, const char *path, const char *run) {
  snprintf(out, cap < 129 ? cap : 129, "disk-%s-%s", path, run);
  for (char *c = out + 5; *c; c++)
    if (!((*c >= 'a' && *c <= 'z') || (*c >= 'A' && *c <= 'Z') || (*c >= '0' && *c <= '9') ||
          *c == '.' || *c == '_' || *c == ':' || *c == '-'))
      *c = '-';
}

static int check_path(cloudcron_ctx *ctx, const char *path, double threshold,
                      const char *host, const char *run, int *alerts) {
  struct statvfs st;
  if (statvfs(path, &st) != 0) {
    json_t *f = json_pack("{s:s,s:s}", "path", path, "error", strerror(errno));
    cloudcron_log_fields(ctx, CLOUDCRON_ERROR, f, "cannot read %s", path);
    json_decref(f);
    return CC_EIO;
  }
  /* as df computes it: used over what a non-root user could use */
  double used = (double)(st.f_blocks - st.f_bfree) * st.f_frsize;
  double avail = (double)st.f_bavail * st.f_frsize;
  double pct = used + avail > 0 ? 100.0 * used / (used + avail) : 0.0;
  pct = (double)(long long)(pct * 10 + 0.5) / 10; /* one decimal */
  json_t *vars = json_pack("{s:s,s:s,s:f,s:f,s:I,s:I}", "host", host, "path", path, "pct",
                           pct, "threshold", threshold, "used_mb",
                           (json_int_t)(used / 1048576), "size_mb",
                           (json_int_t)((used + avail) / 1048576));
  cloudcron_log_fields(ctx, CLOUDCRON_INFO, vars, "%s is %.1f%% full", path, pct);
  int rc = CC_OK;
  if (pct >= threshold) {
    char subject[1024], dedup[129];
    snprintf(subject, sizeof subject, "Disk usage above %g%% on %s:%s", threshold, host, path);
    dedup_id(dedup, sizeof dedup, path, run);
    rc = cloudcron_publish(ctx, "alerts", subject, vars, dedup);
    if (rc == CC_OK) ++*alerts;
  }
  json_decref(vars);
  return rc;
}

static int disk_check(cloudcron_ctx *ctx, const json_t *event) {
  const json_t *paths = json_object_get(event, "paths");
  const json_t *th = json_object_get(event, "threshold");
  const char *host = json_string_value(json_object_get(event, "host"));
  const char *env = getenv("THRESHOLD");
  double threshold = json_is_number(th) ? json_number_value(th) : env ? atof(env) : 90;
  char hostname[256], run[64];
  int alerts = 0, failed = 0, rc = CC_OK;
  size_t i, checked = 0;
  json_t *p;
  json_t *fallback = json_pack("[s]", "/tmp");

  if (paths && !json_is_array(paths)) {
    json_decref(fallback);
    return cloudcron_fail(ctx, CC_EINVAL, "\"paths\" must be an array of strings");
  }
  if (!paths) paths = fallback;
  if (!host) {
    if (gethostname(hostname, sizeof hostname) != 0) snprintf(hostname, sizeof hostname, "?");
    hostname[sizeof hostname - 1] = '\0';
    host = hostname;
  }
  run_id(run, sizeof run, event);
  json_array_foreach(paths, i, p) {
    if (cloudcron_remaining_ms(ctx) < MIN_LEFT_MS) {
      rc = cloudcron_fail(ctx, CC_ETIMEOUT, "stopped early: %lld ms left, %zu paths not checked",
                          cloudcron_remaining_ms(ctx), json_array_size(paths) - i);
      break;
    }
    if (!json_is_string(p)) {
      cloudcron_log(ctx, CLOUDCRON_ERROR, "paths[%zu] is not a string", i);
      failed++;
      continue;
    }
    int r = check_path(ctx, json_string_value(p), threshold, host, run, &alerts);
    checked++;
    if (r == CC_EIO) {
      failed++;
    } else if (r != CC_OK) {
      rc = r; /* publishing failed: fail the run, so the schedule retries it */
      break;
    }
  }
  cloudcron_set_result(ctx, json_pack("{s:I,s:i,s:i}", "checked", (json_int_t)checked,
                                      "alerts", alerts, "failed", failed));
  if (rc == CC_OK && failed)
    rc = cloudcron_fail(ctx, CC_EIO, "%d of %zu paths could not be checked", failed,
                        json_array_size(paths));
  json_decref(fallback);
  return rc;
}

int main(int argc, char **argv) { return cloudcron_main(argc, argv, disk_check); }
