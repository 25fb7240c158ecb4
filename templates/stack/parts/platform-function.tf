{#- The spec's `platform` settings of every role and function, inside a
    module block: the boundary and path, the environment's and the log
    group's KMS keys. -#}
{%- include "parts/platform-roles.tf" %}
{%- if platform.kms_environment %}
  kms_key_arn = {{ platform.kms_environment | hcl }}
{%- endif %}
{%- if platform.kms_logs %}
  log_kms_key_arn = {{ platform.kms_logs | hcl }}
{%- endif %}
