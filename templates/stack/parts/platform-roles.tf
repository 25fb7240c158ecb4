{#- The spec's `platform` settings of every role, inside a module block. -#}
{%- if platform.permissions_boundary %}
  permissions_boundary = {{ platform.permissions_boundary | hcl }}
{%- endif %}
{%- if platform.role_path %}
  role_path = {{ platform.role_path | hcl }}
{%- endif %}
