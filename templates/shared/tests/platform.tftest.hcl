{#- The `terraform test` runs of the platform settings, shared by the
    modules' tests: `{% from "shared/tests/platform.tftest.hcl" import
    platform_runs %}{{ platform_runs(ROLES, FUNCTION) }}`. ROLES names the
    module's aws_iam_role resources; FUNCTION is whether the module has a
    function (aws_lambda_function.this) with its log group
    (aws_cloudwatch_log_group.this), which then take the KMS keys. -#}
{% macro platform_runs(roles, function=true) -%}
{%- set ns = namespace(set=[], unset=[]) %}
{%- for r in roles %}
{%- set ns.set = ns.set + ['aws_iam_role.%s.path == "/cloudcron/" && aws_iam_role.%s.permissions_boundary == var.permissions_boundary' % (r, r)] %}
{%- set ns.unset = ns.unset + ['aws_iam_role.%s.path == "/" && aws_iam_role.%s.permissions_boundary == null' % (r, r)] %}
{%- endfor %}
{%- if function %}
{%- set ns.set = ns.set + ['aws_lambda_function.this.kms_key_arn == var.kms_key_arn && aws_cloudwatch_log_group.this.kms_key_id == var.log_kms_key_arn'] %}
{%- set ns.unset = ns.unset + ['aws_lambda_function.this.kms_key_arn == null && aws_cloudwatch_log_group.this.kms_key_id == null'] %}
{%- endif -%}
# What platform teams set: every role this module creates takes the path and
# the permissions boundary{{ ", the function's environment and log group their KMS keys" if function }}.
run "platform_settings" {
  command = apply

  variables {
    permissions_boundary = "arn:aws:iam::123456789012:policy/platform/boundary"
    role_path            = "/cloudcron/"
{%- if function %}
    kms_key_arn          = "arn:aws:kms:us-west-2:123456789012:key/11111111-2222-3333-4444-555555555555"
    log_kms_key_arn      = "arn:aws:kms:us-west-2:123456789012:key/22222222-2222-3333-4444-555555555555"
{%- endif %}
  }

  assert {
    condition = (
      {{ ns.set | join(" &&\n      ") }}
    )
    error_message = "every role takes role_path and permissions_boundary{{ "; the environment and the log group are encrypted with their keys" if function }}"
  }
}

run "platform_unset" {
  command = plan

  assert {
    condition = (
      {{ ns.unset | join(" &&\n      ") }}
    )
    error_message = "without platform settings the roles sit at / without a boundary{{ " and no KMS key is named" if function }}"
  }
}

run "rejects_bad_platform_values" {
  command = plan

  variables {
    permissions_boundary = "arn:aws:iam::123456789012:role/boundary"
    role_path            = "/cloudcron"
{%- if function %}
    kms_key_arn          = "arn:aws:kms:us-west-2:123456789012:alias/env"
{%- endif %}
  }

  expect_failures = [var.permissions_boundary, var.role_path{{ ", var.kms_key_arn" if function }}]
}
{%- endmacro %}
