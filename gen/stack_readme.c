/* The root stack's README.md: built from the spec, table cells escaped by
 * libcmark (gen/readme.h). */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "cc/err.h"
#include "readme.h"
#include "stack.h"

/* "cron(0 2 * * ? *)" -> "every day at 02:00"; other forms are described
 * field by field. */
static void S_when(cc_buf *b, const char *expr, const char *tz) {
  size_t n = strlen(expr);
  if (!strncmp(expr, "rate(", 5) && n > 6) {
    cc_buf_emitf(b, "every %.*s", (int)(n - 6), expr + 5);
    return;
  }
  if (!strncmp(expr, "at(", 3) && n > 4) {
    char when[64];
    snprintf(when, sizeof when, "%.*s", (int)(n - 4), expr + 3);
    char *t = strchr(when, 'T');
    if (t) *t = ' ';
    cc_buf_emitf(b, "once, at %s (%s); the schedule is deleted after it runs", when, tz);
    return;
  }
  if (!strncmp(expr, "cron(", 5) && n > 6) {
    char f[6][64];
    char body[256];
    snprintf(body, sizeof body, "%.*s", (int)(n - 6), expr + 5);
    if (sscanf(body, "%63s %63s %63s %63s %63s %63s", f[0], f[1], f[2], f[3], f[4], f[5]) == 6) {
      int mi, h;
      char extra;
      bool any_day = (!strcmp(f[2], "*") || !strcmp(f[2], "?")) && (!strcmp(f[4], "*") || !strcmp(f[4], "?"));
      if (sscanf(f[0], "%d%c", &mi, &extra) == 1 && sscanf(f[1], "%d%c", &h, &extra) == 1 && any_day &&
          !strcmp(f[3], "*") && !strcmp(f[5], "*")) {
        cc_buf_emitf(b, "every day at %02d:%02d (%s)", h, mi, tz);
        return;
      }
      static const char *const names[] = {"minute", "hour", "day of month", "month", "day of week", "year"};
      for (int i = 0; i < 6; i++)
        cc_buf_emitf(b, "%s%s %s", i ? ", " : "", names[i], !strcmp(f[i], "?") ? "any" : f[i]);
      cc_buf_emitf(b, " (%s)", tz);
      return;
    }
  }
  cc_buf_emit(b, expr);
}

typedef struct S_t {
  cc_buf *out;
  size_t ncols;
  cc_buf cells[8];
  size_t at;
} S_t;

static void S_head(S_t *t, const char *const *cols, size_t n) {
  t->ncols = n;
  t->at = 0;
  for (size_t i = 0; i < n; i++) {
    cc_buf_emit(t->out, "| ");
    gen_readme_text(t->out, cols[i]);
    cc_buf_emitc(t->out, ' ');
  }
  cc_buf_emit(t->out, "|\n");
  for (size_t i = 0; i < n; i++) cc_buf_emit(t->out, "|------");
  cc_buf_emit(t->out, "|\n");
}

static cc_buf *S_cell(S_t *t) {
  cc_buf *c = &t->cells[t->at++];
  cc_buf_init(c, CC_BUF_DEFAULT_MAX);
  return c;
}

static void S_end_row(S_t *t) {
  for (size_t i = 0; i < t->ncols; i++) {
    cc_buf_emitf(t->out, "| %s ", i < t->at ? cc_buf_str(&t->cells[i]) : "");
    if (i < t->at) cc_buf_free(&t->cells[i]);
  }
  cc_buf_emit(t->out, "|\n");
  t->at = 0;
}

static void S_code_list(cc_buf *c, const gen_strs *l) {
  for (size_t i = 0; i < l->n; i++) {
    if (i) cc_buf_emit(c, ", ");
    gen_readme_code(c, l->items[i]);
  }
  if (!l->n) gen_readme_text(c, "-");
}

static const char *const S_channels[] = {"e-mail (SES)", "SMS (Twilio)", "print (CloudWatch Logs)"};

