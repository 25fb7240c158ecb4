/* gen/spec_read.c: the spec's sections but `tasks` (gen/spec_task.c), and the whole (gen/spec_read.h). */
#include "spec_read.h"

#include <stdio.h>
#include <string.h>

#include "cc/arena.h"
#include "cc/buf.h"
#include "cc/err.h"
#include "cc/suggest.h"
#include "formats.h"
#include "spec_reader.h"

/* An SNS filter policy on message attributes: at most 5 attributes, each a
 * non-empty list of values or operators. */
static void S_filter(gen_reader *r, const gen_node *map) {
  static const char *const ops[] = {"prefix", "suffix", "anything-but", "numeric", "exists", "equals-ignore-case", "cidr"};
  if (map->npairs > 5) gen_rd_err(r, map, "`filter` has %zu attributes; SNS filter policies allow 5", map->npairs);
  for (size_t i = 0; i < map->npairs; i++) {
    const gen_node *k = map->pairs[i].key, *v = map->pairs[i].value;
    if (v->kind != GEN_NODE_SEQ || v->nitems == 0) {
      gen_rd_err(r, v, "`filter.%s` must be a non-empty list of values, like [critical, warning]", k->str);
      continue;
    }
    for (size_t j = 0; j < v->nitems; j++) {
      const gen_node *item = v->items[j];
      if (item->kind == GEN_NODE_SCALAR) continue;
      const char *op = item->kind == GEN_NODE_MAP && item->npairs == 1 ? item->pairs[0].key->str : NULL;
      bool known = false;
      for (size_t o = 0; op && o < GEN_RD_COUNT(ops); o++) known = known || !strcmp(op, ops[o]);
      if (!known)
        gen_rd_err(r, item, "`filter.%s`: a value must be a string, a number, or one operator (prefix, suffix, anything-but, numeric, exists, equals-ignore-case, cidr) like {prefix: \"db-\"}",
              k->str);
    }
  }
}

/* ---- sections ---- */

static bool S_section(gen_reader *r, const gen_node *root, const char *key, const gen_node **out) {
  const gen_node *n = gen_node_get(root, key);
  *out = NULL;
  if (!n) return false;
  char what[64];
  snprintf(what, sizeof what, "`%s`", key);
  if (!gen_rd_is_map(r, n, what)) return false;
  *out = n;
  return true;
}

static bool S_entry_key(gen_reader *r, const gen_node *k, const char *kind) {
  if (gen_is_key_name(k->str) && strlen(k->str) <= 64) return true;
  gen_rd_err(r, k, "%s key `%s` must be lowercase letters, digits and dashes, start with a letter and not end with a dash (it becomes part of AWS names)",
        kind, k->str);
  return false;
}

static const char *const S_image_keys[] = {"build", "republish", "uri"};
static const char *const S_build_keys[] = {"context", "dockerfile", "repository", "tag", "platform", "build_args"};
static const char *const S_republish_keys[] = {"source", "tag"};

/* An image `uri` Lambda can run: a reference with a tag or a digest, in a
 * private ECR repository in the spec's region (when it names one; else
 * the region is the provider's, known at apply). Anything else has to be
 * copied there first, which `republish` does. */
static void S_check_image_uri(gen_reader *r, const gen_node *n, const char *uri) {
  size_t hl, rl;
  const char *repo;
  if (!gen_image_uri_split(uri, &hl, &repo, &rl)) {
    gen_rd_err(r, n, "`uri` must be an image reference with a tag or a digest, like ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO@sha256:<64 hex digits>");
    return;
  }
  if (rl < 2 || rl > 256) {
    gen_rd_err(r, n, "the repository `%.*s` of `uri` is too %s: ECR repository names are 2 to 256 characters", (int)rl, repo,
          rl < 2 ? "short" : "long");
    return;
  }
  char name[257];
  memcpy(name, repo, rl);
  name[rl] = '\0';
  if (!gen_is_ecr_repository(name)) {
    gen_rd_err(r, n, "the repository `%s` of `uri` is not a valid ECR repository name (lowercase letters, digits, and . _ - / between them)",
          name);
    return;
  }
  if (!gen_is_image_uri(uri)) {
    gen_rd_err(r, n, "`uri` must be an image reference with a tag or a digest, like ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO@sha256:<64 hex digits>");
    return;
  }
  const char *tag = repo[rl] == ':' ? repo + rl + 1 : "<your tag>";
  char region[32];
  if (!gen_ecr_registry_region(uri, hl, region, sizeof region)) {
    gen_rd_err(r, n, "`%.*s` is not a private Amazon ECR registry, and Lambda runs images only from private ECR repositories in the function's region: copy the image there with `republish: { source: %.*s, tag: \"%s\" }` in place of `uri`",
          (int)hl, uri, (int)(hl + 1 + rl), uri, tag);
  } else if (r->spec->region && gen_is_region(r->spec->region) && strcmp(region, r->spec->region)) {
    gen_rd_err(r, n, "`uri` is in ECR in %s, but the spec's region is %s, and Lambda runs images only from ECR in the function's region: copy the image there with `republish: { source: %.*s, tag: \"%s\" }` in place of `uri`",
          region, r->spec->region, (int)(hl + 1 + rl), uri, tag);
  }
}

