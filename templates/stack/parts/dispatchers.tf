{#- One workflow-dispatcher module per dispatcher. -#}
{%- for d in dispatchers %}

module "{{ d.module }}" {
  source = "../../modules/workflow-dispatcher"

  function_name       = {{ d.function_name | hcl }}
  role_name           = {{ d.role_name | hcl }}
  scheduler_role_name = {{ d.scheduler_role_name | hcl }}
  schedule_name       = {{ d.function_name | hcl }}
  schedule_group_name = aws_scheduler_schedule_group.this.name
  schedule_expression = {{ d.schedule | hcl }}
  enabled             = {{ d.enabled | hcl_value }}
  image_uri           = local.image_uris[{{ d.image | hcl }}]
  architecture        = {{ d.architecture | hcl }}
  timeout             = {{ d.timeout }}
  memory_size         = {{ d.memory_size }}
  log_retention_days  = var.log_retention_days
{%- include "parts/platform-function.tf" %}
  subnet_ids          = {{ d.subnet_ids | hcl_value }}
  security_group_ids  = {{ d.security_group_ids | hcl_value }}
  db_secret_arn       = {{ d.database_secret | hcl }}
  db_sslmode          = {{ d.sslmode | hcl }}
  batch_size          = {{ d.batch_size }}
{%- if d.queue_arn %}
  queue_arn = {{ d.queue_arn | hcl }}
{%- else %}
  {#- without .fifo: the module adds it #}
  queue_name             = {{ d.queue_name | hcl }}
  dead_letter_queue_name = {{ d.dead_letter_queue_name | hcl }}
  fifo                   = {{ d.fifo | hcl_value }}
{%- endif %}
}
{%- endfor %}