/* The local sandbox: what -var aws_endpoint_url does and leaves out. */
static void S_sandbox(cc_buf *out, bool images, bool files) {
  cc_buf_emit(out, "\n## Sandbox\n\nApply the stack, as generated, to a local stand-in for AWS:\n\n```sh\n"
                   "moto_server -H 127.0.0.1 -p 5000 &\nterraform init\n"
                   "terraform apply -var aws_endpoint_url=http://127.0.0.1:5000\n```\n\n"
                   "Every AWS call, the provider's and the AWS CLI's (one-time `at()` schedules), then goes to that "
                   "endpoint with the fixed credentials `sandbox`, whatever your shell's AWS settings are. What the "
                   "stand-in cannot emulate is left out in that mode only:\n\n"
                   "- channel functions never run: their event source mappings are created disabled, so a message "
                   "published to a topic stays in the queue of every channel whose filter policy admits it;\n"
                   "- the channels' dead-letter queues have no redrive allow policy (moto cannot read one back);\n");
  if (images)
    cc_buf_emit(out, "- images are neither built nor copied: the repositories are created, and functions reference them "
                     "with a digest derived from the image's inputs;\n");
  if (files) cc_buf_emit(out, "- the template bucket has no TLS-only policy (the sandbox is plain HTTP);\n");
  cc_buf_emit(out, "- schedules never fire and task functions never run.\n\n"
                   "To run a channel's handler on what is in its queue, read the messages "
                   "(`aws --endpoint-url http://127.0.0.1:5000 sqs receive-message --queue-url URL "
                   "--max-number-of-messages 10`, the URL from `terraform output notification_queue_urls`), wrap them "
                   "as an SQS event (`{\"Records\": [{\"messageId\": ..., \"body\": ..., \"eventSourceARN\": ...}]}`) "
                   "and post it to the runtime image run locally with its handler as the command (`docker run -p 9000:8080 "
                   "-e CLOUDCRON_TEMPLATE=... IMAGE cloudcron-print`, then `curl -d @event.json "
                   "http://127.0.0.1:9000/2015-03-31/functions/function/invocations`; the Lambda base image's runtime "
                   "interface emulator serves that URL). `cloudcron render TEMPLATE --vars FILE.json` renders one "
                   "message's template as the channel would.\n");
}