static void S_read_image(gen_reader *r, gen_image *img, const gen_node *k, const gen_node *v) {
  char what[160];
  snprintf(what, sizeof what, "image `%s`", k->str);
  if (!gen_rd_is_map(r, v, what)) return;
  gen_rd_keys(r, v, S_image_keys, GEN_RD_COUNT(S_image_keys), what, NULL, 0, NULL);
  size_t kinds = 0;
  for (size_t i = 0; i < GEN_RD_COUNT(S_image_keys); i++) kinds += gen_node_get(v, S_image_keys[i]) != NULL;
  if (kinds != 1) {
    gen_rd_err(r, k, "image `%s` needs exactly one of `build`, `republish` or `uri`", k->str);
    return;
  }
  const gen_node *n;
  img->architecture = "x86_64";
  if ((n = gen_node_get(v, "uri"))) {
    img->kind = GEN_IMAGE_URI;
    if (gen_rd_nonempty(r, n, "`uri`", &img->uri)) S_check_image_uri(r, n, img->uri);
  } else if ((n = gen_node_get(v, "republish"))) {
    img->kind = GEN_IMAGE_REPUBLISH;
    snprintf(what, sizeof what, "`republish` of image `%s`", k->str);
    if (!gen_rd_is_map(r, n, what)) return;
    gen_rd_keys(r, n, S_republish_keys, GEN_RD_COUNT(S_republish_keys), what, NULL, 0, NULL);
    const gen_node *s = gen_rd_require(r, n, n, "source", what), *t = gen_rd_require(r, n, n, "tag", what);
    if (s && gen_rd_nonempty(r, s, "`source`", &img->republish.source)) {
      const char *slash = strchr(img->republish.source, '/');
      if (!slash || strchr(slash, ':') || strchr(slash, '@') || !gen_is_ecr_repository(slash + 1))
        gen_rd_err(r, s, "`source` must be a registry and repository without a tag, like ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPO");
    }
    if (t && gen_rd_nonempty(r, t, "`tag`", &img->republish.tag) && !gen_is_image_tag(img->republish.tag))
      gen_rd_err(r, t, "`tag` `%s` is not a valid image tag", img->republish.tag);
  } else {
    n = gen_node_get(v, "build");
    img->kind = GEN_IMAGE_BUILD;
    img->build.dockerfile = "Dockerfile";
    img->build.platform = "linux/amd64";
    snprintf(what, sizeof what, "`build` of image `%s`", k->str);
    if (!gen_rd_is_map(r, n, what)) return;
    gen_rd_keys(r, n, S_build_keys, GEN_RD_COUNT(S_build_keys), what, NULL, 0, NULL);
    const gen_node *c = gen_rd_require(r, n, n, "context", what), *repo = gen_rd_require(r, n, n, "repository", what);
    if (c) gen_rd_nonempty(r, c, "`context`", &img->build.context);
    if (repo && gen_rd_nonempty(r, repo, "`repository`", &img->build.repository) &&
        !gen_is_ecr_repository(img->build.repository))
      gen_rd_err(r, repo, "`repository` `%s` is not a valid ECR repository name (lowercase letters, digits, and . _ - / between them)",
            img->build.repository);
    const gen_node *x;
    if ((x = gen_node_get(n, "dockerfile"))) gen_rd_nonempty(r, x, "`dockerfile`", &img->build.dockerfile);
    if ((x = gen_node_get(n, "tag")) && gen_rd_nonempty(r, x, "`tag`", &img->build.tag) && !gen_is_image_tag(img->build.tag))
      gen_rd_err(r, x, "`tag` `%s` is not a valid image tag", img->build.tag);
    if ((x = gen_node_get(n, "platform")) && gen_rd_nonempty(r, x, "`platform`", &img->build.platform)) {
      if (!strcmp(img->build.platform, "linux/arm64")) img->architecture = "arm64";
      else if (strcmp(img->build.platform, "linux/amd64"))
        gen_rd_err(r, x, "`platform` must be linux/amd64 or linux/arm64 (what Lambda runs), not `%s`", img->build.platform);
    }
    if ((x = gen_node_get(n, "build_args"))) gen_rd_string_map(r, x, "`build_args`", &img->build.build_args, NULL);
  }
}

static const char *const S_topic_keys[] = {"fifo", "arn"};

