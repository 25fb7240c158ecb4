{#- The spec's `platform` settings of every role and function, inside a
    module block: the boundary and path, the environment's and the log
    group's KMS keys. -#}
{%- include "parts/platform-roles.tf" %}
{#- moto does not keep a function's KMS key (a second plan would differ):
    left out in the sandbox, as the README says -#}
{%- if platform.kms_environment %}
  kms_key_arn = var.aws_endpoint_url == null ? {{ platform.kms_environment | hcl }} : null
{%- endif %}
{%- if platform.kms_logs %}
  log_kms_key_arn = {{ platform.kms_logs | hcl }}
{%- endif %}
