{%- macro by_key(items, attr) %}
{%- for item in items %}
    {{ item.key | hcl_key }} = module.{{ item.module }}.{{ attr }}
{%- endfor %}
{%- endmacro -%}
output "schedule_group_name" {
  description = "Name of the stack's schedule group."
  value       = aws_scheduler_schedule_group.this.name
}

output "topic_arns" {
  description = "ARN of every topic, by key."
  value       = local.topic_arns
}

output "task_function_arns" {
  description = "ARN of every task's Lambda function, by key."
  value = {
{{- by_key(tasks, "function_arn") }}
  }
}

output "task_schedule_arns" {
  description = "ARN of every task's schedule, by key."
  value = {
{{- by_key(tasks, "schedule_arn") }}
  }
}
{%- set channels = notifications | selectattr("wired") | list %}
{%- for name, description, attr in [
      ("notification_function_arns", "ARN of every notification channel's Lambda function, by key.", "function_arn"),
      ("notification_queue_urls", "URL of every notification channel's SQS queue, by key.", "queue_url"),
      ("notification_dead_letter_queue_urls", "URL of every notification channel's dead-letter queue, by key.", "dead_letter_queue_url"),
    ] %}

output "{{ name }}" {
  description = {{ description | hcl }}
{%- if channels %}
  value = {
{{- by_key(channels, attr) }}
  }
{%- else %}
  value       = {}
{%- endif %}
}
{%- endfor %}

output "image_uris" {
  description = "URI of every image, by key (digest URIs for images built or republished here)."
  value       = local.image_uris
}
{%- if any_idempotency %}

output "idempotency_table_name" {
  description = "Name of the DynamoDB table holding the channels' idempotency records."
  value       = aws_dynamodb_table.idempotency.name
}
{%- endif %}
{%- if any_file_template %}

output "template_bucket" {
  description = "Name of the private bucket holding the channels' file templates."
  value       = aws_s3_bucket.templates.bucket
}
{%- endif %}
{%- if schedule_groups %}

output "schedule_groups" {
  description = "Every schedule group by key: its name, the role its schedules assume, their target, and the managed policy that lets a role create schedules in it."
  value = {
{%- for g in schedule_groups %}
    {{ g.key | hcl_key }} = {
      name                = module.{{ g.module }}.group_name
      scheduler_role_arn  = module.{{ g.module }}.scheduler_role_arn
      target_function_arn = module.{{ g.module }}.target_function_arn
      creators_policy_arn = module.{{ g.module }}.creators_policy_arn
    }
{%- endfor %}
  }
}
{%- endif %}
{%- if dispatchers %}

output "dispatcher_function_arns" {
  description = "ARN of every dispatcher's Lambda function, by key."
  value = {
{{- by_key(dispatchers, "function_arn") }}
  }
}

output "dispatcher_queue_urls" {
  description = "URL of every dispatcher's requests queue, by key: the workers read them."
  value = {
{{- by_key(dispatchers, "queue_url") }}
  }
}
{%- endif %}