static void S_read_topic(gen_reader *r, gen_topic *t, const gen_node *k, const gen_node *v) {
  char what[160];
  snprintf(what, sizeof what, "topic `%s`", k->str);
  t->fifo = true;
  if (v->kind == GEN_NODE_SCALAR && v->type == GEN_SCALAR_NULL) return; /* `alerts:` alone */
  if (!gen_rd_is_map(r, v, what)) return;
  gen_rd_keys(r, v, S_topic_keys, GEN_RD_COUNT(S_topic_keys), what, NULL, 0, NULL);
  const gen_node *f = gen_node_get(v, "fifo"), *a = gen_node_get(v, "arn");
  bool fifo = true;
  if (f) gen_rd_bool(r, f, "`fifo`", &fifo);
  t->fifo = fifo;
  if (a && gen_rd_nonempty(r, a, "`arn`", &t->arn)) {
    if (!gen_is_sns_topic_arn(t->arn)) {
      gen_rd_err(r, a, "`arn` must be an SNS topic ARN, like arn:aws:sns:REGION:ACCOUNT:NAME");
      return;
    }
    size_t n = strlen(t->arn);
    bool arn_fifo = n > 5 && !strcmp(t->arn + n - 5, ".fifo");
    if (f && fifo != arn_fifo)
      gen_rd_err(r, f, "`fifo: %s` contradicts the ARN, which names a %s topic", fifo ? "true" : "false",
            arn_fifo ? "FIFO" : "standard");
    t->fifo = arn_fifo;
    t->name = strrchr(t->arn, ':') + 1;
  }
}


static const char *const S_common_keys[] = {"channel", "topic", "image", "template", "vars", "filter"};
static const char *const S_email_keys[] = {"channel", "topic",      "image",    "template",          "vars",          "filter",
                                           "subject", "sender",     "recipients", "reply_to", "configuration_set", "allow_override",
                                           "idempotency", "text_template"};
static const char *const S_sms_keys[] = {"channel", "topic", "image",      "template",       "vars",
                                         "filter",  "from",  "recipients", "allow_override", "twilio_secret",
                                         "idempotency"};
static const char *const S_all_channel_keys[] = {"text_template", "subject",           "sender",         "recipients", "reply_to",
                                                 "configuration_set", "allow_override", "from",       "twilio_secret",
                                                 "idempotency"};
static const char *const S_template_keys[] = {"file", "inline", "url", "s3"};

/* A template source (`template` or `text_template`, named by WHAT) into
 * its kind, value, text (inline) and span. */
static void S_read_source(gen_reader *r, const gen_node *n, const char *what, gen_template_kind *kind,
                          const char **value, const char **text, gen_span *span) {
  if (!gen_rd_is_map(r, n, what)) return;
  gen_rd_keys(r, n, S_template_keys, GEN_RD_COUNT(S_template_keys), what, NULL, 0, NULL);
  if (n->npairs != 1) {
    gen_rd_err(r, n, "%s needs exactly one of `file`, `inline`, `url` or `s3`", what);
    return;
  }
  const gen_node *k = n->pairs[0].key, *v = n->pairs[0].value;
  if (!gen_rd_string(r, v, "the template source", value)) return;
  *span = v->span;
  if (!strcmp(k->str, "inline")) {
    *kind = GEN_TEMPLATE_INLINE;
    *text = *value;
  } else if (!strcmp(k->str, "file")) {
    *kind = GEN_TEMPLATE_FILE;
    if (!**value) gen_rd_err(r, v, "`file` must not be empty");
  } else if (!strcmp(k->str, "url")) {
    *kind = GEN_TEMPLATE_URL;
    if (!gen_is_https_url(*value)) gen_rd_err(r, v, "`url` must be an https:// URL, not `%s`", *value);
  } else if (!strcmp(k->str, "s3")) {
    *kind = GEN_TEMPLATE_S3;
    if (!gen_is_s3_uri(*value)) gen_rd_err(r, v, "`s3` must be an s3://BUCKET/KEY URI, not `%s`", *value);
  }
}

static void S_read_template(gen_reader *r, gen_notification *c, const gen_node *n) {
  S_read_source(r, n, "`template`", &c->template_kind, &c->template_value, &c->template_text, &c->template_span);
}

static void S_recipients(gen_reader *r, const gen_node *n, gen_notification *c) {
  gen_rd_string_list(r, n, "`recipients`", &c->recipients);
  if (c->recipients.n == 0 && n->kind == GEN_NODE_SEQ) gen_rd_err(r, n, "`recipients` must list at least one recipient");
  /* SES refuses a message to more than 50 recipients (To, Cc and Bcc together) */
  if (c->channel == GEN_CHANNEL_EMAIL && c->recipients.n > 50)
    gen_rd_err(r, n, "`recipients` lists %zu addresses; SES sends a message to at most 50, so every message would fail",
          c->recipients.n);
  for (size_t i = 0; i < c->recipients.n; i++) {
    const char *s = c->recipients.items[i];
    bool ok = c->channel == GEN_CHANNEL_EMAIL ? gen_is_email_named(s) : gen_is_e164(s);
    if (ok && c->channel == GEN_CHANNEL_EMAIL && strchr(s, ',')) {
      /* the channel gets its recipients as one comma-separated list */
      gen_node at = {.span = c->recipients.spans[i]};
      gen_rd_err(r, &at, "`%s`: a recipient's display name may not contain a comma", s);
    } else if (!ok) {
      gen_node at = {.span = c->recipients.spans[i]};
      if (c->channel == GEN_CHANNEL_EMAIL) gen_rd_err(r, &at, "`%s` is not a valid e-mail address", s);
      else gen_rd_err(r, &at, "`%s` is not an E.164 phone number (like +15551234567)", s);
    }
  }
}