int gen_stack_readme(cc_buf *out, const gen_spec *s) {
  S_t t = {.out = out};
  cc_buf x = CC_BUF_INIT;
  cc_buf_emitf(out, "# %s\n\n", s->project);
  cc_buf_emit(out, "The root stack of the cloudcron spec ");
  gen_readme_code(out, s->path);
  cc_buf_emit(out, ", written by `cloudcron generate`: edit the spec and generate again rather than editing these "
                   "files. It uses the modules in `../../modules/`.\n\n");
  bool images = false, files = false, build = false, republish = false;
  for (size_t i = 0; i < s->nimages; i++) {
    if (s->images[i].kind == GEN_IMAGE_BUILD) build = true;
    if (s->images[i].kind == GEN_IMAGE_REPUBLISH) republish = true;
  }
  images = build || republish;
  for (size_t i = 0; i < s->nnotifications; i++)
    if (s->notifications[i].template_kind == GEN_TEMPLATE_FILE) files = true;

  cc_buf_emit(out, "## Apply\n\n```sh\nterraform init\nterraform plan -out tfplan\nterraform apply tfplan\n```\n\n");
  cc_buf_emit(out, "Variables: `region`");
  if (s->region) {
    cc_buf_emit(out, " (default ");
    gen_readme_code(out, s->region);
    cc_buf_emit(out, ")");
  }
  cc_buf_emit(out, ", `tags` (added to every resource), `log_retention_days` (default 30), `aws_endpoint_url` "
                   "(the sandbox, below)");
  if (build) cc_buf_emit(out, ", `build_tool` (`docker` with buildx by default, or `buildah`)");
  if (republish) cc_buf_emit(out, ", `republish_tool` (`docker` by default, `skopeo` or `crane`)");
  cc_buf_emit(out, ".\n");
  if (images)
    cc_buf_emit(out, "\nImages are built or copied by the machine running `terraform apply`, with the tool "
                     "`build_tool` or `republish_tool` names, the AWS CLI and credentials for the target ECR registry. A build context is referenced "
                     "where the spec has it, relative to this folder; it is rebuilt when its content hash changes.\n");
  if (files)
    cc_buf_emit(out, "\nFile templates are copied into `templates/` here and uploaded to a private, encrypted bucket "
                     "(public access blocked, TLS only: the bucket policy denies any request without it); each channel may "
                     "read only its own object.\n");

  S_sandbox(out, images, files);

  if (s->ntasks) {
    cc_buf_emit(out, "\n## Tasks\n\n");
    static const char *const cols[] = {"Task", "Schedule", "When", "Image", "Publishes to", "Enabled"};
    S_head(&t, cols, 6);
    for (size_t i = 0; i < s->ntasks; i++) {
      const gen_task *k = &s->tasks[i];
      gen_readme_code(S_cell(&t), k->key);
      if (k->schedule) {
        gen_readme_code(S_cell(&t), k->schedule);
        cc_buf_truncate(&x, 0);
        S_when(&x, k->schedule, k->timezone);
        gen_readme_text(S_cell(&t), cc_buf_str(&x));
      } else {
        gen_readme_text(S_cell(&t), "-");
        gen_readme_text(S_cell(&t), "when its schedule group's schedules fire");
      }
      gen_readme_code(S_cell(&t), k->image);
      S_code_list(S_cell(&t), &k->publishes);
      gen_readme_text(S_cell(&t), k->enabled ? "yes" : "no");
      S_end_row(&t);
    }
    cc_buf_emit(out, "\n`cloudcron next ");
    cc_buf_emit(out, s->path);
    cc_buf_emit(out, "` prints each task's next run times.\n");
  }
  if (s->ntopics) {
    cc_buf_emit(out, "\n## Topics\n\n");
    static const char *const cols[] = {"Topic", "Name", "Type", "Created here"};
    S_head(&t, cols, 4);
    for (size_t i = 0; i < s->ntopics; i++) {
      const gen_topic *k = &s->topics[i];
      gen_readme_code(S_cell(&t), k->key);
      gen_readme_code(S_cell(&t), k->arn ? k->arn : k->name);
      gen_readme_text(S_cell(&t), k->fifo ? "FIFO" : "standard");
      gen_readme_text(S_cell(&t), k->arn ? "no (existing)" : "yes");
      S_end_row(&t);
    }
  }
  if (s->nnotifications) {
    cc_buf_emit(out, "\n## Notification channels\n\n");
    static const char *const cols[] = {"Channel", "Kind", "Topic", "Template", "Sends to"};
    S_head(&t, cols, 5);
    for (size_t i = 0; i < s->nnotifications; i++) {
      const gen_notification *n = &s->notifications[i];
      gen_readme_code(S_cell(&t), n->key);
      gen_readme_text(S_cell(&t), S_channels[n->channel]);
      gen_readme_code(S_cell(&t), n->topic);
      cc_buf *c = S_cell(&t);
      switch (n->template_kind) {
      case GEN_TEMPLATE_INLINE: gen_readme_text(c, "inline"); break;
      case GEN_TEMPLATE_FILE:
        gen_readme_code(c, n->template_value);
        gen_readme_text(c, " (uploaded to the stack's bucket)");
        break;
      case GEN_TEMPLATE_URL:
      case GEN_TEMPLATE_S3: gen_readme_code(c, n->template_value); break;
      }
      c = S_cell(&t);
      if (n->channel == GEN_CHANNEL_PRINT) gen_readme_text(c, "the function's log group");
      else S_code_list(c, &n->recipients);
      if (n->channel == GEN_CHANNEL_SMS && n->allow_override) gen_readme_text(c, " (or the message's own)");
      S_end_row(&t);
    }
  }
  if (s->ndispatchers) {
    cc_buf_emit(out, "\n## Dispatchers\n\n");
    static const char *const cols[] = {"Dispatcher", "Runs", "Database secret", "Requests queue", "Enabled"};
    S_head(&t, cols, 5);
    for (size_t i = 0; i < s->ndispatchers; i++) {
      const gen_dispatcher *d = &s->dispatchers[i];
      gen_readme_code(S_cell(&t), d->key);
      gen_readme_code(S_cell(&t), d->schedule);
      gen_readme_code(S_cell(&t), d->database_secret);
      cc_buf *c = S_cell(&t);
      if (d->queue_arn) {
        gen_readme_code(c, d->queue_arn);
        gen_readme_text(c, " (existing)");
      } else {
        cc_buf_truncate(&x, 0);
        cc_buf_emitf(&x, "%s%s", d->queue_name, d->fifo ? ".fifo" : "");
        gen_readme_code(c, cc_buf_str(&x));
        gen_readme_text(c, " (created, with a dead-letter queue)");
      }
      gen_readme_text(S_cell(&t), d->enabled ? "yes" : "no");
      S_end_row(&t);
    }
    cc_buf_emit(out, "\nEach runs `cloudcron-dispatch` in the database's VPC: it fires the workflows due in the tables of "
                     "`schemas/dispatcher.sql` (apply it to the database first) once each and sends one message per "
                     "execution to its requests queue.\n");
  }
  if (s->nimages) {
    cc_buf_emit(out, "\n## Images\n\n");
    static const char *const cols[] = {"Image", "Kind", "Source", "Architecture"};
    S_head(&t, cols, 4);
    for (size_t i = 0; i < s->nimages; i++) {
      const gen_image *m = &s->images[i];
      gen_readme_code(S_cell(&t), m->key);
      cc_buf *k = S_cell(&t), *src = S_cell(&t);
      switch (m->kind) {
      case GEN_IMAGE_URI:
        gen_readme_text(k, "as given");
        gen_readme_code(src, m->uri);
        break;
      case GEN_IMAGE_BUILD:
        gen_readme_text(k, "built here");
        gen_readme_code(src, m->build.context);
        break;
      case GEN_IMAGE_REPUBLISH:
        gen_readme_text(k, "republished here");
        cc_buf_truncate(&x, 0);
        cc_buf_emitf(&x, "%s:%s", m->republish.source, m->republish.tag);
        gen_readme_code(src, cc_buf_str(&x));
        break;
      }
      gen_readme_code(S_cell(&t), m->architecture);
      S_end_row(&t);
    }
  }
  cc_buf_free(&x);
  return cc_buf_failed(out); /* the appends above were unchecked: a failure sticks */
}
