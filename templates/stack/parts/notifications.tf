{#- One module per notification channel whose module is in this build. -#}
{%- macro template_source(attr, t) %}
{%- if t.kind == "inline" %}
  {{ attr }} = {{ t.value | hcl }}
{%- elif t.kind == "file" %}
  {{ attr }}_url = "s3://${aws_s3_object.{{ t.object }}.bucket}/${aws_s3_object.{{ t.object }}.key}"
{%- else %}
  {{ attr }}_url = {{ t.value | hcl }}
{%- endif %}
{%- endmacro %}
{%- for n in notifications if n.wired %}

module "{{ n.module }}" {
  source = "../../modules/{{ n.channel_module }}"

  function_name = {{ n.function_name | hcl }}
  role_name     = {{ n.role_name | hcl }}
  image_uri     = local.image_uris[{{ n.image | hcl }}]
  architecture  = {{ n.architecture | hcl }}
  topic_arn     = local.topic_arns[{{ n.topic | hcl }}]
  {#- without .fifo: the module adds it when the topic is FIFO #}
  queue_name             = {{ n.queue_name | hcl }}
  dead_letter_queue_name = {{ n.dead_letter_queue_name | hcl }}
  log_retention_days     = var.log_retention_days
{%- include "parts/platform-function.tf" %}
  sandbox                = var.aws_endpoint_url != null
{%- if n.filter is not none %}
  filter_policy = jsonencode({{ n.filter | hcl_value }})
{%- endif %}

{{ template_source("template", n.template) }}
{%- if n.template.name %}
  template_name = {{ n.template.name | hcl }}
{%- endif %}
{%- if n.template.kind == "file" and n.template.parts %}
  template_parts = [{% for part in n.template.parts %}{{ ", " if not loop.first }}{{ part.path | hcl }}{% endfor %}]
{%- endif %}
{%- if n.text %}
{{- template_source("text_template", n.text) }}
{%- if n.text.name %}
  text_template_name = {{ n.text.name | hcl }}
{%- endif %}
{%- endif %}
{%- if n.vars is not none %}
  vars_json = jsonencode({{ n.vars | hcl_value }})
{%- endif %}
{%- if n.channel == "email" %}
{%- if n.subject is not none %}
  subject = {{ n.subject | hcl }}
{%- endif %}
  {#- "Name <addr>" as is: the module grants and conditions on the address #}
  sender     = {{ n.sender | hcl }}
  recipients = {{ n.recipients | hcl_value }}
{%- if n.reply_to %}
  reply_to = {{ n.reply_to | hcl_value }}
{%- endif %}
{%- if n.configuration_set is not none %}
  configuration_set = {{ n.configuration_set | hcl }}
{%- endif %}
{%- elif n.channel == "sms" %}
  from           = {{ n.from | hcl }}
  recipients     = {{ n.recipients | hcl_value }}
  allow_override = {{ n.allow_override | hcl_value }}
  twilio_secret  = {{ n.twilio_secret | hcl }}
{%- endif %}
{%- if n.idempotency %}
  idempotency_table_arn = aws_dynamodb_table.idempotency.arn
{%- endif %}
}
{%- endfor %}