static void S_read_notification(gen_reader *r, gen_notification *c, const gen_node *k, const gen_node *v) {
  char what[160];
  snprintf(what, sizeof what, "notification `%s`", k->str);
  c->vars = NULL;
  if (!gen_rd_is_map(r, v, what)) return;
  const gen_node *ch = gen_rd_require(r, v, k, "channel", what), *n;
  const char *channel = NULL;
  if (!ch || !gen_rd_nonempty(r, ch, "`channel`", &channel)) {
    gen_rd_keys(r, v, S_email_keys, GEN_RD_COUNT(S_email_keys), what, S_sms_keys, GEN_RD_COUNT(S_sms_keys), "is not valid here");
    return;
  }
  if (!strcmp(channel, "email")) {
    c->channel = GEN_CHANNEL_EMAIL;
    gen_rd_keys(r, v, S_email_keys, GEN_RD_COUNT(S_email_keys), what, S_all_channel_keys, GEN_RD_COUNT(S_all_channel_keys),
           "does not apply to email channels");
  } else if (!strcmp(channel, "sms")) {
    c->channel = GEN_CHANNEL_SMS;
    gen_rd_keys(r, v, S_sms_keys, GEN_RD_COUNT(S_sms_keys), what, S_all_channel_keys, GEN_RD_COUNT(S_all_channel_keys),
           "does not apply to sms channels");
  } else if (!strcmp(channel, "print")) {
    c->channel = GEN_CHANNEL_PRINT;
    gen_rd_keys(r, v, S_common_keys, GEN_RD_COUNT(S_common_keys), what, S_all_channel_keys, GEN_RD_COUNT(S_all_channel_keys),
           "does not apply to print channels");
  } else {
    static const char *const channels[] = {"email", "sms", "print"};
    const char *s = cc_suggest(channel, channels, 3);
    if (s) gen_rd_err(r, ch, "unknown channel `%s`; did you mean `%s`?", channel, s);
    else gen_rd_err(r, ch, "unknown channel `%s`; expected email, sms or print", channel);
    return;
  }
  if ((n = gen_rd_require(r, v, k, "topic", what))) {
    gen_rd_nonempty(r, n, "`topic`", &c->topic);
    c->topic_span = n->span;
  }
  if ((n = gen_rd_require(r, v, k, "image", what))) {
    gen_rd_nonempty(r, n, "`image`", &c->image);
    c->image_span = n->span;
  }
  if ((n = gen_rd_require(r, v, k, "template", what))) S_read_template(r, c, n);
  if ((n = gen_node_get(v, "vars"))) {
    if (gen_rd_is_map(r, n, "`vars`")) {
      c->vars = gen_rd_json(r, n, 0);
      gen_rd_secret_entries(r, n, "the vars of a notification");
    }
  }
  if ((n = gen_node_get(v, "filter")) && gen_rd_is_map(r, n, "`filter`")) {
    c->filter = gen_rd_json(r, n, 0);
    c->filter_span = n->span;
    S_filter(r, n);
  }
  if ((n = gen_node_get(v, "allow_override"))) gen_rd_bool(r, n, "`allow_override`", &c->allow_override);
  if ((n = gen_node_get(v, "idempotency"))) c->idempotency_set = gen_rd_bool(r, n, "`idempotency`", &c->idempotency);
  if (c->channel == GEN_CHANNEL_EMAIL) {
    if ((n = gen_rd_require(r, v, k, "sender", what)) && gen_rd_nonempty(r, n, "`sender`", &c->sender) && !gen_is_email_named(c->sender))
      gen_rd_err(r, n, "`%s` is not a valid e-mail address", c->sender);
    if ((n = gen_rd_require(r, v, k, "recipients", what))) S_recipients(r, n, c);
    if ((n = gen_node_get(v, "reply_to"))) {
      gen_rd_string_list(r, n, "`reply_to`", &c->reply_to);
      for (size_t i = 0; i < c->reply_to.n; i++)
        if (!gen_is_email_named(c->reply_to.items[i])) {
          gen_node at = {.span = c->reply_to.spans[i]};
          gen_rd_err(r, &at, "`%s` is not a valid e-mail address", c->reply_to.items[i]);
        }
    }
    if ((n = gen_node_get(v, "configuration_set"))) gen_rd_nonempty(r, n, "`configuration_set`", &c->configuration_set);
    if ((n = gen_node_get(v, "subject")) && gen_rd_string(r, n, "`subject`", &c->subject)) c->subject_span = n->span;
    if ((n = gen_node_get(v, "text_template")))
      S_read_source(r, n, "`text_template`", &c->text_kind, &c->text_value, &c->text_text, &c->text_span);
  } else if (c->channel == GEN_CHANNEL_SMS) {
    if ((n = gen_rd_require(r, v, k, "from", what)) && gen_rd_nonempty(r, n, "`from`", &c->from) && !gen_is_e164(c->from))
      gen_rd_err(r, n, "`%s` is not an E.164 phone number (like +15005550006)", c->from);
    if ((n = gen_rd_require(r, v, k, "recipients", what))) S_recipients(r, n, c);
    if ((n = gen_rd_require(r, v, k, "twilio_secret", what))) {
      if (n->kind == GEN_NODE_MAP) {
        gen_rd_err(r, n, "secrets are never values in the spec: give `twilio_secret` a Secrets Manager ARN or an SSM parameter name");
      } else if (gen_rd_nonempty(r, n, "`twilio_secret`", &c->twilio_secret) && !gen_is_secret_arn(c->twilio_secret) &&
                 !gen_is_ssm_name(c->twilio_secret)) {
        gen_rd_err(r, n, "`twilio_secret` must be a Secrets Manager ARN (arn:aws:secretsmanager:...) or an SSM parameter name (/path/name)");
      }
    }
  }
}

