{#- One scheduled-lambda module per task. -#}
{%- for task in tasks %}

module "{{ task.module }}" {
  source = "../../modules/scheduled-lambda"

  function_name = {{ task.function_name | hcl }}
  image_uri     = local.image_uris[{{ task.image | hcl }}]
  architecture  = {{ task.architecture | hcl }}
{%- if task.schedule %}
  schedule_expression = {{ task.schedule | hcl }}
{%- endif %}
  timezone            = {{ task.timezone | hcl }}
  schedule_name       = {{ task.schedule_name | hcl }}
  schedule_group_name = aws_scheduler_schedule_group.this.name
  role_name           = {{ task.role_name | hcl }}
  scheduler_role_name = {{ task.scheduler_role_name | hcl }}
  timeout             = {{ task.timeout }}
  memory_size         = {{ task.memory_size }}
{%- if task.reserved_concurrency %}
  reserved_concurrency = {{ task.reserved_concurrency }}
{%- endif %}
  retry_attempts        = {{ task.retry_attempts }}
  retry_max_age_seconds = {{ task.retry_max_age_seconds }}
  {#- the same retry for a run that fails in the function, within Lambda's
      limits for asynchronous invocations (computed in gen/stack_ctx.c) #}
  function_retry_attempts        = {{ task.function_retry_attempts }}
  function_max_event_age_seconds = {{ task.function_max_event_age_seconds }}
  flexible_window_minutes        = {{ task.flexible_window_minutes }}
  enabled                        = {{ task.enabled | hcl_value }}
  dead_letter                    = {{ task.dead_letter | hcl_value }}
{%- if task.dead_letter %}
  dead_letter_queue_name = {{ task.dead_letter_queue_name | hcl }}
{%- endif %}
{%- if task.has_input %}
  input_json = jsonencode({{ task.input | hcl_value }})
{%- endif %}
  log_retention_days = var.log_retention_days
  aws_endpoint_url   = var.aws_endpoint_url
{%- include "parts/platform-function.tf" %}
{%- if task.topic_kms_key %}
  topic_kms_key_arn = {{ task.topic_kms_key | hcl }}
{%- endif %}
{%- if task.subnets %}
  subnet_ids         = {{ task.subnets | hcl_value }}
  security_group_ids = {{ task.security_groups | hcl_value }}
{%- endif %}
{%- if task.tracing %}
  tracing_mode = {{ task.tracing | hcl }}
{%- endif %}
{#- moto does not keep a logging config: left out in the sandbox -#}
{%- if task.log_format %}
  log_format = var.aws_endpoint_url == null ? {{ task.log_format | hcl }} : null
{%- endif %}
{%- if task.log_level %}
  application_log_level = var.aws_endpoint_url == null ? {{ task.log_level | hcl }} : null
{%- endif %}
{%- if task.system_log_level %}
  system_log_level = var.aws_endpoint_url == null ? {{ task.system_log_level | hcl }} : null
{%- endif %}
{%- if task.ephemeral_storage %}
  ephemeral_storage_size = {{ task.ephemeral_storage }}
{%- endif %}
{%- if task.entry_point is not none %}
  image_entry_point = {{ task.entry_point | hcl_value }}
{%- endif %}
{%- if task.command is not none %}
  image_command = {{ task.command | hcl_value }}
{%- endif %}
{%- if task.publishes %}

  topic_arns = {
{%- for topic in task.publishes %}
    {{ topic | hcl_key }} = local.topic_arns[{{ topic | hcl }}]
{%- endfor %}
  }
{%- endif %}
{%- if task.environment %}

  environment = {
{%- for var in task.environment %}
    {{ var.key | hcl_key }} = {{ var.ref if var.ref else var.value | hcl }}
{%- endfor %}
  }
{%- endif %}
}
{%- endfor %}
