{#- Schedule groups (schedules created at run time) and the reconcilers
    keeping one in step with a file. -#}
{%- for g in schedule_groups %}
{%- if g.dead_letter %}

resource "aws_sqs_queue" "{{ g.dead_letter_id }}" {
  name                      = {{ g.dead_letter_queue_name | hcl }}
  message_retention_seconds = 1209600
  sqs_managed_sse_enabled   = true
}
{%- endif %}

module "{{ g.module }}" {
  source = "../../modules/schedule-group"

  group_name           = {{ g.group_name | hcl }}
  target_function_arn  = module.{{ g.target_module }}.function_arn
  scheduler_role_name  = {{ g.scheduler_role_name | hcl }}
  creators_policy_name = {{ g.policy_name | hcl }}
{%- include "parts/platform-roles.tf" %}
{%- if g.dead_letter %}
  dead_letter_queue_arn = aws_sqs_queue.{{ g.dead_letter_id }}.arn
{%- endif %}
}
{%- for c in g.creators %}

# Task {{ c.key }} may create schedules in group {{ g.key }}.
resource "aws_iam_role_policy_attachment" "{{ c.id }}" {
  role       = {{ c.role_name | hcl }}
  policy_arn = module.{{ g.module }}.creators_policy_arn

  depends_on = [module.{{ c.module }}]
}
{%- endfor %}
{%- endfor %}
{%- for r in reconcilers %}

module "{{ r.module }}" {
  source = "../../modules/schedule-reconciler"

  function_name       = {{ r.function_name | hcl }}
  role_name           = {{ r.role_name | hcl }}
  image_uri           = local.image_uris[{{ r.image | hcl }}]
  architecture        = {{ r.architecture | hcl }}
  schedule_name       = {{ r.function_name | hcl }}
  schedule_group_name = aws_scheduler_schedule_group.this.name
  schedule_expression = {{ r.schedule | hcl }}
  scheduler_role_name = {{ r.scheduler_role_name | hcl }}
  enabled             = {{ r.enabled | hcl_value }}
  log_retention_days  = var.log_retention_days
{%- include "parts/platform-function.tf" %}

  config_url                 = {{ r.config | hcl }}
  collection                 = {{ r.collection | hcl }}
  default_timezone           = {{ r.timezone | hcl }}
  allow_empty                = {{ r.allow_empty | hcl_value }}
  dry_run                    = {{ r.dry_run | hcl_value }}
  managed_group_name         = module.{{ r.group_module }}.group_name
  managed_prefix             = {{ r.prefix | hcl }}
  managed_scheduler_role_arn = module.{{ r.group_module }}.scheduler_role_arn
  managed_target_arn         = module.{{ r.group_module }}.target_function_arn
{%- if r.retry %}
  schedule_retry = {
    attempts        = {{ r.retry.attempts }}
    max_age_seconds = {{ r.retry.max_age_seconds }}
  }
{%- endif %}
}
{%- endfor %}