static const char *const S_top_keys[] = {"version", "project", "region", "tags", "idempotency", "images", "topics",
                                         "tasks", "notifications", "schedule_groups", "reconcilers", "dispatchers", "alarms", "platform", "$schema"};

static const char *const S_group_keys[] = {"target", "creators", "dead_letter", "retry"};

static void S_read_schedule_group(gen_reader *r, gen_schedule_group *g, const gen_node *k, const gen_node *v) {
  char what[160];
  snprintf(what, sizeof what, "schedule group `%s`", k->str);
  if (!gen_rd_is_map(r, v, what)) return;
  gen_rd_keys(r, v, S_group_keys, GEN_RD_COUNT(S_group_keys), what, NULL, 0, NULL);
  const gen_node *n;
  if ((n = gen_rd_require(r, v, k, "target", what))) {
    gen_rd_nonempty(r, n, "`target`", &g->target);
    g->target_span = n->span;
  }
  if ((n = gen_node_get(v, "creators"))) gen_rd_string_list(r, n, "`creators`", &g->creators);
  if ((n = gen_node_get(v, "dead_letter"))) gen_rd_bool(r, n, "`dead_letter`", &g->dead_letter);
  g->retry_attempts = 185;
  g->retry_max_age = 86400;
  if ((n = gen_node_get(v, "retry"))) gen_rd_retry(r, n, &g->has_retry, &g->retry_attempts, &g->retry_max_age);
}

static const char *const S_reconciler_keys[] = {"group",    "image",    "config",      "prefix",  "collection",
                                                "timezone", "schedule", "allow_empty", "dry_run", "enabled"};

static void S_read_reconciler(gen_reader *r, gen_reconciler *x, const gen_node *k, const gen_node *v) {
  char what[160];
  snprintf(what, sizeof what, "reconciler `%s`", k->str);
  x->collection = "schedules";
  x->timezone = "UTC";
  x->schedule = "rate(5 minutes)";
  x->enabled = true;
  x->timezone_span = x->schedule_span = k->span;
  if (!gen_rd_is_map(r, v, what)) return;
  gen_rd_keys(r, v, S_reconciler_keys, GEN_RD_COUNT(S_reconciler_keys), what, NULL, 0, NULL);
  const gen_node *n;
  if ((n = gen_rd_require(r, v, k, "group", what))) {
    gen_rd_nonempty(r, n, "`group`", &x->group);
    x->group_span = n->span;
  }
  if ((n = gen_rd_require(r, v, k, "image", what))) {
    gen_rd_nonempty(r, n, "`image`", &x->image);
    x->image_span = n->span;
  }
  if ((n = gen_rd_require(r, v, k, "config", what)) && gen_rd_nonempty(r, n, "`config`", &x->config)) {
    bool https = !strncmp(x->config, "https://", 8) && x->config[8] && !strpbrk(x->config, " \t\r\n");
    const char *slash = !strncmp(x->config, "s3://", 5) ? strchr(x->config + 5, '/') : NULL;
    bool s3 = slash && slash > x->config + 5 && slash[1];
    if (!https && !s3)
      gen_rd_err(r, n, "`config` must be an https:// URL (pinned to a commit) or s3://BUCKET/KEY, not `%s`", x->config);
  }
  if ((n = gen_node_get(v, "prefix")) && gen_rd_nonempty(r, n, "`prefix`", &x->prefix)) {
    size_t len = strlen(x->prefix);
    if (len > 63 || strspn(x->prefix, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz._-") != len)
      gen_rd_err(r, n, "`prefix` must be 1 to 63 letters, digits, '.', '_' or '-', not `%s`", x->prefix);
  }
  if ((n = gen_node_get(v, "collection"))) gen_rd_nonempty(r, n, "`collection`", &x->collection);
  if ((n = gen_node_get(v, "timezone"))) {
    gen_rd_nonempty(r, n, "`timezone`", &x->timezone);
    x->timezone_span = n->span;
  }
  if ((n = gen_node_get(v, "schedule"))) {
    gen_rd_nonempty(r, n, "`schedule`", &x->schedule);
    x->schedule_span = n->span;
    if (n->style == GEN_STYLE_QUOTED) x->schedule_span.col++;
  }
  if ((n = gen_node_get(v, "allow_empty"))) gen_rd_bool(r, n, "`allow_empty`", &x->allow_empty);
  if ((n = gen_node_get(v, "dry_run"))) gen_rd_bool(r, n, "`dry_run`", &x->dry_run);
  if ((n = gen_node_get(v, "enabled"))) gen_rd_bool(r, n, "`enabled`", &x->enabled);
}

static const char *const S_dispatcher_keys[] = {"image", "database_secret", "subnets", "security_groups", "schedule",
                                                "queue", "batch", "sslmode", "timeout", "memory", "enabled"};
static const char *const S_queue_keys[] = {"arn", "fifo"};

/* A dispatcher (docs/spec.md `dispatchers`); names, the image and the schedule's
 * syntax are gen/check.c's. */
static void S_read_dispatcher(gen_reader *r, gen_dispatcher *d, const gen_node *k, const gen_node *v) {
  static const char *const modes[] = {"disable", "allow", "prefer", "require", "verify-ca", "verify-full"};
  char what[160];
  const gen_node *n;
  snprintf(what, sizeof what, "dispatcher `%s`", k->str);
  d->schedule = "rate(1 minute)";
  d->schedule_span = k->span;
  d->batch = 100;
  d->sslmode = "require";
  d->timeout = 60;
  d->memory = 256;
  d->enabled = true;
  if (!gen_rd_is_map(r, v, what)) return;
  gen_rd_keys(r, v, S_dispatcher_keys, GEN_RD_COUNT(S_dispatcher_keys), what, NULL, 0, NULL);
  if ((n = gen_rd_require(r, v, k, "image", what))) {
    gen_rd_nonempty(r, n, "`image`", &d->image);
    d->image_span = n->span;
  }
  if ((n = gen_rd_require(r, v, k, "database_secret", what))) {
    if (n->kind == GEN_NODE_MAP)
      gen_rd_err(r, n, "secrets are never values in the spec: give `database_secret` the ARN of a Secrets Manager secret (as RDS writes it)");
    else if (gen_rd_nonempty(r, n, "`database_secret`", &d->database_secret) && !gen_is_secret_arn(d->database_secret))
      gen_rd_err(r, n, "`database_secret` must be a Secrets Manager ARN (arn:aws:secretsmanager:...) of a secret with host, port, dbname, username and password");
  }
  if ((n = gen_rd_require(r, v, k, "subnets", what))) {
    gen_rd_string_list(r, n, "`subnets`", &d->subnets);
    if (n->kind == GEN_NODE_SEQ && n->nitems == 0) gen_rd_err(r, n, "`subnets` must list at least one subnet of the database's VPC");
    for (size_t i = 0; i < d->subnets.n; i++)
      if (strncmp(d->subnets.items[i], "subnet-", 7) != 0) {
        gen_node at = {.span = d->subnets.spans[i]};
        gen_rd_err(r, &at, "`%s` is not a subnet id (subnet-...)", d->subnets.items[i]);
      }
  }
  if ((n = gen_rd_require(r, v, k, "security_groups", what))) {
    gen_rd_string_list(r, n, "`security_groups`", &d->security_groups);
    if (n->kind == GEN_NODE_SEQ && n->nitems == 0) gen_rd_err(r, n, "`security_groups` must list at least one security group");
    for (size_t i = 0; i < d->security_groups.n; i++)
      if (strncmp(d->security_groups.items[i], "sg-", 3) != 0) {
        gen_node at = {.span = d->security_groups.spans[i]};
        gen_rd_err(r, &at, "`%s` is not a security group id (sg-...)", d->security_groups.items[i]);
      }
  }
  if ((n = gen_node_get(v, "schedule")) && gen_rd_nonempty(r, n, "`schedule`", &d->schedule)) {
    d->schedule_span = n->span;
    if (n->style == GEN_STYLE_QUOTED) d->schedule_span.col++;
  }
  if ((n = gen_node_get(v, "queue")) && gen_rd_is_map(r, n, "`queue`")) {
    snprintf(what, sizeof what, "`queue` of dispatcher `%s`", k->str);
    gen_rd_keys(r, n, S_queue_keys, GEN_RD_COUNT(S_queue_keys), what, NULL, 0, NULL);
    const gen_node *a = gen_node_get(n, "arn"), *f = gen_node_get(n, "fifo");
    if (a && f) gen_rd_err(r, f, "`fifo` applies to a queue cloudcron creates; an existing queue (`arn`) is FIFO when its name ends in .fifo");
    if (a && gen_rd_nonempty(r, a, "`arn`", &d->queue_arn) &&
        (strncmp(d->queue_arn, "arn:aws", 7) != 0 || !strstr(d->queue_arn, ":sqs:")))
      gen_rd_err(r, a, "`arn` must be an SQS queue ARN (arn:aws:sqs:REGION:ACCOUNT:NAME)");
    if (f) gen_rd_bool(r, f, "`fifo`", &d->fifo);
  }
  if ((n = gen_node_get(v, "batch"))) gen_rd_int(r, n, "`batch`", 1, 1000, "workflows", &d->batch);
  if ((n = gen_node_get(v, "sslmode")) && gen_rd_nonempty(r, n, "`sslmode`", &d->sslmode)) {
    bool known = false;
    for (size_t i = 0; i < GEN_RD_COUNT(modes); i++) known = known || !strcmp(d->sslmode, modes[i]);
    if (!known) gen_rd_err(r, n, "`sslmode` must be disable, allow, prefer, require, verify-ca or verify-full, not `%s`", d->sslmode);
  }
  if ((n = gen_node_get(v, "timeout"))) gen_rd_int(r, n, "`timeout`", 10, 900, "seconds", &d->timeout);
  if ((n = gen_node_get(v, "memory"))) gen_rd_int(r, n, "`memory`", 128, 10240, "MB", &d->memory);
  if ((n = gen_node_get(v, "enabled"))) gen_rd_bool(r, n, "`enabled`", &d->enabled);
}

static const char *const S_alarm_keys[] = {"topic"};

/* alarms: {topic: KEY}: a standard topic of the spec (CloudWatch alarm
 * actions cannot publish to a FIFO topic). After the topics are read. */
static void S_read_alarms(gen_reader *r, gen_spec *spec, const gen_node *n) {
  if (!gen_rd_is_map(r, n, "`alarms`")) return;
  gen_rd_keys(r, n, S_alarm_keys, GEN_RD_COUNT(S_alarm_keys), "`alarms`", NULL, 0, NULL);
  const gen_node *t = gen_rd_require(r, n, n, "topic", "`alarms`");
  if (!t || !gen_rd_nonempty(r, t, "`alarms.topic`", &spec->alarm_topic)) return;
  spec->alarm_topic_span = t->span;
  for (size_t i = 0; i < spec->ntopics; i++)
    if (!strcmp(spec->topics[i].key, spec->alarm_topic)) spec->alarm_topic_ref = &spec->topics[i];
  const gen_topic *ref = spec->alarm_topic_ref;
  if (!ref) {
    const char **keys = gen_rd_alloc(r, (spec->ntopics + 1) * sizeof *keys);
    for (size_t i = 0; keys && i < spec->ntopics; i++) keys[i] = spec->topics[i].key;
    const char *s = keys ? cc_suggest(spec->alarm_topic, keys, spec->ntopics) : NULL;
    if (s) gen_rd_err(r, t, "`alarms.topic` names no topic of the spec: `%s`; did you mean `%s`?", spec->alarm_topic, s);
    else gen_rd_err(r, t, "`alarms.topic` names no topic of the spec: `%s`", spec->alarm_topic);
  } else if (ref->fifo) {
    gen_rd_err(r, t, "`alarms.topic` must be a standard topic: CloudWatch alarms cannot publish to the FIFO topic `%s`",
          spec->alarm_topic);
  }
}

static const char *const S_platform_keys[] = {"permissions_boundary", "role_path", "kms"};
static const char *const S_kms_keys[] = {"environment", "logs", "topics"};

/* platform: {permissions_boundary, role_path, kms: {environment, logs, topics}} */
static void S_read_platform(gen_reader *r, gen_platform *p, const gen_node *n) {
  if (!gen_rd_is_map(r, n, "`platform`")) return;
  gen_rd_keys(r, n, S_platform_keys, GEN_RD_COUNT(S_platform_keys), "`platform`", NULL, 0, NULL);
  const gen_node *x;
  if ((x = gen_node_get(n, "permissions_boundary")) &&
      gen_rd_nonempty(r, x, "`platform.permissions_boundary`", &p->permissions_boundary) &&
      !gen_is_iam_policy_arn(p->permissions_boundary)) {
    gen_rd_err(r, x, "`platform.permissions_boundary` must be an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME), not `%s`",
               p->permissions_boundary);
    p->permissions_boundary = NULL;
  }
  if ((x = gen_node_get(n, "role_path")) && gen_rd_nonempty(r, x, "`platform.role_path`", &p->role_path) &&
      !gen_is_iam_path(p->role_path)) {
    gen_rd_err(r, x, "`platform.role_path` must be an IAM path that starts and ends with / (like /cloudcron/), at most 512 printable ASCII characters, not `%s`",
               p->role_path);
    p->role_path = NULL;
  }
  const gen_node *kms = gen_node_get(n, "kms");
  if (!kms || !gen_rd_is_map(r, kms, "`platform.kms`")) return;
  gen_rd_keys(r, kms, S_kms_keys, GEN_RD_COUNT(S_kms_keys), "`platform.kms`", NULL, 0, NULL);
  const char **outs[] = {&p->kms_environment, &p->kms_logs, &p->kms_topics};
  for (size_t i = 0; i < GEN_RD_COUNT(S_kms_keys); i++) {
    if (!(x = gen_node_get(kms, S_kms_keys[i]))) continue;
    char what[48];
    snprintf(what, sizeof what, "`platform.kms.%s`", S_kms_keys[i]);
    if (gen_rd_nonempty(r, x, what, outs[i]) && !gen_is_kms_key_arn(*outs[i])) {
      gen_rd_err(r, x, "%s must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID; not an alias), not `%s`", what,
                 *outs[i]);
      *outs[i] = NULL;
    }
  }
}

static const char *S_check_tag_key(const char *key) {
  if (!strncmp(key, "aws:", 4)) return "is reserved: tag keys may not start with aws:";
  if (!*key || strlen(key) > 128) return "must be 1 to 128 characters";
  return NULL;
}

/* Allocates the entries of a keyed section; returns the count read. */
#define S_READ_SECTION(r, root, name, kind, arr, count, reader)                  \
  do {                                                                           \
    const gen_node *sec_;                                                        \
    if (S_section(r, root, name, &sec_)) {                                       \
      (arr) = gen_rd_alloc(r, sec_->npairs * sizeof *(arr));                          \
      if (arr) {                                                                 \
        for (size_t i_ = 0; i_ < sec_->npairs; i_++) {                           \
          const gen_node *k_ = sec_->pairs[i_].key;                              \
          if (!S_entry_key(r, k_, kind)) continue;                               \
          (arr)[count].key = k_->str;                                            \
          (arr)[count].span = k_->span;                                          \
          reader(r, &(arr)[count], k_, sec_->pairs[i_].value);                   \
          (count)++;                                                             \
        }                                                                        \
      }                                                                          \
    }                                                                            \
  } while (0)

int gen_spec_read(gen_spec *spec, const gen_node *root, cc_diags *diags) {
  gen_reader r = {spec, spec->arena, diags, 0, GEN_RD_JSON_BUDGET};
  size_t before = diags->nerrors;
  if (root->kind != GEN_NODE_MAP) {
    gen_rd_err(&r, root, "a spec must be a mapping with `version`, `project`, `tasks`, ..., not %s", gen_node_type_name(root));
    return CC_EINVAL;
  }
  gen_rd_keys(&r, root, S_top_keys, GEN_RD_COUNT(S_top_keys), "the spec", NULL, 0, NULL);
  const gen_node *n;
  if ((n = gen_rd_require(&r, root, root, "version", "the spec"))) {
    if (n->kind == GEN_NODE_SCALAR && n->type == GEN_SCALAR_INT && n->i != 1)
      gen_rd_err(&r, n, "`version` must be 1, the only version of the format so far, not %s", n->str);
    else
      gen_rd_int(&r, n, "`version`", 1, 1, NULL, &spec->version);
  }
  if ((n = gen_rd_require(&r, root, root, "project", "the spec")) && gen_rd_string(&r, n, "`project`", &spec->project) &&
      !gen_is_project_name(spec->project))
    gen_rd_err(&r, n, "`project` must be 2 to 31 lowercase letters, digits or dashes, starting with a letter, not `%s`", spec->project);
  if ((n = gen_node_get(root, "region")) && gen_rd_nonempty(&r, n, "`region`", &spec->region) && !gen_is_region(spec->region))
    gen_rd_err(&r, n, "`%s` is not an AWS region name (like us-west-2)", spec->region);
  if ((n = gen_node_get(root, "tags"))) gen_rd_string_map(&r, n, "`tags`", &spec->tags, S_check_tag_key);
  if ((n = gen_node_get(root, "$schema"))) {
    const char *s;
    gen_rd_string(&r, n, "`$schema`", &s);
  }
  S_READ_SECTION(&r, root, "images", "image", spec->images, spec->nimages, S_read_image);
  S_READ_SECTION(&r, root, "topics", "topic", spec->topics, spec->ntopics, S_read_topic);
  S_READ_SECTION(&r, root, "tasks", "task", spec->tasks, spec->ntasks, gen_rd_task);
  if ((n = gen_node_get(root, "idempotency"))) gen_rd_bool(&r, n, "`idempotency`", &spec->idempotency);
  S_READ_SECTION(&r, root, "notifications", "notification", spec->notifications, spec->nnotifications,
                 S_read_notification);
  /* the spec's `idempotency` is the default of the channels that record deliveries */
  for (size_t i = 0; i < spec->nnotifications; i++) {
    gen_notification *c = &spec->notifications[i];
    if (!c->idempotency_set && c->channel != GEN_CHANNEL_PRINT) c->idempotency = spec->idempotency;
  }
  S_READ_SECTION(&r, root, "schedule_groups", "schedule group", spec->schedule_groups, spec->nschedule_groups,
                 S_read_schedule_group);
  S_READ_SECTION(&r, root, "reconcilers", "reconciler", spec->reconcilers, spec->nreconcilers, S_read_reconciler);
  S_READ_SECTION(&r, root, "dispatchers", "dispatcher", spec->dispatchers, spec->ndispatchers, S_read_dispatcher);
  if ((n = gen_node_get(root, "alarms"))) S_read_alarms(&r, spec, n);
  if ((n = gen_node_get(root, "platform"))) S_read_platform(&r, &spec->platform, n);
  if (!gen_node_get(root, "tasks") && !gen_node_get(root, "notifications") && !gen_node_get(root, "dispatchers"))
    gen_rd_err(&r, root, "the spec has no `tasks`, `notifications` or `dispatchers`: nothing to generate");
  if (r.oom) return CC_ENOMEM;
  return diags->nerrors > before ? CC_EINVAL : CC_OK;
}
